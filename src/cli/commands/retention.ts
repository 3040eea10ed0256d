/**
 * `callgate retention sweep [--dry-run] [--batch-size N]`: runs the retention
 * sweep now, with a progress bar (the server also runs it once a day). It
 * takes the same lease as the scheduled run, so it never runs twice at once.
 */
import { userInfo } from "node:os";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { AppError } from "../../core/errors.ts";
import { sweepRetention, type SweepRetentionResult } from "../../core/jobs/sweep-retention.ts";
import { openCliContext } from "../open-context.ts";
import type { RegisterCommand } from "./index.ts";

export const registerRetentionCommands: RegisterCommand = (program: Command) => {
  const retention = program.command("retention").description("The retention policy's deletions");
  retention
    .command("sweep")
    .description("Delete recordings past the policy's retention (not those on hold or linked to an open request)")
    .option("--dry-run", "count what would be deleted, by rule; delete nothing")
    .option("--batch-size <n>", "recordings per transaction, 1 to 5000", "500")
    .action(async (opts: { dryRun?: boolean; batchSize: string }) => {
      if (!/^\d{1,4}$/.test(opts.batchSize.trim()) || Number(opts.batchSize) < 1 || Number(opts.batchSize) > 5_000) {
        throw new AppError("INVALID_INPUT", "--batch-size must be a whole number from 1 to 5000.", "--batch-size");
      }
      const { ctx, close } = await openCliContext();
      const bar = new cliProgress.SingleBar(
        { format: "Deleting recordings | {bar} | {value}/{total} | {eta_formatted} left", stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      let started = false;
      try {
        const result = await sweepRetention(ctx, {
          dryRun: opts.dryRun ?? false,
          batchSize: Number(opts.batchSize),
          actor: cliActor(),
          onProgress: (done, total) => {
            if (!started) {
              bar.start(total, done);
              started = true;
            }
            bar.setTotal(total);
            bar.update(done);
          },
        });
        if (started) bar.stop();
        printSummary(result);
      } finally {
        if (started) bar.stop();
        await close();
      }
    });
};

function printSummary(result: SweepRetentionResult): void {
  if (!result.ran) {
    console.log("Another instance is running the retention sweep now; nothing was done. Try again when it has finished.");
    return;
  }
  const n = (x: number) => x.toLocaleString("en-GB");
  if (result.dryRun) {
    console.log(`Dry run: ${n(result.due)} recordings past retention, ${n(result.held)} kept by a hold or an open request, ${n(result.due - result.held)} would be deleted.`);
  } else {
    console.log(`Deleted ${n(result.deleted)} of ${n(result.due)} recordings past retention in ${n(result.batches)} batches; ${n(result.held)} kept by a hold or an open request; ${n(result.skipped)} left for the next run.`);
  }
  if (result.byRule.length === 0) return;
  const header = ["Rule", "Past retention", "Kept", result.dryRun ? "Would delete" : "Deleted"];
  const rows = result.byRule.map((r) => [r.rule, n(r.due), n(r.held), n(result.dryRun ? r.due - r.held : r.deleted)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  if (!result.dryRun) console.log(`Run ${result.runId}: each deletion has a deletion record with this run id.`);
}

function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return "cli";
  }
}
