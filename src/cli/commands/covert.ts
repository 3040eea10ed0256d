/**
 * `callgate covert authorise|list|review|end --as <e-mail>`: covert
 * monitoring authorisations from the terminal, with the same options and
 * rules as the chat console.
 */
import type { Command } from "commander";
import { addCovertAuthoriseOptions, covertAuthoriseInput, covertFields, type CovertAuthoriseOptions } from "../../commands/covert.ts";
import { authoriseCovertMonitoring } from "../../core/covert/authorise-covert-monitoring.ts";
import type { CovertView } from "../../core/covert/covert-view.ts";
import { endCovertMonitoring } from "../../core/covert/end-covert-monitoring.ts";
import { listCovertAuthorisations } from "../../core/covert/list-covert-authorisations.ts";
import { reviewCovertMonitoring } from "../../core/covert/review-covert-monitoring.ts";
import { withCliContext } from "../open-context.ts";
import type { RegisterCommand } from "./index.ts";
import { withFlagAdvice } from "../../commands/flag-advice.ts";

export const registerCovertCommands: RegisterCommand = (program: Command) => {
  const covert = program.command("covert").description("Covert monitoring authorisations (only where the policy allows it)");

  addCovertAuthoriseOptions(
    covert
      .command("authorise")
      .alias("authorize")
      .description("Authorise covert monitoring of staff or extensions for an investigation")
      .requiredOption("--as <email>", "your e-mail as the policy lists it (an authoriser the policy names)"),
  ).action(async (opts: CovertAuthoriseOptions & { as: string }) => {
    await withCliContext(async ({ ctx }) => {
      const view = await withFlagAdvice({ start: "--start", review: "--review" }, () => authoriseCovertMonitoring(ctx, covertAuthoriseInput(opts.as, opts)));
      print(`Covert monitoring ${view.reference} authorised.`, view);
    });
  });

  covert
    .command("list")
    .description("Covert monitoring in force (--all to include ended)")
    .requiredOption("--as <email>", "your e-mail as the policy lists it (the DPO or an authoriser)")
    .option("--all", "include ended authorisations")
    .action(async (opts: { as: string; all?: boolean }) => {
      await withCliContext(async ({ ctx }) => {
        const views = await listCovertAuthorisations(ctx, { actorEmail: opts.as, all: opts.all ?? false });
        if (views.length === 0) {
          console.log(opts.all ? "No covert monitoring." : "No covert monitoring in force.");
          return;
        }
        for (const v of views) {
          const state = v.status === "ACTIVE" ? `in force, review by ${v.reviewOnText}${v.reviewDue ? " (REVIEW DUE)" : ""}` : `ended ${v.endedAtText ?? ""}`;
          console.log(`${v.reference}  ${state}  ${v.targetsText}  ${v.investigation.reference} ${v.investigation.name}  by ${v.authorisedBy.name}`);
        }
      });
    });

  covert
    .command("review")
    .description("Record a review (monitoring continues) and set the next review date")
    .argument("<reference>", "the authorisation, e.g. COV-000001")
    .requiredOption("--as <email>", "your e-mail as the policy lists it")
    .requiredOption("--note <text>", "what the review found, and why monitoring is still needed")
    .option("--next <yyyy-mm-dd>", "the next review date (default: the policy's review interval from today)")
    .action(async (reference: string, opts: { as: string; note: string; next?: string }) => {
      await withCliContext(async ({ ctx }) => {
        const view = await withFlagAdvice({ nextReview: "--next" }, () => reviewCovertMonitoring(ctx, { reference, actorEmail: opts.as, note: opts.note, nextReview: opts.next }));
        print(`Covert monitoring ${view.reference} reviewed; next review by ${view.reviewOnText}.`, view);
      });
    });

  covert
    .command("end")
    .description("End covert monitoring now")
    .argument("<reference>", "the authorisation, e.g. COV-000001")
    .requiredOption("--as <email>", "your e-mail as the policy lists it (the authoriser or the DPO)")
    .requiredOption("--reason <text>", "why it is ending (kept in the audit log)")
    .action(async (reference: string, opts: { as: string; reason: string }) => {
      await withCliContext(async ({ ctx }) => {
        const view = await endCovertMonitoring(ctx, { reference, actorEmail: opts.as, reason: opts.reason });
        print(`Covert monitoring ${view.reference} ended. Investigation ${view.investigation.reference} stays open until it is closed.`, view);
      });
    });
};

function print(headline: string, view: CovertView): void {
  console.log(headline);
  for (const [label, value] of covertFields(view)) console.log(`  ${label}: ${value}`);
}
