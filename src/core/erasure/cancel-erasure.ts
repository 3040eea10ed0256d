/** The DPO cancels a proposed erasure: nothing is deleted, and the proposal stays on record. */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { withRefusalAudit } from "../guards.ts";
import { requireCompliancePower } from "../retention/compliance-roles.ts";
import { cleanFreeText } from "../validation.ts";
import { buildErasureView, loadErasure, OMIT_IDS, type ErasureView } from "./erasure-view.ts";

export async function cancelErasure(ctx: CoreContext, input: { actorEmail: string; reference: string; reason?: string }): Promise<ErasureView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "erasure.refused", command: "cancel-erasure", reference: input.reference }, () => attemptCancelErasure(ctx, input));
}

async function attemptCancelErasure(ctx: CoreContext, input: { actorEmail: string; reference: string; reason?: string }): Promise<ErasureView> {
  const dpo = await requireCompliancePower(ctx, input.actorEmail, "erasure", "cancel erasures");
  const { row: erasure, recordingIds } = await loadErasure(ctx.db, input.reference);
  const reason = cleanFreeText(input.reason ?? "", "reason").slice(0, 2_000) || null;
  if (erasure.status !== "PROPOSED") {
    throw new AppError(erasure.status === "CANCELLED" ? "ALREADY_DONE" : "WRONG_STATE", `${erasure.reference} was already ${erasure.status === "CANCELLED" ? "cancelled" : "confirmed"}, so it cannot be cancelled.`);
  }
  const row = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const { count } = await tx.erasureRequest.updateMany({ where: { id: erasure.id, status: "PROPOSED" }, data: { status: "CANCELLED", decidedBy: dpo.email, decidedAt: now } });
    if (count !== 1) throw new AppError("CONFLICT", `${erasure.reference} changed while you were cancelling it (another DPO may have acted). Please look again.`);
    await appendAudit(tx, { at: now, actor: dpo.email, action: "erasure.cancelled", subjectType: "erasure", subjectId: erasure.id, details: { reference: erasure.reference, ...(reason ? { reason } : {}) } });
    return tx.erasureRequest.findUniqueOrThrow({ where: { id: erasure.id }, omit: OMIT_IDS });
  });
  return buildErasureView(ctx.policy, row, recordingIds.length);
}
