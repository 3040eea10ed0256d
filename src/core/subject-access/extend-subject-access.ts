/**
 * Extends a subject access request by up to two further months (UK GDPR
 * Article 12(3): complex or numerous requests), with the reason recorded.
 * Only while the first period runs: once its deadline has passed the
 * organisation can no longer extend, and is late. `months` is the whole
 * extension (1 or 2), counted from the day of receipt (see deadline.ts), so
 * asking for 2 after 1 adds one more month.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { calendarText, isoDate } from "../calendar.ts";
import { AppError } from "../errors.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { cleanFreeText } from "../validation.ts";
import { buildSubjectAccessView, loadSubjectAccess, type SubjectAccessView } from "./subject-access-view.ts";
import { dueOnFor, firstPeriodEnds, lockSubjectAccess, maskNumbersIn, maxExtensionMonths, requireOpen, requireSubjectAccessOwner, subjectAccessTeam, todayFor } from "./subject-access-rules.ts";
import { withRefusalAudit } from "../guards.ts";
import { findSubjectAccess } from "./subject-access-rules.ts";
import { requireCaseHandler } from "./subject-access-intake.ts";

export interface ExtendSubjectAccessInput {
  actorEmail: string;
  reference: string;
  /** The whole extension in months beyond the first period (1 or 2). */
  months: number;
  /** Why (the request is complex, or the subject made several). Told to the subject. */
  reason: string;
}

export async function extendSubjectAccess(ctx: CoreContext, input: ExtendSubjectAccessInput): Promise<SubjectAccessView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "subject-access.refused", command: "extend-subject-access", reference: input.reference }, () => attemptExtendSubjectAccess(ctx, input));
}

async function attemptExtendSubjectAccess(ctx: CoreContext, input: ExtendSubjectAccessInput): Promise<SubjectAccessView> {
  requireSubjectAccessOwner(ctx.policy, input.actorEmail);
  const actor = requireCaseHandler(ctx.policy, input.actorEmail, await findSubjectAccess(ctx.db, input.reference));
  const max = maxExtensionMonths(ctx.policy);
  if (max === 0) throw new AppError("WRONG_STATE", "This organisation's policy does not allow subject access requests to be extended.");
  if (!Number.isInteger(input.months) || input.months < 1 || input.months > max) {
    throw new AppError("INVALID_INPUT", max === 1 ? "The policy allows an extension of 1 month." : `Give the extension as a whole number of months, 1 to ${max}.`, "months");
  }
  const reason = maskNumbersIn(cleanFreeText(input.reason ?? "", "reason"));
  if (reason.length < 10) throw new AppError("REASON_REQUIRED", "Give the reason for the extension (at least 10 characters): the subject must be told why.", "reason");
  if (reason.length > 1000) throw new AppError("INVALID_INPUT", "The reason is too long (at most 1,000 characters).", "reason");

  const id = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const today = todayFor(ctx);
    const sar = await lockSubjectAccess(tx, input.reference);
    requireOpen(sar);
    const firstEnds = firstPeriodEnds(ctx.policy, sar, today);
    if (today.getTime() > firstEnds.getTime()) {
      throw new AppError("TOO_LATE", `${sar.reference} can no longer be extended: an extension must be made while the first month runs, and that ended on ${calendarText(firstEnds)}.`);
    }
    if (input.months <= sar.extendedByMonths) {
      throw new AppError("ALREADY_DONE", `${sar.reference} is already extended by ${sar.extendedByMonths} month${sar.extendedByMonths === 1 ? "" : "s"} (due ${calendarText(sar.dueOn)}).`);
    }
    const dueOn = dueOnFor(ctx.policy, { receivedOn: sar.receivedOn, pausedDays: sar.pausedDays, extendedByMonths: input.months });
    const { count } = await tx.subjectAccessRequest.updateMany({
      where: { id: sar.id, status: "OPEN", extendedByMonths: sar.extendedByMonths },
      data: { extendedByMonths: input.months, extensionReason: reason, dueOn, reminded7At: null, reminded1At: null, overdueNotifiedAt: null },
    });
    if (count !== 1) throw new AppError("CONFLICT", `${sar.reference} changed while you were extending it. Look at it again and retry.`);
    await appendAudit(tx, {
      at: now,
      actor: actor.email,
      action: "subject-access.extended",
      subjectType: "subject-access",
      subjectId: sar.id,
      details: { reference: sar.reference, months: input.months, was: sar.extendedByMonths, reason, dueOn: isoDate(dueOn), previousDueOn: isoDate(sar.dueOn) },
    });
    const lines = [
      `${actor.name} extended it by ${input.months} month${input.months === 1 ? "" : "s"}: ${reason}`,
      `The deadline is now ${calendarText(dueOn)}${sar.pausedSince ? " (the clock is still paused, so it will move again)" : ""}.`,
      "Tell the subject about the extension and why, within the first month.",
    ];
    await enqueueNotices(tx, now, subjectAccessTeam(ctx.policy, sar.ownerEmail, actor.email).map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `Subject access request ${sar.reference} extended`, lines } })));
    return sar.id;
  });
  return buildSubjectAccessView(ctx, await loadSubjectAccess(ctx.db, id));
}
