/**
 * `callgate audit verify`: walks the hash-chained audit log and names the
 * first entry that was edited, removed or reordered.
 */
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { verifyAuditChain } from "../../core/audit/verify-audit-chain.ts";
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
        const result = await verifyAuditChain(ctx.db, {
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
      } finally {
        await close();
      }
    });
};
