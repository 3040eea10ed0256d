/**
 * The DPO releases a hold, with a reason: its recordings become subject to
 * retention (and erasure) again. Releasing an investigation closes it, and
 * every covert monitoring authorisation still active under it ends in the
 * same transaction (ICO Employment Practices Code: monitoring stops when the
 * investigation does), each audited, each authoriser told.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { formatDateTime } from "../format.ts";
import { findPerson, holdsRole, isDpo } from "../policy/access.ts";
import type { Person } from "../policy/schema.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { requireDpo, requireReason, withRefusalAudit } from "../guards.ts";
import { loadHoldView, parseHoldReference, type HoldView } from "./hold-view.ts";

export interface ReleaseHoldInput {
  actorEmail: string;
  /** HOLD-000001 */
  reference: string;
  reason: string;
}

export const INVESTIGATION_CLOSED = "investigation closed";

/**
 * Whoever preserved recordings (a manager, a principal) may release their own
 * preservation while they still hold a role that may preserve; every other
 * hold is the DPO's to release.
 */
async function ownPreservation(ctx: CoreContext, actorEmail: string, reference: string): Promise<Person | undefined> {
  const person = findPerson(ctx.policy, actorEmail);
  if (!person || isDpo(ctx.policy, person) || !holdsRole(ctx.policy, person, ctx.policy.retention.preservation.roles)) return undefined;
  const hold = await ctx.db.hold.findUnique({ where: { reference }, select: { kind: true, createdBy: true } });
  return hold?.kind === "PRESERVATION" && hold.createdBy === person.email ? person : undefined;
}

export async function releaseHold(ctx: CoreContext, input: ReleaseHoldInput): Promise<{ hold: HoldView; endedCovert: string[] }> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "hold.refused", command: "release-hold", reference: input.reference }, () => attemptReleaseHold(ctx, input));
}

async function attemptReleaseHold(ctx: CoreContext, input: ReleaseHoldInput): Promise<{ hold: HoldView; endedCovert: string[] }> {
  const reference = parseHoldReference(input.reference);
  const dpo = (await ownPreservation(ctx, input.actorEmail, reference)) ?? (await requireDpo(ctx, input.actorEmail, "release holds"));
  const reason = requireReason(input.reason, "Give a reason for releasing the hold (at least 5 characters); it is kept in the audit log.");
  const tz = ctx.policy.organisation.timeZone;

  const endedCovert = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const hold = await tx.hold.findUnique({ where: { reference }, include: { subjectAccess: { select: { reference: true, status: true } } } });
    if (!hold) throw new AppError("NOT_FOUND", `There is no hold ${reference}.`);
    if (hold.releasedAt) {
      const by = hold.releasedBy ? (findPerson(ctx.policy, hold.releasedBy)?.name ?? hold.releasedBy) : "someone";
      throw new AppError("ALREADY_DONE", `${reference} was already released by ${by} on ${formatDateTime(hold.releasedAt, tz)}.`);
    }
    if (hold.kind === "SUBJECT_ACCESS" && hold.subjectAccess?.status === "OPEN") {
      throw new AppError("WRONG_STATE", `${reference} keeps the recordings of subject access request ${hold.subjectAccess.reference}; it is released when that request is closed.`);
    }
    const { count } = await tx.hold.updateMany({ where: { id: hold.id, releasedAt: null }, data: { releasedAt: now, releasedBy: dpo.email, releaseReason: reason } });
    if (count !== 1) throw new AppError("CONFLICT", `${reference} changed while you were releasing it. Please look again.`);
    await appendAudit(tx, { at: now, actor: dpo.email, action: "hold.released", subjectType: "hold", subjectId: hold.id, details: { reference, kind: hold.kind, reason } });

    const ended: string[] = [];
    if (hold.kind !== "INVESTIGATION") return ended;
    const active = await tx.covertAuthorisation.findMany({ where: { investigationId: hold.id, status: "ACTIVE" }, orderBy: { reference: "asc" } });
    for (const covert of active) {
      const moved = await tx.covertAuthorisation.updateMany({
        where: { id: covert.id, status: "ACTIVE" },
        data: { status: "ENDED", endedAt: now, endedBy: dpo.email, endReason: INVESTIGATION_CLOSED },
      });
      if (moved.count !== 1) continue;
      ended.push(covert.reference);
      await appendAudit(tx, {
        at: now,
        actor: dpo.email,
        action: "covert.ended",
        subjectType: "covert",
        subjectId: covert.id,
        details: { reference: covert.reference, investigation: reference, reason: INVESTIGATION_CLOSED },
      });
      await enqueueNotices(tx, now, [
        {
          to: covert.authorisedBy,
          kind: "compliance-notice",
          payload: {
            title: `Covert monitoring ${covert.reference} has ended`,
            lines: [
              `${dpo.name} closed investigation ${reference} on ${formatDateTime(now, tz)}, so the covert monitoring you authorised under it (${covert.reference}) has ended.`,
              `Reason given: ${reason}`,
              "Monitoring must stop now. Recordings already made stay under the organisation's retention policy.",
            ],
          },
        },
      ]);
    }
    return ended;
  });
  return { hold: await loadHoldView(ctx.db, ctx.policy, reference), endedCovert };
}
