/**
 * The DPO asks what the next retention sweep would delete: counts by rule,
 * and how many are kept because of a hold or an open request. Deletes
 * nothing; the look is audited like every other DPO action.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { countDueByRule, totalDue, type DueByRule } from "./find-due-recordings.ts";
import { readJobLease, RETENTION_SWEEP_JOB } from "../jobs/job-lease.ts";
import { requireDpo, withRefusalAudit } from "../guards.ts";
import { retentionRules } from "./retention-rules.ts";

export interface RetentionPreview {
  due: number;
  held: number;
  /** Would be deleted by a sweep now. */
  wouldDelete: number;
  byRule: DueByRule[];
  /** When the scheduled sweep last completed, and what it deleted. */
  lastSweep: { finishedAt: Date; deleted: number } | null;
}

export async function previewRetention(ctx: CoreContext, input: { actorEmail: string }): Promise<RetentionPreview> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "retention.refused", command: "preview-retention" }, () => attemptPreviewRetention(ctx, input));
}

async function attemptPreviewRetention(ctx: CoreContext, input: { actorEmail: string }): Promise<RetentionPreview> {
  const dpo = await requireDpo(ctx, input.actorEmail, "preview the retention sweep");
  const now = ctx.clock.now();
  const byRule = await countDueByRule(ctx.db, retentionRules(ctx.policy, now), now);
  const { due, held } = totalDue(byRule);
  const lease = await readJobLease(ctx.db, RETENTION_SWEEP_JOB);
  const last = lease?.lastResult as { deleted?: unknown } | null | undefined;
  await transact(ctx, (tx) =>
    appendAudit(tx, { at: now, actor: dpo.email, action: "retention.previewed", subjectType: "retention-run", details: { due, held, wouldDelete: due - held } }),
  );
  return {
    due,
    held,
    wouldDelete: due - held,
    byRule,
    lastSweep: lease?.lastFinishedAt ? { finishedAt: lease.lastFinishedAt, deleted: typeof last?.deleted === "number" ? last.deleted : 0 } : null,
  };
}
