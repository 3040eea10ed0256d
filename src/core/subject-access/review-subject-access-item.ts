/**
 * The DPO's decision on one call found for a subject access request:
 * - `third-party`: it holds other people's personal data (another caller's
 *   voice, a colleague discussing someone else) and must be reviewed before
 *   release; the bundle waits until every such call is released or withheld.
 * - `withhold`: left out of the bundle, with the reason (an exemption, or the
 *   prejudice to someone else's rights); the covering letter says so.
 * - `release`: reviewed and released in full (clears both marks).
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { cleanFreeText } from "../validation.ts";
import { buildSubjectAccessView, loadSubjectAccess, type SubjectAccessView } from "./subject-access-view.ts";
import { lockSubjectAccess, maskNumbersIn, requireOpen, requireSubjectAccessOwner } from "./subject-access-rules.ts";
import { withRefusalAudit } from "../guards.ts";

export type ItemReview = "third-party" | "withhold" | "release";

export interface ReviewSubjectAccessItemInput {
  actorEmail: string;
  reference: string;
  /** The item's number as listed (1, 2, ...) or the call's id. */
  item: string;
  review: ItemReview;
  /** Required to withhold (the reason the subject is told); optional otherwise. */
  note?: string;
}

export async function reviewSubjectAccessItem(ctx: CoreContext, input: ReviewSubjectAccessItemInput): Promise<SubjectAccessView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "subject-access.refused", command: "review-subject-access-item", reference: input.reference }, () => attemptReviewSubjectAccessItem(ctx, input));
}

async function attemptReviewSubjectAccessItem(ctx: CoreContext, input: ReviewSubjectAccessItemInput): Promise<SubjectAccessView> {
  const actor = requireSubjectAccessOwner(ctx.policy, input.actorEmail);
  if (!["third-party", "withhold", "release"].includes(input.review)) throw new AppError("INVALID_INPUT", "Mark the item as third-party, withhold or release.", "review");
  const note = maskNumbersIn(cleanFreeText(input.note ?? "", "note"));
  if (note.length > 500) throw new AppError("INVALID_INPUT", "The note is too long (at most 500 characters).", "note");
  if (input.review === "withhold" && note.length < 5) throw new AppError("REASON_REQUIRED", "Say why this call is withheld (at least 5 characters): the covering letter tells the subject.", "note");

  const id = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const sar = await lockSubjectAccess(tx, input.reference);
    requireOpen(sar);
    const detail = await loadSubjectAccess(tx, sar.id);
    const wanted = input.item.trim().replace(/^#/, "");
    const index = /^\d{1,5}$/.test(wanted) ? Number(wanted) - 1 : detail.items.findIndex((i) => i.recording.callId === wanted || i.recordingId === wanted);
    const item = index >= 0 ? detail.items[index] : undefined;
    if (!item) {
      throw new AppError("NOT_FOUND", detail.items.length === 0 ? `${sar.reference} found no calls to review.` : `${sar.reference} has no item ${wanted.slice(0, 40)}. Give an item number from 1 to ${detail.items.length}, or a call id from the list.`, "item");
    }
    const data =
      input.review === "third-party"
        ? { thirdPartyReview: true, withheld: false, note: note || item.note }
        : input.review === "withhold"
          ? { withheld: true, note }
          : { thirdPartyReview: false, withheld: false, note: note || null };
    await tx.subjectAccessItem.update({ where: { sarId_recordingId: { sarId: sar.id, recordingId: item.recordingId } }, data });
    await appendAudit(tx, {
      at: now,
      actor: actor.email,
      action: "subject-access.item-reviewed",
      subjectType: "subject-access",
      subjectId: sar.id,
      details: { reference: sar.reference, item: index + 1, callId: item.recording.callId, review: input.review, ...(note ? { note } : {}) },
    });
    return sar.id;
  });
  return buildSubjectAccessView(ctx, await loadSubjectAccess(ctx.db, id));
}
