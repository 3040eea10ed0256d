/**
 * DPO console: disclosures to third parties (the policy's disclosure form).
 * `disclosure new --date 2026-11-18 --time 14:30 --number "020 7946 0001"
 * --asking-org "Thames Valley Police" --asking-person "DC Jane Smith"
 * [--asking-role "..."] [--asking-contact "..."] [--requested-by <staff e-mail>]
 * [--received <date>] [--on-behalf-of "..."] --purpose "..."
 * [--lawful-basis "..."] [--recipient-id <policy id>] --recipient
 * "DC Jane Smith" --recipient-title "Detective Constable"
 * --condition-accepted --release link|zip [--site north]`, and
 * `disclosure list [--open]`. The core checks who may do what.
 */
import { listDisclosures } from "../core/disclosure/list-disclosures.ts";
import { submitDisclosure } from "../core/disclosure/submit-disclosure.ts";
import type { DisclosureView } from "../core/disclosure/disclosure-view.ts";
import { findPerson } from "../core/policy/access.ts";
import { AppError } from "../core/errors.ts";
// Types only from run-console.ts: it imports the module list, which imports this file (the CLI loads it first).
import type { ConsoleModule } from "./run-console.ts";
import type { FormSpec } from "./form.ts";
import { registerForm } from "./register-form.ts";
import { fields, list, note, text, type ConsoleReply } from "./reply.ts";

export interface DisclosureOptions {
  date: string;
  time: string;
  number?: string;
  extension?: string;
  window?: string;
  askingOrg: string;
  askingPerson: string;
  askingRole?: string;
  askingContact?: string;
  requestedBy?: string;
  received?: string;
  recipientId?: string;
  onBehalfOf?: string;
  purpose: string;
  lawfulBasis?: string;
  recipient: string;
  recipientTitle: string;
  conditionAccepted?: boolean;
  release: string;
  site?: string;
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
    askingRole: opts.askingRole,
    askingContact: opts.askingContact,
    requestedByEmail: opts.requestedBy,
    requestReceivedOn: opts.received,
    recipientId: opts.recipientId,
    onBehalfOf: opts.onBehalfOf,
    purpose: opts.purpose,
    lawfulBasis: opts.lawfulBasis,
    recipientName: opts.recipient,
    recipientJobTitle: opts.recipientTitle,
    conditionAccepted: opts.conditionAccepted === true,
    releaseMode: opts.release as "link" | "zip",
  };
}

const RELEASE_CHOICES = [
  ["link", "A playback link"],
  ["zip", "The audio file and the form, as a zip"],
] as const;

/** `disclosure new`: typed with its options, or filled in as a form (`disclosure new` alone opens it). */
export const DISCLOSURE_NEW_FORM: FormSpec = {
  command: "disclosure new",
  title: "Record a disclosure request",
  shortTitle: "Record a disclosure",
  submit: "Record request",
  intro: "A third party (the police, HMRC, an insurer) asks for a call recording. It goes to the policy's disclosure authorisers; once authorised and found, the filled disclosure form comes to you by direct message.",
  fields: [
    { key: "date", kind: "date", label: "Date of the call", help: "the date of the call", flag: "--date", required: true, missing: "Give the date of the call." },
    { key: "time", kind: "time", label: "About what time? (24-hour clock)", help: "about when the call was (24-hour clock)", flag: "--time", required: true, missing: "Give the time of the call, for example 14:30." },
    { key: "number", kind: "text", label: "External number", help: "the external telephone number, if known", flag: "--number", required: false, max: 40, placeholder: "For example 020 7946 0001" },
    { key: "extension", kind: "text", label: "Extension", help: "the extension, if the number is not known", flag: "--extension", required: false, max: 20 },
    { key: "window", kind: "text", label: "Minutes either side of the time to search", help: "how far either side of the time to search (default 30)", flag: "--window", required: false, max: 4, coreFields: ["windowMinutes"] },
    { key: "askingOrg", kind: "text", label: "Organisation asking", help: "the organisation asking, e.g. Thames Valley Police", flag: "--asking-org", required: true, max: 200, coreFields: ["askingOrganisation"], missing: "Give the organisation asking for the recording." },
    { key: "askingPerson", kind: "text", label: "Person asking", help: "the person asking", flag: "--asking-person", required: true, max: 200, missing: "Give the name of the person asking." },
    { key: "askingRole", kind: "text", label: "Their role or job title", help: "the asking person's role or job title, e.g. Custody Sergeant", flag: "--asking-role", required: false, max: 200 },
    { key: "askingContact", kind: "text", label: "How to reach them", help: "their telephone number or e-mail (on the form, never in the audit log)", flag: "--asking-contact", required: false, max: 200 },
    { key: "requestedBy", kind: "text", label: "Member of staff who asked for them", help: "the e-mail of a member of staff who asked on the third party's behalf; leave out when the third party asked directly", flag: "--requested-by", required: false, max: 320, coreFields: ["requestedByEmail"] },
    { key: "received", kind: "date", label: "Date of request", help: "when the request reached the organisation, if before today", flag: "--received", required: false, coreFields: ["requestReceivedOn"] },
    { key: "onBehalfOf", kind: "text", label: "On behalf of", help: "the third party they ask on behalf of, if any", flag: "--on-behalf-of", required: false, max: 300 },
    { key: "purpose", kind: "longtext", label: "What it will be used for", help: "what the recording will be used for", flag: "--purpose", required: true, max: 1200, missing: "Say what the disclosure is for." },
    { key: "lawfulBasis", kind: "text", label: "Lawful basis or exemption", help: "the lawful basis or exemption relied on (default: the one the policy gives for this recipient)", flag: "--lawful-basis", required: false, max: 300 },
    { key: "recipientId", kind: "text", label: "Permitted recipient (policy id)", help: "the policy's permitted recipient this falls under, where the organisation's name does not say (e.g. legal-obligation)", flag: "--recipient-id", required: false, max: 100 },
    { key: "recipient", kind: "text", label: "Recipient's name", help: "the name of the person who will receive the recording", flag: "--recipient", required: true, max: 200, coreFields: ["recipientName"], missing: "Give the name of the person who will receive the recording." },
    { key: "recipientTitle", kind: "text", label: "Recipient's job title", help: "their job title", flag: "--recipient-title", required: true, max: 200, coreFields: ["recipientJobTitle"], missing: "Give the recipient's job title." },
    { key: "conditionAccepted", kind: "flag", label: "The recipient accepts that the recording is used only for the agreed purpose", help: "the recipient accepts that the recording is used only for the agreed purpose", flag: "--condition-accepted", required: false },
    { key: "release", kind: "choice", label: "How it is released", help: "link (a playback link) or zip (the audio file and the form)", flag: "--release", required: true, choices: RELEASE_CHOICES, coreFields: ["releaseMode"], missing: "Choose how the recording is released: link or zip." },
    { key: "site", kind: "text", label: "Site", help: "the site the call was made to or from, if known", flag: "--site", required: false, max: 100, coreFields: ["siteId"] },
  ],
  async run(session, v) {
    const { request, disclosure: view } = await submitDisclosure(session.ctx, disclosureInput(session.actorEmail, v as unknown as DisclosureOptions));
    const names = view.authoriserEmails.map((e) => (e === session.actorEmail ? "you" : (findPerson(session.ctx.policy, e)?.name ?? e)));
    const who = view.recorderMayDecide
      ? "The policy lets the person who records an outside party's request decide it, so you may; the records will say you recorded and decided it."
      : "You cannot authorise a disclosure you recorded yourself.";
    return {
      title: `Disclosure ${request.reference} recorded`,
      blocks: [
        fields(disclosureFields(view)),
        text(`Waiting for authorisation by ${names.join(" or ")}. ${who}`),
        note("Once it is authorised and the call is found, the filled disclosure form comes to you by direct message, with the recording as a link or a zip."),
      ],
    };
  },
};

export const disclosureConsole: ConsoleModule = {
  register(program, session, answer) {
    const disclosure = program.command("disclosure").description("Disclose a call recording to a third party (police, HMRC, an insurer)");

    registerForm(disclosure, "new", "Record a third party's request; it goes to the policy's disclosure authorisers", DISCLOSURE_NEW_FORM, session, answer);

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
    ["Asked by", view.requestedByText],
  ];
  if (view.askingContact) rows.push(["Contact", view.askingContact]);
  if (view.recipientText) rows.push(["Permitted as", view.recipientText]);
  if (view.onBehalfOf) rows.push(["On behalf of", view.onBehalfOf]);
  rows.push(
    ["Purpose", view.purpose],
    ["Lawful basis", view.lawfulBasis],
    ["Recipient", `${view.recipientName}, ${view.recipientJobTitle}`],
    ["Condition of use", "Accepted"],
    ["Release", view.releaseMode === "zip" ? "Zip of the audio file and the form" : "Playback link"],
    ["Status", view.statusText],
  );
  for (const d of view.decisions) rows.push([d.outcome === "APPROVED" ? "Authorised by" : "Refused by", decisionText(d)]);
  if (view.recorderActedText) rows.push(["One person", `${view.recorderActedText.charAt(0).toUpperCase()}${view.recorderActedText.slice(1)}, as the policy allows for an outside party's request`]);
  if (view.fulfilledByText) rows.push(["Call found by", view.fulfilledByText]);
  return rows;
}

/** "Carys Evans, 19/11/2026 10:02: <the note or reason>": what a later reader needs of a decision. */
function decisionText(d: DisclosureView["decisions"][number]): string {
  const said = d.outcome === "APPROVED" ? d.note : d.reason;
  return `${d.name}, ${d.atText}${said ? `: ${said}` : ""}`;
}

function listReply(views: DisclosureView[], open: boolean): ConsoleReply {
  if (views.length === 0) return { title: open ? "No open disclosures" : "No disclosures", blocks: [text("Record one with: disclosure new --date ... --asking-org ... (or type `disclosure new` alone for the form).")] };
  const items = views.map((v) =>
    [
      v.reference,
      `${v.askingOrganisation} (${v.askingPerson})`,
      `to ${v.recipientName}, ${v.recipientJobTitle}`,
      v.releaseMode,
      v.disclosedAtText ? `disclosed ${v.disclosedAtText}` : v.statusText,
      `recorded ${v.createdAtText} by ${v.requesterName}`,
      ...v.decisions.map((d) => `${d.outcome === "APPROVED" ? "authorised" : "refused"} by ${decisionText(d)}`),
      ...(v.fulfilledByText ? [`call found by ${v.fulfilledByText}`] : []),
    ].join(" · "),
  );
  return { title: open ? "Open disclosures" : "Disclosures", blocks: [list(items)] };
}
