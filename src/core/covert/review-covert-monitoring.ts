/**
 * Records a review of a covert monitoring authorisation (is it still
 * necessary and proportionate?) and sets the next review date: the
 * authoriser who set it up, or another person who could authorise it now.
 * Ending it is a separate command (end-covert-monitoring.ts).
 */
import { addCalendarDuration, calendarText, isoDate, todayIn } from "../calendar.ts";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { findPerson, peopleWithRoles, personByEmail } from "../policy/access.ts";
import { formatDuration } from "../policy/duration.ts";
import type { Person } from "../policy/schema.ts";
import { cleanFreeText } from "../validation.ts";
import { authorisingRole, loadCovertView, lockCovert, readCovertDate, type CovertView } from "./covert-view.ts";
import { withRefusalAudit } from "../guards.ts";

export interface ReviewCovertMonitoringInput {
  /** COV-000001 */
  reference: string;
  actorEmail: string;
  /** What the review found: why monitoring is still needed. */
  note: string;
  /** 2026-12-22 or 22/12/2026; today plus the policy's `reviewEvery` unless given. */
  nextReview?: string;
}

export const MIN_REVIEW_NOTE = 10;

export async function reviewCovertMonitoring(ctx: CoreContext, input: ReviewCovertMonitoringInput): Promise<CovertView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "covert.refused", command: "review-covert-monitoring", reference: input.reference }, () => attemptReviewCovertMonitoring(ctx, input));
}

async function attemptReviewCovertMonitoring(ctx: CoreContext, input: ReviewCovertMonitoringInput): Promise<CovertView> {
  const { policy } = ctx;
  const actor = personByEmail(policy, input.actorEmail);
  const note = cleanFreeText(input.note, "note").slice(0, 2000);
  if (note.length < MIN_REVIEW_NOTE) throw new AppError("REASON_REQUIRED", `Say what the review found, and why monitoring is still needed (at least ${MIN_REVIEW_NOTE} characters).`, "note");
  const now = ctx.clock.now();
  const today = todayIn(policy.organisation.timeZone, now);
  const latest = addCalendarDuration(today, policy.covertMonitoring.reviewEvery);
  const next = input.nextReview?.trim() ? readCovertDate(input.nextReview, "nextReview", "next review date") : latest;
  if (next.getTime() <= today.getTime()) throw new AppError("INVALID_INPUT", "The next review date must be in the future.", "nextReview");
  if (next.getTime() > latest.getTime()) throw new AppError("INVALID_INPUT", `The policy asks for covert monitoring to be reviewed at least every ${formatDuration(policy.covertMonitoring.reviewEvery)}, so the next review can be no later than ${calendarText(latest)}.`, "nextReview");

  const id = await transact(ctx, async (tx) => {
    const row = await lockCovert(tx, input.reference);
    if (row.authorisedBy !== actor.email) {
      // Anyone else must be able to authorise this monitoring now (role, site, not monitored themselves).
      const staff = row.staffEmails.map((e) => findPerson(policy, e)).filter((p): p is Person => p !== undefined);
      authorisingRole(policy, actor, staff, row.extensions);
    }
    if (row.status !== "ACTIVE") throw new AppError("WRONG_STATE", `${row.reference} has ended, so there is nothing to review.`);
    const { count } = await tx.covertAuthorisation.updateMany({ where: { id: row.id, status: "ACTIVE", reviewOn: row.reviewOn }, data: { reviewOn: next } });
    if (count !== 1) throw new AppError("CONFLICT", `${row.reference} changed while you were acting on it. Please look again.`);
    await appendAudit(tx, { at: now, actor: actor.email, action: "covert.reviewed", subjectType: "covert", subjectId: row.id, details: { reference: row.reference, note, previousReviewOn: isoDate(row.reviewOn), nextReviewOn: isoDate(next) } });
    const tell = new Set([row.authorisedBy, ...peopleWithRoles(policy, policy.compliance.dpoRoles).map((p) => p.email)]);
    tell.delete(actor.email);
    for (const monitored of row.staffEmails) tell.delete(monitored);
    const lines = [`${actor.name} reviewed covert monitoring ${row.reference}; it continues.`, `Review: ${note}`, `Next review by ${calendarText(next)}.`];
    await enqueueNotices(tx, now, [...tell].map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `Covert monitoring reviewed (${row.reference})`, lines } })));
    return row.id;
  });
  return loadCovertView(ctx, id);
}
