/**
 * `callgate disclosure new|list --as <e-mail>`: disclosures to third parties
 * from the terminal, with the same options and rules as the chat console
 * (`disclosure new --date ... --asking-org ... --condition-accepted --release
 * link|zip`). The filled form and the recording reach the requester by
 * direct message once the disclosure is authorised and the call is found.
 */
import type { Command } from "commander";
import { addDisclosureOptions, disclosureFields, disclosureInput, type DisclosureOptions } from "../../commands/disclosure.ts";
import { listDisclosures } from "../../core/disclosure/list-disclosures.ts";
import { submitDisclosure } from "../../core/disclosure/submit-disclosure.ts";
import { findPerson } from "../../core/policy/access.ts";
import { withCliContext } from "../open-context.ts";
import type { RegisterCommand } from "./index.ts";

export const registerDisclosureCommands: RegisterCommand = (program: Command) => {
  const disclosure = program.command("disclosure").description("Disclosures of call recordings to third parties (police, HMRC, an insurer)");

  addDisclosureOptions(
    disclosure
      .command("new")
      .description("Record a third party's request; it goes to the policy's disclosure authorisers")
      .requiredOption("--as <email>", "your e-mail as the policy lists it (the DPO or a disclosure authoriser)"),
  ).action(async (opts: DisclosureOptions & { as: string }) => {
    await withCliContext(async ({ ctx }) => {
      const { request, disclosure: view } = await submitDisclosure(ctx, disclosureInput(opts.as, opts));
      console.log(`Disclosure ${request.reference} recorded.`);
      for (const [label, value] of disclosureFields(view)) console.log(`  ${label}: ${value}`);
      const names = request.authoriserEmails.map((e) => findPerson(ctx.policy, e)?.name ?? e);
      console.log(`Waiting for authorisation by ${names.join(" or ")}. The filled form comes to you by direct message once it is released.`);
    });
  });

  disclosure
    .command("list")
    .description("Recent disclosures (--open for those not yet released)")
    .requiredOption("--as <email>", "your e-mail as the policy lists it")
    .option("--open", "only those waiting for authorisation or for the call to be found")
    .action(async (opts: { as: string; open?: boolean }) => {
      await withCliContext(async ({ ctx }) => {
        const views = await listDisclosures(ctx, { actorEmail: opts.as, openOnly: opts.open ?? false });
        if (views.length === 0) {
          console.log(opts.open ? "No open disclosures." : "No disclosures.");
          return;
        }
        for (const v of views) {
          console.log(`${v.reference}  ${v.disclosedAtText ? `disclosed ${v.disclosedAtText}` : v.statusText}`);
          console.log(`  ${v.askingOrganisation} (${v.askingPerson}) → ${v.recipientName}, ${v.recipientJobTitle} · ${v.releaseMode} · ${v.lawfulBasis}`);
        }
      });
    });
};
