/**
 * Scheduled, daily: deletes recordings (audio and catalogue row) that are past
 * the policy's retention for their class, else their site, else the default,
 * unless a hold or an open request protects them. Each deletion leaves a
 * DeletionRecord without personal data; each batch one audit entry.
 *
 * Runs on one instance at a time: the run holds the "retention-sweep" lease
 * in the JobLease table, renewed after every batch. Even without the lease,
 * deleteRecordings claims rows with FOR UPDATE SKIP LOCKED, so no recording
 * is ever deleted twice. `sweepRetentionIfDue` is what the scheduler calls
 * every hour: it runs the sweep once per calendar day (organisation time).
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { startOfDayIn, todayIn } from "../calendar.ts";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { DEFAULT_BATCH_SIZE, deleteRecordings } from "../retention/delete-recordings.ts";
import { countDueByRule, nextDuePage, START_CURSOR, totalDue, type DueByRule, type DueCursor } from "../retention/find-due-recordings.ts";
import { claimJobLease, readJobLease, releaseJobLease, renewJobLease, RETENTION_SWEEP_JOB } from "./job-lease.ts";
import { isPastRetention, retentionRules, ruleFor } from "../retention/retention-rules.ts";

export { RETENTION_SWEEP_JOB };
/** Renewed after every batch; a batch takes seconds, so an instance that dies frees the sweep within this. */
const LEASE_MS = 15 * 60_000;

export interface SweepRetentionOptions {
  /** Count what would be deleted, by rule; delete nothing. */
  dryRun?: boolean;
  /** Recordings per transaction (default 500). */
  batchSize?: number;
  /** Called after each batch commits (awaited): recordings dealt with so far, and how many were due and unprotected at the start. */
  onProgress?(done: number, total: number): void | Promise<void>;
  /** Who the deletion records and audit entries name (default "system"). */
  actor?: string;
  /** Run only if the sweep has not completed since this instant (the scheduler's "once a day"). */
  onlyIfNotFinishedSince?: Date;
}

export interface SweepRetentionResult {
  runId: string;
  dryRun: boolean;
  /** False when another instance holds the sweep (or today's run already completed): nothing was done. */
  ran: boolean;
  /** Recordings past retention when the run started. */
  due: number;
  /** Of those, kept because a hold or an open request protects them. */
  held: number;
  deleted: number;
  /** Left for a later run: taken by another instance meanwhile, or already gone. */
  skipped: number;
  batches: number;
  byRule: Array<DueByRule & { deleted: number }>;
}

export async function sweepRetention(ctx: CoreContext, options: SweepRetentionOptions = {}): Promise<SweepRetentionResult> {
  const now = ctx.clock.now();
  const runId = randomUUID();
  const rules = retentionRules(ctx.policy, now);
  const batchSize = Math.max(1, Math.min(options.batchSize ?? DEFAULT_BATCH_SIZE, 5_000));
  const empty = { runId, dryRun: options.dryRun ?? false, due: 0, held: 0, deleted: 0, skipped: 0, batches: 0, byRule: [] };

  if (options.dryRun) {
    const byRule = await countDueByRule(ctx.db, rules, now);
    return { ...empty, ran: true, ...totalDue(byRule), byRule: byRule.map((r) => ({ ...r, deleted: 0 })) };
  }

  const holder = `${hostname()}:${process.pid}:${runId}`;
  const claimed = await claimJobLease(ctx.db, { name: RETENTION_SWEEP_JOB, holder, now, leaseMs: LEASE_MS, notFinishedSince: options.onlyIfNotFinishedSince });
  if (!claimed) return { ...empty, ran: false };

  try {
    const counted = await countDueByRule(ctx.db, rules, now);
    const { due, held } = totalDue(counted);
    const total = due - held;
    const result: SweepRetentionResult = { ...empty, ran: true, due, held, byRule: counted.map((r) => ({ ...r, deleted: 0 })) };
    let done = 0;
    await options.onProgress?.(0, total);

    // Pages of candidates from one snapshot each; deleteRecordings locks and re-checks them batch by batch.
    const pageSize = Math.min(batchSize * 10, 10_000);
    let cursor: DueCursor | undefined = START_CURSOR;
    while (cursor) {
      const page = await nextDuePage(ctx.db, rules, now, cursor, pageSize);
      if (page.ids.length === 0) break;
      const outcome = await deleteRecordings(ctx, {
        candidateIds: page.ids,
        ruleFor: (row) => (isPastRetention(rules, row) ? ruleFor(rules, row).label : undefined),
        actor: options.actor ?? "system",
        runId,
        audit: { action: "retention.deleted", subjectType: "retention-run", subjectId: runId },
        batchSize,
        firstBatch: result.batches + 1,
        afterBatch: async (batch) => {
          done += batch.deleted + batch.held + batch.skipped;
          if (!(await renewJobLease(ctx.db, RETENTION_SWEEP_JOB, holder, ctx.clock.now(), LEASE_MS))) {
            throw new Error("The retention sweep lost its lease to another instance; it stopped after the last complete batch.");
          }
          await options.onProgress?.(done, Math.max(total, done));
        },
      });
      result.batches += outcome.batches;
      result.deleted += outcome.deleted;
      // Holds found only after locking: placed after the run counted.
      result.held += outcome.held;
      result.skipped += outcome.skipped;
      for (const [rule, n] of Object.entries(outcome.byRule)) {
        const entry = result.byRule.find((r) => r.rule === rule);
        if (entry) entry.deleted += n;
        else result.byRule.push({ rule, due: n, held: 0, deleted: n });
      }
      cursor = page.cursor;
    }

    const finishedAt = ctx.clock.now();
    // A day with nothing deleted needs no entry: the lease row records every completed run.
    if (result.deleted > 0) {
      await transact(ctx, (tx) =>
        appendAudit(tx, {
          at: finishedAt,
          actor: options.actor ?? "system",
          action: "retention.swept",
          subjectType: "retention-run",
          subjectId: runId,
          details: { runId, due: result.due, held: result.held, deleted: result.deleted, skipped: result.skipped, batches: result.batches, rules: result.byRule },
        }),
      );
    }
    await releaseJobLease(ctx.db, RETENTION_SWEEP_JOB, holder, {
      at: finishedAt,
      result: { runId, due: result.due, held: result.held, deleted: result.deleted, skipped: result.skipped, batches: result.batches },
    });
    return result;
  } catch (error) {
    // Free the sweep for the next attempt; the error itself goes to the caller.
    await releaseJobLease(ctx.db, RETENTION_SWEEP_JOB, holder).catch(() => undefined);
    throw error;
  }
}

/**
 * The scheduler's entry point (called every hour or so on every instance):
 * sweeps if today's sweep has not completed yet, in the organisation's time zone.
 */
export async function sweepRetentionIfDue(ctx: CoreContext, options: Omit<SweepRetentionOptions, "dryRun" | "onlyIfNotFinishedSince"> = {}): Promise<SweepRetentionResult | { ran: false; reason: string }> {
  const now = ctx.clock.now();
  const timeZone = ctx.policy.organisation.timeZone;
  const today = startOfDayIn(todayIn(timeZone, now), timeZone);
  const lease = await readJobLease(ctx.db, RETENTION_SWEEP_JOB);
  if (lease?.lastFinishedAt && lease.lastFinishedAt.getTime() >= today.getTime()) return { ran: false, reason: "today's sweep has completed" };
  return sweepRetention(ctx, { ...options, onlyIfNotFinishedSince: today });
}
