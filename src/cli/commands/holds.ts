/**
 * `callgate holds place|release|list --as <dpo e-mail>`: legal holds and
 * investigations from the terminal, with the same rules as the chat console.
 */
import type { Command } from "commander";
import { listHolds } from "../../core/holds/list-holds.ts";
import { placeHold } from "../../core/holds/place-hold.ts";
import { releaseHold } from "../../core/holds/release-hold.ts";
import type { HoldView } from "../../core/holds/hold-view.ts";
import { withCliContext } from "../open-context.ts";
import type { RegisterCommand } from "./index.ts";
import { withFlagAdvice } from "../../commands/flag-advice.ts";

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export const registerHoldCommands: RegisterCommand = (program: Command) => {
  const holds = program.command("holds").description("Holds that keep recordings from deletion");

  holds
    .command("place")
    .description("Hold every recording for these numbers (or calls) until released")
    .requiredOption("--as <email>", "your e-mail as the policy lists it (a DPO)")
    .option("--number <number>", "a phone number whose recordings to hold (repeat for more)", collect, [])
    .option("--call <callId>", "a call id from the catalogue (repeat for more)", collect, [])
    .option("--investigation", "an investigation (covert monitoring can be linked to it) rather than a legal hold")
    .requiredOption("--reason <text>", "why the recordings must be kept (kept in the audit log)")
    .action(async (opts: { as: string; number: string[]; call: string[]; investigation?: boolean; reason: string }) => {
      await withCliContext(async ({ ctx }) => {
        const view = await withFlagAdvice({ number: "--number or --call" }, () => placeHold(ctx, { actorEmail: opts.as, numbers: opts.number, callIds: opts.call, kind: opts.investigation ? "INVESTIGATION" : "LEGAL", reason: opts.reason }));
        console.log(`${view.kindText} ${view.reference} placed: ${view.recordingCount} recording${view.recordingCount === 1 ? "" : "s"} held${view.maskedNumbers.length ? ` for ${view.maskedNumbers.join(", ")}` : ""}.`);
      });
    });

  holds
    .command("release")
    .description("Release a hold (an investigation's covert monitoring ends with it)")
    .argument("<reference>", "the hold, e.g. HOLD-000001")
    .requiredOption("--as <email>", "your e-mail as the policy lists it (a DPO)")
    .requiredOption("--reason <text>", "why the hold is no longer needed (kept in the audit log)")
    .action(async (reference: string, opts: { as: string; reason: string }) => {
      await withCliContext(async ({ ctx }) => {
        const { hold, endedCovert } = await releaseHold(ctx, { actorEmail: opts.as, reference, reason: opts.reason });
        console.log(`${hold.kindText} ${hold.reference} released; its ${hold.recordingCount} recording${hold.recordingCount === 1 ? " is" : "s are"} subject to retention again unless another hold keeps them.`);
        if (endedCovert.length) console.log(`Covert monitoring ended with the investigation: ${endedCovert.join(", ")}.`);
      });
    });

  holds
    .command("list")
    .description("List holds in force (--all to include released ones)")
    .requiredOption("--as <email>", "your e-mail as the policy lists it (a DPO)")
    .option("--all", "include released holds")
    .action(async (opts: { as: string; all?: boolean }) => {
      await withCliContext(async ({ ctx }) => {
        const views = await listHolds(ctx, { actorEmail: opts.as, includeReleased: opts.all ?? false });
        if (views.length === 0) {
          console.log(opts.all ? "No holds." : "No holds in force.");
          return;
        }
        printTable(views);
      });
    });
};

function printTable(views: HoldView[]): void {
  const header = ["Reference", "Kind", "State", "Recordings", "Numbers", "Placed", "Reason"];
  const rows = views.map((v) => [v.reference, v.kindText, v.released ? `released ${v.releasedAtText}` : "in force", String(v.recordingCount), v.maskedNumbers.join(", "), `${v.createdAtText} by ${v.createdBy.name}`, v.reason]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}
