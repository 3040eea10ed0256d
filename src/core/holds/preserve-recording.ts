/**
 * Someone the policy names (`retention.preservation.roles`; the DPO always)
 * keeps recordings past their deletion under one of the policy's preservation
 * classes: LIFE's CEO or a principal asking that a recording be kept (§6),
 * North Wales Housing's managers and IT helpdesk "downloading" a call within
 * the 90 days, which puts it under the Document and Data Retention Policy
 * (§1.3). A preservation is a hold of kind PRESERVATION: it protects the
 * recordings from retention and erasure for the class's period, counted from
 * the day it is placed (or until released, for a class without one), and is
 * reviewed every `reviewEvery` (jobs/remind-preservations.ts reminds).
 *
 * A site-scoped role preserves only its own sites' recordings. Locking races
 * the sweep exactly as place-hold does (FOR KEY SHARE before linking).
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { addCalendarDuration, calendarText, isoDate, todayIn } from "../calendar.ts";
import { AppError } from "../errors.ts";
import { requireReason, withRefusalAudit } from "../guards.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { holdsRole, isDpo, peopleWithRoles, personByEmail } from "../policy/access.ts";
import { addDuration } from "../policy/duration.ts";
import type { Person, Policy } from "../policy/schema.ts";
import { nextReference } from "../references.ts";
import { holdersText } from "../retention/compliance-roles.ts";
import { loadHoldView, type HoldView } from "./hold-view.ts";

export interface PreserveRecordingInput {
  actorEmail: string;
  /** Call ids as the catalogue has them (from a request or a search). */
  callIds: string[];
  /** A class id from retention.preservation.classes; may be left out when the policy has only one. */
  classId?: string;
  reason: string;
}

const MAX_CALLS = 50;

export async function preserveRecording(ctx: CoreContext, input: PreserveRecordingInput): Promise<HoldView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "hold.refused", command: "preserve-recording" }, () => attemptPreserve(ctx, input));
}

/** Whether the person may preserve recordings at all (any site). */
export function mayPreserve(policy: Policy, person: Person, siteId?: string | null): boolean {
  return isDpo(policy, person) || holdsRole(policy, person, policy.retention.preservation.roles, siteId);
}

async function attemptPreserve(ctx: CoreContext, input: PreserveRecordingInput): Promise<HoldView> {
  const { policy } = ctx;
  const person = personByEmail(policy, input.actorEmail);
  const { preservation } = policy.retention;
  if (!mayPreserve(policy, person)) {
    throw new AppError("FORBIDDEN", `Only ${holdersText(policy, preservation.roles)} can keep a recording past its deletion.`);
  }
  if (preservation.classes.length === 0) {
    throw new AppError("WRONG_STATE", "The organisation's policy names no class to preserve recordings under (retention.preservation.classes). The DPO can place a legal hold instead.");
  }
  const classId = input.classId?.trim().toLowerCase() || (preservation.classes.length === 1 ? preservation.classes[0]!.id : "");
  const cls = preservation.classes.find((c) => c.id === classId);
  if (!cls) {
    const known = preservation.classes.map((c) => `${c.id} (${c.label})`).join(", ");
    throw new AppError("INVALID_INPUT", `${classId ? `"${classId.slice(0, 40)}" is not a preservation class.` : "Say which class to preserve under."} The policy's classes are: ${known}.`, "class");
  }
  const reason = requireReason(input.reason, "Give a reason for keeping the recording (at least 5 characters), for example what it will be relied on for; it is kept in the audit log.");
  const callIds = [...new Set(input.callIds.map((c) => c.trim()).filter((c) => c.length > 0))];
  if (callIds.length === 0) throw new AppError("INVALID_INPUT", "Say which call to keep: give its call id.", "call");
  if (callIds.length > MAX_CALLS) throw new AppError("INVALID_INPUT", `Name at most ${MAX_CALLS} calls at once.`, "call");
  const found = await ctx.db.recording.findMany({ where: { callId: { in: callIds } }, select: { id: true, callId: true, siteId: true } });
  const unknown = callIds.filter((c) => !found.some((r) => r.callId === c));
  if (unknown.length > 0) throw new AppError("NOT_FOUND", `There is no call ${unknown.slice(0, 3).join(", ")} in the catalogue.`, "call");
  const elsewhere = found.filter((r) => !mayPreserve(policy, person, r.siteId));
  if (elsewhere.length > 0) {
    const sites = person.sites.map((s) => policy.sites.find((x) => x.id === s)?.name ?? s).join(", ") || "your sites";
    throw new AppError("FORBIDDEN", `You can keep only recordings of ${sites}; call ${elsewhere[0]!.callId} is not one of them.`, "call");
  }

  const tz = policy.organisation.timeZone;
  const reference = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const keepUntil = cls.period ? addDuration(now, cls.period) : null;
    const reviewOn = addCalendarDuration(todayIn(tz, now), cls.reviewEvery);
    const reference = await nextReference(tx, "HOLD");
    const hold = await tx.hold.create({
      data: { reference, kind: "PRESERVATION", reason, maskedNumbers: [], createdBy: person.email, createdAt: now, preservationClass: cls.id, keepUntil, reviewOn },
    });
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM "Recording" WHERE "callId" = ANY(${callIds}::text[]) ORDER BY id FOR KEY SHARE`;
    if (locked.length > 0) {
      await tx.$executeRaw`
        INSERT INTO "HeldRecording" ("holdId", "recordingId")
        SELECT ${hold.id}::uuid, unnest(${locked.map((r) => r.id)}::text[]::uuid[])`;
    }
    await appendAudit(tx, {
      at: now,
      actor: person.email,
      action: "hold.preserved",
      subjectType: "hold",
      subjectId: hold.id,
      details: { reference, class: cls.id, callIds, recordings: locked.length, keepUntil: keepUntil?.toISOString() ?? null, reviewOn: isoDate(reviewOn), reason },
    });
    // The DPO oversees what is kept past retention, whoever kept it.
    const dpos = peopleWithRoles(policy, policy.compliance.dpoRoles).filter((p) => p.email !== person.email);
    await enqueueNotices(
      tx,
      now,
      dpos.map((dpo) => ({
        to: dpo.email,
        kind: "compliance-notice" as const,
        payload: {
          title: `${person.name} preserved ${locked.length === 1 ? "a recording" : `${locked.length} recordings`} (${reference})`,
          lines: [
            `Kept under "${cls.label}" ${keepUntil ? `until ${calendarText(todayIn(tz, keepUntil))}` : "until released"}; review due ${calendarText(reviewOn)}.`,
            `Reason given: ${reason}`,
          ],
        },
      })),
    );
    return reference;
  });
  return loadHoldView(ctx.db, policy, reference);
}
