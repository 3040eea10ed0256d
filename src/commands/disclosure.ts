/**
 * DPO console: disclosures to third parties (the policy's disclosure form).
 * `disclosure new --date 2026-11-18 --time 14:30 --number "020 7946 0001"
 * --asking-org "Thames Valley Police" --asking-person "DC Jane Smith"
 * [--on-behalf-of "..."] --purpose "..." --lawful-basis "..." --recipient
 * "DC Jane Smith" --recipient-title "Detective Constable"
 * --condition-accepted --release link|zip [--site north]`, and
 * `disclosure list [--open]`. The core checks who may do what.
 */
import type { Command } from "commander";
import { listDisclosures } from "../core/disclosure/list-disclosures.ts";
import { submitDisclosure } from "../core/disclosure/submit-disclosure.ts";
import type { DisclosureView } from "../core/disclosure/disclosure-view.ts";
import { findPerson } from "../core/policy/access.ts";
import { AppError } from "../core/errors.ts";
// Types only from run-console.ts: it imports the module list, which imports this file (the CLI loads it first).
import type { ConsoleModule } from "./run-console.ts";
import { fields, list, note, text, type ConsoleReply } from "./reply.ts";

export interface DisclosureOptions {
  date: string;
  time: string;
  number?: string;
  extension?: string;
  window?: string;
  askingOrg: string;
  askingPerson: string;
  onBehalfOf?: string;
  purpose: string;
  lawfulBasis: string;
  recipient: string;
  recipientTitle: string;
  conditionAccepted?: boolean;
  release: string;
  site?: string;
}

/** The `disclosure new` options, shared with the CLI so both take the same words. */
export function addDisclosureOptions(command: Command): Command {
  return command
    .requiredOption("--date <yyyy-mm-dd>", "the date of the call")
    .requiredOption("--time <hh:mm>", "about when the call was (24-hour clock)")
    .option("--number <number>", "the external telephone number, if known")
    .option("--extension <ext>", "the extension, if the number is not known")
    .option("--window <minutes>", "how far either side of the time to search (default 30)")
    .requiredOption("--asking-org <organisation>", "the organisation asking, e.g. Thames Valley Police")
    .requiredOption("--asking-person <name>", "the person asking")
    .option("--on-behalf-of <details>", "the third party they ask on behalf of, if any")
    .requiredOption("--purpose <text>", "what the recording will be used for")
    .requiredOption("--lawful-basis <text>", "the lawful basis or exemption relied on")
    .requiredOption("--recipient <name>", "the name of the person who will receive the recording")
    .requiredOption("--recipient-title <title>", "their job title")
    .option("--condition-accepted", "the recipient accepts that the recording is used only for the agreed purpose")
    .requiredOption("--release <mode>", "link (a playback link) or zip (the audio file and the form)")
    .option("--site <site>", "the site the call was made to or from, if known");
}

/** Turns the options into the core's input. */
export function disclosureInput(actorEmail: string, opts: DisclosureOptions) {
  const windowMinutes = opts.window === undefined ? undefined : Number(opts.window);
  if (windowMinutes !== undefined && !Number.isInteger(windowMinutes)) throw new AppError("INVALID_INPUT", "--window takes a whole number of minutes, for example 30.", "windowMinutes");
  if (opts.release !== "link" && opts.release !== "zip") throw new AppError("INVALID_INPUT", "--release is link (a playback link) or zip (the audio file and the form).", "releaseMode");
  return {
    requesterEmail: actorEmail,
    date: opts.date,
    time: opts.time,
    number: opts.number,
    extension: opts.extension,
    windowMinutes,
    siteId: opts.site,
    askingOrganisation: opts.askingOrg,
    askingPerson: opts.askingPerson,
    onBehalfOf: opts.onBehalfOf,
    purpose: opts.purpose,
    lawfulBasis: opts.lawfulBasis,
    recipientName: opts.recipient,
    recipientJobTitle: opts.recipientTitle,
    conditionAccepted: opts.conditionAccepted === true,
    releaseMode: opts.release as "link" | "zip",
  };
}

export const disclosureConsole: ConsoleModule = {
  register(program, session, answer) {
    const disclosure = program.command("disclosure").description("Disclose a call recording to a third party (police, HMRC, an insurer)");

    addDisclosureOptions(disclosure.command("new").description("Record a third party's request; it goes to the policy's disclosure authorisers")).action(async (opts: DisclosureOptions) => {
      const { request, disclosure: view } = await submitDisclosure(session.ctx, disclosureInput(session.actorEmail, opts));
      const names = request.authoriserEmails.map((e) => findPerson(session.ctx.policy, e)?.name ?? e);
      answer({
        title: `Disclosure ${request.reference} recorded`,
        blocks: [
          fields(disclosureFields(view)),
          text(`Waiting for authorisation by ${names.join(" or ")}. You cannot authorise a disclosure you recorded yourself.`),
          note("Once it is authorised and the call is found, the filled disclosure form comes to you by direct message, with the recording as a link or a zip."),
        ],
      });
    });

    disclosure
      .command("list")
      .description("Recent disclosures (--open for those not yet released)")
      .option("--open", "only those waiting for authorisation or for the call to be found")
      .action(async (opts: { open?: boolean }) => {
        const views = await listDisclosures(session.ctx, { actorEmail: session.actorEmail, openOnly: opts.open ?? false });
        answer(listReply(views, opts.open ?? false));
      });
  },
};

export function disclosureFields(view: DisclosureView): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ["Call", `${view.windowText} · ${view.maskedNumber}${view.extension ? ` · ext. ${view.extension}` : ""}`],
    ["Asked by", `${view.askingPerson}, ${view.askingOrganisation}`],
  ];
  if (view.onBehalfOf) rows.push(["On behalf of", view.onBehalfOf]);
  rows.push(
    ["Purpose", view.purpose],
    ["Lawful basis", view.lawfulBasis],
    ["Recipient", `${view.recipientName}, ${view.recipientJobTitle}`],
    ["Condition of use", "Accepted"],
    ["Release", view.releaseMode === "zip" ? "Zip of the audio file and the form" : "Playback link"],
    ["Status", view.statusText],
  );
  return rows;
}

function listReply(views: DisclosureView[], open: boolean): ConsoleReply {
  if (views.length === 0) return { title: open ? "No open disclosures" : "No disclosures", blocks: [text("Record one with: disclosure new --date ... --asking-org ... (type `disclosure new --help`).")] };
  const items = views.map((v) =>
    [v.reference, `${v.askingOrganisation} (${v.askingPerson})`, `to ${v.recipientName}, ${v.recipientJobTitle}`, v.releaseMode, v.disclosedAtText ? `disclosed ${v.disclosedAtText}` : v.statusText, `recorded ${v.createdAtText} by ${v.requesterName}`].join(" · "),
  );
  return { title: open ? "Open disclosures" : "Disclosures", blocks: [list(items)] };
}
