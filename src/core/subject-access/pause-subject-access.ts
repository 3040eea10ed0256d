/**
 * Stops a subject access request's clock while the organisation waits for
 * proof of identity or for the subject to clarify what they want, where the
 * policy allows it. The days paused are added when the clock restarts
 * (resume-subject-access.ts), which moves the day of receipt forward.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { calendarText, isoDate } from "../calendar.ts";
import { AppError } from "../errors.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { cleanFreeText } from "../validation.ts";
import { buildSubjectAccessView, loadSubjectAccess, type SubjectAccessView } from "./subject-access-view.ts";
import { lockSubjectAccess, maskNumbersIn, requireOpen, requireSubjectAccessOwner, subjectAccessTeam, todayFor } from "./subject-access-rules.ts";
import { withRefusalAudit } from "../guards.ts";

export interface PauseSubjectAccessInput {
  actorEmail: string;
  /** "SAR-000004" or the request's id. */
  reference: string;
  /** What the organisation is waiting for. */
  waitingFor: "identity" | "clarification";
  /** What was asked of the subject, for the record. */
  reason: string;
}

export async function pauseSubjectAccess(ctx: CoreContext, input: PauseSubjectAccessInput): Promise<SubjectAccessView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "subject-access.refused", command: "pause-subject-access", reference: input.reference }, () => attemptPauseSubjectAccess(ctx, input));
}

async function attemptPauseSubjectAccess(ctx: CoreContext, input: PauseSubjectAccessInput): Promise<SubjectAccessView> {
  const actor = requireSubjectAccessOwner(ctx.policy, input.actorEmail);
  if (!ctx.policy.subjectAccess.pauseClockForIdentity) {
    throw new AppError("WRONG_STATE", "This organisation's policy does not pause the clock while waiting for identity or clarification, so the deadline stands.");
  }
  if (input.waitingFor !== "identity" && input.waitingFor !== "clarification") {
    throw new AppError("INVALID_INPUT", "Say whether you are waiting for identity or for clarification.", "waitingFor");
  }
  const reason = maskNumbersIn(cleanFreeText(input.reason ?? "", "reason"));
  if (reason.length < 5) throw new AppError("REASON_REQUIRED", "Say what you have asked the subject for (at least 5 characters).", "reason");
  if (reason.length > 500) throw new AppError("INVALID_INPUT", "The reason is too long (at most 500 characters).", "reason");

  const id = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const today = todayFor(ctx);
    const sar = await lockSubjectAccess(tx, input.reference);
    requireOpen(sar);
    if (sar.pausedSince) throw new AppError("ALREADY_DONE", `${sar.reference}'s clock has been paused since ${calendarText(sar.pausedSince)} (${sar.pauseReason}).`);
    const pauseReason = `waiting for ${input.waitingFor}: ${reason}`;
    const { count } = await tx.subjectAccessRequest.updateMany({ where: { id: sar.id, status: "OPEN", pausedSince: null }, data: { pausedSince: today, pauseReason } });
    if (count !== 1) throw new AppError("CONFLICT", `${sar.reference} changed while you were pausing it. Look at it again and retry.`);
    await appendAudit(tx, {
      at: now,
      actor: actor.email,
      action: "subject-access.paused",
      subjectType: "subject-access",
      subjectId: sar.id,
      details: { reference: sar.reference, waitingFor: input.waitingFor, reason, pausedSince: isoDate(today) },
    });
    await enqueueNotices(
      tx,
      now,
      subjectAccessTeam(ctx.policy, sar.ownerEmail, actor.email).map((to) => ({
        to,
        kind: "compliance-notice" as const,
        payload: { title: `Subject access request ${sar.reference} paused`, lines: [`${actor.name} paused the clock on ${calendarText(today)}, ${pauseReason}.`, "Reminders stop until the clock restarts."] },
      })),
    );
    return sar.id;
  });
  return buildSubjectAccessView(ctx, await loadSubjectAccess(ctx.db, id));
}
