/**
 * A DPO acknowledges a break found in the audit log, with a reason (what was
 * investigated, what was restored). Until then every verification and every
 * audit summary reports it, however clean later checks are. Acknowledging
 * does not make a still-altered log pass: a check that finds the same
 * problem again still fails, it only does not record it a second time.
 */
import { z } from "zod";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput, requireDpo, requireReason } from "../guards.ts";
import { appendAudit } from "./append-audit.ts";
import { resetAuditCheckpoint } from "./verify-audit-chain.ts";

export interface AcknowledgeAuditBreakOptions {
  actorEmail: string;
  /** The break's id, as `audit verify` and the summary show it. */
  breakId: string;
  reason: string;
}

const Input = z.object({ breakId: z.string().trim().uuid({ error: "That is not the id of a break in the audit log." }) });

export async function acknowledgeAuditBreak(ctx: CoreContext, options: AcknowledgeAuditBreakOptions): Promise<{ id: string; firstSeq: bigint; kind: string }> {
  const dpo = await requireDpo(ctx, options.actorEmail, "acknowledge a break in the audit log");
  const { breakId } = parseInput(Input, { breakId: options.breakId });
  const reason = requireReason(options.reason, "Say why the break can be acknowledged (what was investigated or restored), in at least 5 characters.");
  const now = ctx.clock.now();
  return transact(ctx, async (tx) => {
    const found = await tx.auditBreak.findUnique({ where: { id: breakId } });
    if (!found) throw new AppError("NOT_FOUND", "There is no break in the audit log with that id.");
    const { count } = await tx.auditBreak.updateMany({ where: { id: breakId, acknowledgedAt: null }, data: { acknowledgedAt: now, acknowledgedBy: dpo.email, acknowledgeReason: reason } });
    if (count === 0) throw new AppError("ALREADY_DONE", `That break was already acknowledged by ${found.acknowledgedBy ?? "a DPO"}.`);
    await appendAudit(tx, {
      at: now,
      actor: dpo.email,
      action: "audit.break.acknowledged",
      subjectType: "audit-break",
      subjectId: found.id,
      details: { firstSeq: found.firstSeq.toString(), kind: found.kind, problem: found.problem, reason },
    });
    // With nothing left open, the next check starts again from the first entry rather than
    // trusting a checkpoint taken before (or of) the log that broke.
    if ((await tx.auditBreak.count({ where: { acknowledgedAt: null } })) === 0) await resetAuditCheckpoint(tx);
    return { id: found.id, firstSeq: found.firstSeq, kind: found.kind };
  });
}
