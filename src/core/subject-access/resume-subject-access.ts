/**
 * Restarts a paused subject access request's clock when the proof of
 * identity or the clarification arrives, and records how identity was
 * verified. The days paused move the day of receipt forward, so the deadline
 * is recomputed (and its reminders re-armed when it moves). On a request that
 * is not paused, recording identity alone is allowed (the bundle needs it).
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { cleanFreeText } from "../validation.ts";
import { calendarText, daysBetween, isoDate } from "../calendar.ts";
import { readArrivedOn } from "./subject-access-intake.ts";
import { buildSubjectAccessView, loadSubjectAccess, type SubjectAccessView } from "./subject-access-view.ts";
import { dueOnFor, IDENTITY_PAUSE_REASON, lockSubjectAccess, maskNumbersIn, requireOpen, requireSubjectAccessOwner, subjectAccessTeam, todayFor } from "./subject-access-rules.ts";
import { withRefusalAudit } from "../guards.ts";

export interface ResumeSubjectAccessInput {
  actorEmail: string;
  reference: string;
  /** How identity was verified, e.g. "passport seen in person". Needed if the request waited for identity. */
  identityVerification?: string;
  /** What the subject clarified, for the record. */
  clarification?: string;
  /** The day the information arrived ("2026-11-25" or "25/11/2026"); today unless given. */
  receivedOn?: string;
}

export async function resumeSubjectAccess(ctx: CoreContext, input: ResumeSubjectAccessInput): Promise<SubjectAccessView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "subject-access.refused", command: "resume-subject-access", reference: input.reference }, () => attemptResumeSubjectAccess(ctx, input));
}

async function attemptResumeSubjectAccess(ctx: CoreContext, input: ResumeSubjectAccessInput): Promise<SubjectAccessView> {
  const actor = requireSubjectAccessOwner(ctx.policy, input.actorEmail);
  const identity = maskNumbersIn(cleanFreeText(input.identityVerification ?? "", "identityVerification"));
  const clarification = maskNumbersIn(cleanFreeText(input.clarification ?? "", "clarification"));
  if (identity.length > 500 || clarification.length > 500) throw new AppError("INVALID_INPUT", "That is too long (at most 500 characters).", identity.length > 500 ? "identityVerification" : "clarification");
  const today = todayFor(ctx);
  const arrivedOn = readArrivedOn(input.receivedOn, today);

  const id = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const sar = await lockSubjectAccess(tx, input.reference);
    requireOpen(sar);
    const team = subjectAccessTeam(ctx.policy, sar.ownerEmail, actor.email);

    if (!sar.pausedSince) {
      if (!identity) throw new AppError("WRONG_STATE", `${sar.reference}'s clock is not paused. To record how identity was verified, give the identity check.`);
      if (sar.identityVerification) throw new AppError("ALREADY_DONE", `${sar.reference} already records identity as verified (${sar.identityVerification}).`);
      await tx.subjectAccessRequest.update({ where: { id: sar.id }, data: { identityVerification: identity, awaitingInformation: sar.awaitingInformation.filter((m) => m !== "identity") } });
      await appendAudit(tx, { at: now, actor: actor.email, action: "subject-access.identity-recorded", subjectType: "subject-access", subjectId: sar.id, details: { reference: sar.reference, identityVerification: identity } });
      await enqueueNotices(tx, now, team.map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `Subject access request ${sar.reference}: identity verified`, lines: [`${actor.name} recorded: ${identity}.`] } })));
      return sar.id;
    }

    if (sar.awaitingInformation.includes("calls")) {
      throw new AppError("WRONG_STATE", `${sar.reference} is still awaiting what identifies the calls (a phone number, or the day with an approximate time or the extension): add that information, with the identity check if it has arrived, and the clock restarts.`);
    }
    const waitedForIdentity = sar.pauseReason?.startsWith(IDENTITY_PAUSE_REASON) ?? false;
    if (waitedForIdentity && !sar.identityVerification && !identity) {
      throw new AppError("REASON_REQUIRED", `${sar.reference} is waiting for proof of identity: say how identity was verified (for example "passport seen in person").`, "identityVerification");
    }
    if (arrivedOn.getTime() < sar.pausedSince.getTime()) {
      throw new AppError("INVALID_INPUT", `The clock was paused on ${calendarText(sar.pausedSince)}; the information cannot have arrived before that.`, "receivedOn");
    }
    const pausedDays = sar.pausedDays + daysBetween(sar.pausedSince, arrivedOn);
    const dueOn = dueOnFor(ctx.policy, { receivedOn: sar.receivedOn, pausedDays, extendedByMonths: sar.extendedByMonths });
    const moved = dueOn.getTime() !== sar.dueOn.getTime();
    const { count } = await tx.subjectAccessRequest.updateMany({
      where: { id: sar.id, status: "OPEN", pausedSince: sar.pausedSince },
      data: {
        pausedSince: null,
        pauseReason: null,
        pausedDays,
        dueOn,
        ...(identity && !sar.identityVerification ? { identityVerification: identity } : {}),
        awaitingInformation: identity || sar.identityVerification ? sar.awaitingInformation.filter((m) => m !== "identity") : sar.awaitingInformation,
        // A new deadline gets its own reminders.
        ...(moved ? { reminded7At: null, reminded1At: null, overdueNotifiedAt: null } : {}),
      },
    });
    if (count !== 1) throw new AppError("CONFLICT", `${sar.reference} changed while you were resuming it. Look at it again and retry.`);
    await appendAudit(tx, {
      at: now,
      actor: actor.email,
      action: "subject-access.resumed",
      subjectType: "subject-access",
      subjectId: sar.id,
      details: {
        reference: sar.reference,
        wasWaitingFor: sar.pauseReason,
        arrivedOn: isoDate(arrivedOn),
        pausedDays,
        dueOn: isoDate(dueOn),
        ...(identity ? { identityVerification: identity } : {}),
        ...(clarification ? { clarification } : {}),
      },
    });
    const lines = [`${actor.name} restarted the clock: the information arrived on ${calendarText(arrivedOn)}.`, `The deadline is now ${calendarText(dueOn)} (${pausedDays} day${pausedDays === 1 ? "" : "s"} paused in all).`];
    await enqueueNotices(tx, now, team.map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `Subject access request ${sar.reference} resumed`, lines } })));
    return sar.id;
  });
  return buildSubjectAccessView(ctx, await loadSubjectAccess(ctx.db, id));
}
