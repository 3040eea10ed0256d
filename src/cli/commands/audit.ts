/**
 * `callgate audit verify`: walks the whole hash-chained audit log and names
 * the first entry that was edited, removed or reordered (and records the
 * result, so every audit summary shows it and later checks start from here).
 *
 * It also checks the log against the signed anchors outside the database, and
 * lists every break found earlier that no DPO has acknowledged yet.
 *
 * `callgate audit acknowledge <id> --reason ... --as <dpo e-mail>`: a DPO
 * acknowledges a break, which is then no longer reported.
 *
 * `callgate audit anchor`: anchors the head now (the server does it hourly).
 *
 * `callgate audit summary [terms...] --as <dpo e-mail>`: the DPO's audit
 * summary as text, optionally writing the CSV export, the PDF report and the
 * chart to files (the same bytes the chat console sends by direct message).
 */
import { writeFile } from "node:fs/promises";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { renderRequestsChart } from "../../core/audit/audit-chart.ts";
import { exportAuditCsv, exportAuditPdf } from "../../core/audit/export-audit.ts";
import { summariseAudit } from "../../core/audit/summarise-audit.ts";
import { acknowledgeAuditBreak } from "../../core/audit/acknowledge-audit-break.ts";
import { verifyAuditChainFully } from "../../core/audit/verify-audit-chain.ts";
import { anchorAuditChainNow } from "../../core/jobs/anchor-audit-chain.ts";
import { auditSummaryReply } from "../../commands/audit.ts";
import { replyAsText } from "../reply-text.ts";
import { openCliContext } from "../open-context.ts";
import type { RegisterCommand } from "./index.ts";

export const registerAuditCommands: RegisterCommand = (program: Command) => {
  const audit = program.command("audit").description("The tamper-evident audit log");
  audit
    .command("verify")
    .description("Check every link of the audit chain; exit code 1 if it is broken")
    .action(async () => {
      const { ctx, close } = await openCliContext();
      try {
        const bar = new cliProgress.SingleBar({ format: "Verifying audit log | {bar} | {value}/{total} entries", stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(0, 0);
        const result = await verifyAuditChainFully(ctx, {
          onProgress: (checked, total) => {
            bar.setTotal(total);
            bar.update(checked);
          },
        }).finally(() => bar.stop());
        if (result.ok) {
          console.log(`The audit log is intact: ${result.checked} entries, the newest is ${result.headSeq} with hash ${result.headHash}.`);
        } else {
          console.log(`The audit log is BROKEN at entry ${result.firstBad!.seq}: ${result.firstBad!.problem}.`);
          process.exitCode = 1;
        }
        if (result.anchors) console.log(`Checked against ${result.anchors.checked} signed anchors${result.anchors.newestSeq === null ? "" : ` (the newest at entry ${result.anchors.newestSeq})`}.`);
        else console.log("WARNING: the signed anchors were not checked (no CALLGATE_AUDIT_SIGNING_KEY or CALLGATE_AUDIT_VERIFY_KEY): a log rewritten with every hash recomputed would pass.");
        for (const b of result.openBreaks) {
          console.log(`Unacknowledged break ${b.id} (${b.kind}, found ${b.foundAt.toISOString()}): entry ${b.seq}: ${b.problem}. A DPO acknowledges it with \`callgate audit acknowledge ${b.id} --reason "..." --as <e-mail>\`.`);
        }
      } finally {
        await close();
      }
    });

  audit
    .command("acknowledge")
    .description("Acknowledge a break in the audit log, with a reason (Data Protection Officers only); it is then no longer reported")
    .argument("<id>", "the break's id, as `callgate audit verify` lists it")
    .requiredOption("--reason <text>", "what was investigated or restored")
    .requiredOption("--as <email>", "your e-mail as the policy lists it (a Data Protection Officer)")
    .action(async (id: string, opts: { reason: string; as: string }) => {
      const { ctx, close } = await openCliContext();
      try {
        const done = await acknowledgeAuditBreak(ctx, { actorEmail: opts.as, breakId: id, reason: opts.reason });
        console.log(`Break ${done.id} (${done.kind} at entry ${done.firstSeq}) acknowledged.`);
      } finally {
        await close();
      }
    });

  audit
    .command("anchor")
    .description("Anchor the audit log's head outside the database now, if it moved (the server does this hourly)")
    .action(async () => {
      const { ctx, close } = await openCliContext();
      try {
        const result = await anchorAuditChainNow(ctx);
        if (result.written) console.log(`Anchored entry ${result.anchor.seq} with hash ${result.anchor.hash} (key ${result.anchor.keyId}).`);
        else {
          console.log(`Nothing anchored: ${{ "no-signer": "no signing key is configured", empty: "the log is empty", unchanged: "the head has not moved since the newest anchor", "chain-broken": `the chain is broken (${result.detail ?? ""})` }[result.reason]}.`);
          if (result.reason === "chain-broken" || result.reason === "no-signer") process.exitCode = 1;
        }
      } finally {
        await close();
      }
    });

  audit
    .command("summary")
    .description("The Data Protection Officer's audit summary for a period (default the last 30 days)")
    .argument("[terms...]", "period and filters, e.g. last month purpose safeguarding site north person ben@example.org ref CG-000123")
    .requiredOption("--as <email>", "your e-mail as the policy lists it (a Data Protection Officer)")
    .option("--csv <file>", "also write every audit entry in the period to this CSV file")
    .option("--pdf <file>", "also write the PDF report to this file")
    .option("--chart <file>", "also write the chart (PNG) to this file")
    .option("--json", "print the summary as JSON instead of text")
    .action(async (terms: string[], opts: { as: string; csv?: string; pdf?: string; chart?: string; json?: boolean }) => {
      const { ctx, close } = await openCliContext();
      try {
        const summary = await summariseAudit(ctx, { actorEmail: opts.as, query: terms });
        if (opts.json) console.log(JSON.stringify(summary, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value), 2));
        else console.log(replyAsText(auditSummaryReply(summary)));
        if (opts.chart) {
          await writeFile(opts.chart, await renderRequestsChart(summary));
          console.error(`Chart written to ${opts.chart}.`);
        }
        if (opts.csv) {
          const made = await exportAuditCsv(ctx, { actorEmail: opts.as, query: terms });
          await writeFile(opts.csv, made.body);
          console.error(`CSV written to ${opts.csv}: ${made.rows} audit entries (sha256 ${made.sha256}).`);
        }
        if (opts.pdf) {
          const made = await exportAuditPdf(ctx, { actorEmail: opts.as, query: terms });
          await writeFile(opts.pdf, made.body);
          console.error(`PDF report written to ${opts.pdf} (sha256 ${made.sha256}).`);
        }
      } finally {
        await close();
      }
    });
};
