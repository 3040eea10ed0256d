/**
 * Right to erasure, step two: a DPO (the one who proposed it or another)
 * confirms. Exactly the recordings listed at the proposal are deleted, each
 * unless a hold or an open request protects it by now, through the same
 * batched deletion as the retention sweep (rule "erasure:ERA-000003"). The
 * proposal moves to CONFIRMED first by a conditional update, so two DPOs
 * confirming at once delete once; a deletion interrupted half-way leaves
 * the rest listed for a fresh proposal.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { formatDateTime } from "../format.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { findPerson } from "../policy/access.ts";
import { deleteRecordings } from "../retention/delete-recordings.ts";
import { withRefusalAudit } from "../guards.ts";
import { requireCompliancePower } from "../retention/compliance-roles.ts";
import { buildErasureView, loadErasure, OMIT_IDS, type ErasureView } from "./erasure-view.ts";

export interface ConfirmErasureResult {
  erasure: ErasureView;
  deleted: number;
  /** Listed, but kept because a hold or an open request now protects them. */
  heldNow: number;
  /** Listed, but already gone (deleted by retention meanwhile) or being deleted by another run. */
  alreadyGone: number;
}

export async function confirmErasure(ctx: CoreContext, input: { actorEmail: string; reference: string }): Promise<ConfirmErasureResult> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "erasure.refused", command: "confirm-erasure", reference: input.reference }, () => attemptConfirmErasure(ctx, input));
}

async function attemptConfirmErasure(ctx: CoreContext, input: { actorEmail: string; reference: string }): Promise<ConfirmErasureResult> {
  const dpo = await requireCompliancePower(ctx, input.actorEmail, "erasure", "confirm erasures");
  const tz = ctx.policy.organisation.timeZone;
  const { row: erasure, recordingIds } = await loadErasure(ctx.db, input.reference);
  const { reference } = erasure;
  if (erasure.status === "CANCELLED") throw new AppError("WRONG_STATE", `${reference} was cancelled, so nothing can be deleted under it. Propose a new erasure if it is still needed.`);
  if (erasure.status === "CONFIRMED") {
    const by = erasure.decidedBy ? (findPerson(ctx.policy, erasure.decidedBy)?.name ?? erasure.decidedBy) : "someone";
    throw new AppError("ALREADY_DONE", `${reference} was already confirmed by ${by}${erasure.decidedAt ? ` on ${formatDateTime(erasure.decidedAt, tz)}` : ""}: ${erasure.deletedCount} recording${erasure.deletedCount === 1 ? "" : "s"} deleted.`);
  }

  if (!ctx.recordings && (await ctx.db.recording.count({ where: { id: { in: recordingIds }, blobName: { not: null } } })) > 0) {
    throw new AppError("STORAGE_ERROR", "Recording storage is not configured, so recordings cannot be deleted.");
  }

  await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const { count } = await tx.erasureRequest.updateMany({ where: { id: erasure.id, status: "PROPOSED" }, data: { status: "CONFIRMED", decidedBy: dpo.email, decidedAt: now } });
    if (count !== 1) throw new AppError("CONFLICT", `${reference} changed while you were confirming it (another DPO may have acted). Please look again.`);
    await appendAudit(tx, { at: now, actor: dpo.email, action: "erasure.confirmed", subjectType: "erasure", subjectId: erasure.id, details: { reference, listed: recordingIds.length } });
  });

  const rule = `erasure:${reference}`;
  const result = await deleteRecordings(ctx, {
    candidateIds: recordingIds,
    ruleFor: () => rule,
    actor: dpo.email,
    runId: erasure.id,
    audit: { action: "erasure.deleted", subjectType: "erasure", subjectId: erasure.id, details: { reference } },
    inBatch: async (tx, batch) => {
      await tx.erasureRequest.updateMany({ where: { id: erasure.id }, data: { deletedCount: { increment: batch.deleted }, heldCount: { increment: batch.held } } });
    },
  });

  const row = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const done = await tx.erasureRequest.findUniqueOrThrow({ where: { id: erasure.id }, omit: OMIT_IDS });
    await appendAudit(tx, {
      at: now,
      actor: dpo.email,
      action: "erasure.completed",
      subjectType: "erasure",
      subjectId: erasure.id,
      details: { reference, deleted: result.deleted, heldNow: result.held, alreadyGone: result.skipped, maskedNumbers: erasure.maskedNumbers },
    });
    if (erasure.requestedBy !== dpo.email) {
      await enqueueNotices(tx, now, [
        {
          to: erasure.requestedBy,
          kind: "compliance-notice",
          payload: {
            title: `Erasure ${reference} confirmed`,
            lines: [
              `${dpo.name} confirmed the erasure you proposed for ${erasure.maskedNumbers.join(", ")}.`,
              `${result.deleted} recording${result.deleted === 1 ? " was" : "s were"} deleted; ${done.heldCount} kept because of a hold or an open request.`,
            ],
          },
        },
      ]);
    }
    return done;
  });
  return { erasure: buildErasureView(ctx.policy, row, recordingIds.length), deleted: result.deleted, heldNow: result.held, alreadyGone: result.skipped };
}
