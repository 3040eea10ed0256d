/**
 * `callgate erasure propose|confirm|cancel --as <dpo e-mail>`: right to
 * erasure from the terminal. Propose lists what would be deleted and what is
 * kept; only a confirmation deletes, and only what was listed.
 */
import type { Command } from "commander";
import { cancelErasure } from "../../core/erasure/cancel-erasure.ts";
import { confirmErasure } from "../../core/erasure/confirm-erasure.ts";
import { proposeErasure } from "../../core/erasure/propose-erasure.ts";
import { withCliContext } from "../open-context.ts";
import type { RegisterCommand } from "./index.ts";
import { withFlagAdvice } from "../../commands/flag-advice.ts";

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export const registerErasureCommands: RegisterCommand = (program: Command) => {
  const erasure = program.command("erasure").description("Erase a person's recordings on request (right to be forgotten)");

  erasure
    .command("propose")
    .description("List the recordings for a number that would be erased; nothing is deleted until confirmed")
    .requiredOption("--as <email>", "your e-mail as the policy lists it (a DPO)")
    .option("--number <number>", "the person's phone number (repeat for more)", collect, [])
    .requiredOption("--reason <text>", "the request being acted on (kept in the audit log)")
    .action(async (opts: { as: string; number: string[]; reason: string }) => {
      await withCliContext(async ({ ctx }) => {
        const { erasure: view, toDelete, kept } = await withFlagAdvice({ number: "--number" }, () => proposeErasure(ctx, { actorEmail: opts.as, numbers: opts.number, reason: opts.reason }));
        console.log(`Erasure ${view.reference} proposed for ${view.maskedNumbers.join(", ")}.`);
        console.log(`Would delete ${toDelete.length} recording${toDelete.length === 1 ? "" : "s"}:`);
        for (const line of toDelete) console.log(`  ${line.text}  [${line.callId}]`);
        if (kept.length) {
          console.log(`Kept because of a hold or an open request (${kept.length}):`);
          for (const line of kept) console.log(`  ${line.text}  [${line.callId}] (${line.keptBecause.join("; ")})`);
        }
        console.log(`To delete them: callgate erasure confirm ${view.reference} --as <dpo e-mail>`);
      });
    });

  erasure
    .command("confirm")
    .description("Delete the recordings a proposed erasure listed (those not held by now)")
    .argument("<reference>", "the erasure, e.g. ERA-000003")
    .requiredOption("--as <email>", "your e-mail as the policy lists it (a DPO)")
    .action(async (reference: string, opts: { as: string }) => {
      await withCliContext(async ({ ctx }) => {
        const result = await confirmErasure(ctx, { actorEmail: opts.as, reference });
        console.log(`Erasure ${result.erasure.reference} confirmed: ${result.deleted} deleted, ${result.heldNow} kept because a hold or an open request now protects them, ${result.alreadyGone} already gone.`);
      });
    });

  erasure
    .command("cancel")
    .description("Cancel a proposed erasure; nothing is deleted")
    .argument("<reference>", "the erasure, e.g. ERA-000003")
    .requiredOption("--as <email>", "your e-mail as the policy lists it (a DPO)")
    .option("--reason <text>", "why it is cancelled")
    .action(async (reference: string, opts: { as: string; reason?: string }) => {
      await withCliContext(async ({ ctx }) => {
        const view = await cancelErasure(ctx, { actorEmail: opts.as, reference, ...(opts.reason ? { reason: opts.reason } : {}) });
        console.log(`Erasure ${view.reference} cancelled; nothing was deleted.`);
      });
    });
};
