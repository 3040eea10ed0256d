/**
 * Whoever preserved recordings (or the DPO) records that a preservation's
 * review took place and the recordings are still needed: the next review
 * date moves on by the class's `reviewEvery`, and the reminders start again
 * for it. A preservation no longer needed is released instead (release-hold).
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { addCalendarDuration, isoDate, todayIn } from "../calendar.ts";
import { AppError } from "../errors.ts";
import { requireReason, withRefusalAudit } from "../guards.ts";
import { isDpo, personByEmail } from "../policy/access.ts";
import { holdersText } from "../retention/compliance-roles.ts";
import { loadHoldView, parseHoldReference, type HoldView } from "./hold-view.ts";

export interface ReviewPreservationInput {
  actorEmail: string;
  /** HOLD-000001 */
  reference: string;
  /** Why the recordings are still needed. */
  note: string;
}

export async function reviewPreservation(ctx: CoreContext, input: ReviewPreservationInput): Promise<HoldView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "hold.refused", command: "review-preservation", reference: input.reference }, () => attemptReview(ctx, input));
}

async function attemptReview(ctx: CoreContext, input: ReviewPreservationInput): Promise<HoldView> {
  const { policy } = ctx;
  const person = personByEmail(policy, input.actorEmail);
  const reference = parseHoldReference(input.reference);
  const note = requireReason(input.note, "Say why the recordings are still needed (at least 5 characters); it is kept in the audit log.");
  const hold = await ctx.db.hold.findUnique({ where: { reference } });
  if (!hold) throw new AppError("NOT_FOUND", `There is no hold ${reference}.`);
  if (hold.createdBy !== person.email && !isDpo(policy, person)) {
    throw new AppError("FORBIDDEN", `Only whoever preserved ${reference} or ${holdersText(policy, [])} can review it.`);
  }
  if (hold.kind !== "PRESERVATION") throw new AppError("WRONG_STATE", `${reference} is not a preservation; holds of that kind have no review date.`);
  if (hold.releasedAt) throw new AppError("WRONG_STATE", `${reference} has been released, so there is nothing to review.`);
  const cls = policy.retention.preservation.classes.find((c) => c.id === hold.preservationClass);
  if (!cls) throw new AppError("WRONG_STATE", `${reference} is under the class "${hold.preservationClass}", which the policy no longer names. Ask the DPO to preserve the recordings under a current class.`);

  await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const reviewOn = addCalendarDuration(todayIn(policy.organisation.timeZone, now), cls.reviewEvery);
    const { count } = await tx.hold.updateMany({ where: { id: hold.id, releasedAt: null, reviewOn: hold.reviewOn }, data: { reviewOn, reviewRemindedAt: null } });
    if (count !== 1) throw new AppError("CONFLICT", `${reference} changed while you were reviewing it. Please look again.`);
    await appendAudit(tx, { at: now, actor: person.email, action: "hold.reviewed", subjectType: "hold", subjectId: hold.id, details: { reference, note, reviewOn: isoDate(reviewOn) } });
  });
  return loadHoldView(ctx.db, policy, reference);
}
