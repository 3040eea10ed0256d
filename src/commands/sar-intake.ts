/**
 * Subject access intake in the console, beside sar.ts:
 *
 *   sar log --name "Jo Bloggs" --channel letter|email|phone|in-person|web-form --received 20/11/2026
 *           [--number "020 7946 0001" ...] [--call-on 10/11/2026 --call-at 14:30 --direction inbound --extension 201]
 *           [--contact-email ... --contact-phone ... --contact-address "..."] [--identity "..."]
 *   sar add-info SAR-1 [--number ...] [--call-on ... --call-at ... --direction ... --extension ...] [--identity "..."] [--contact-...] [--on 25/11/2026]
 *   sar transfer SAR-1 --to <email> --reason "..."
 *
 * `sar log` is for everyone in the policy (any member of staff who received a
 * request); the core sends it to the owner. `sar add-info` is the owner's.
 * `sar transfer` hands it to another holder of an owner role: the owner's, or a DPO's.
 */
import type { Command } from "commander";
import type { CallDescriptionInput } from "../core/subject-access/subject-access-intake.ts";
import { addSubjectAccessInformation } from "../core/subject-access/add-subject-access-information.ts";
import { logSubjectAccess } from "../core/subject-access/log-subject-access.ts";
import { transferSubjectAccess } from "../core/subject-access/transfer-subject-access.ts";
import type { SubjectAccessView } from "../core/subject-access/subject-access-view.ts";
import type { FormSpec, FormValues } from "./form.ts";
import { registerForm } from "./register-form.ts";
import type { ConsoleSession } from "./run-console.ts";
import { fields, list, text, warning, type ConsoleReply } from "./reply.ts";
import { withFlagAdvice } from "./flag-advice.ts";

const CHANNEL_CHOICES = [
  ["letter", "Letter"],
  ["email", "E-mail"],
  ["phone", "Phone"],
  ["in-person", "In person"],
  ["web-form", "Web form"],
] as const;
const DIRECTION_CHOICES = [
  ["inbound", "Inbound (they rang us)"],
  ["outbound", "Outbound (we rang them)"],
] as const;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** One described call from the form's call fields, if any was filled in. */
function describedCall(v: FormValues): CallDescriptionInput[] {
  const on = v.callOn as string | undefined;
  const at = v.callAt as string | undefined;
  const direction = v.direction as "inbound" | "outbound" | undefined;
  const extension = v.extension as string | undefined;
  if (!on && !at && !direction && !extension) return [];
  return [{ on: on ?? "", ...(at ? { at } : {}), ...(direction ? { direction } : {}), ...(extension ? { extension } : {}) }];
}

function contactOf(v: FormValues) {
  const email = v.contactEmail as string | undefined;
  const phone = v.contactPhone as string | undefined;
  const address = v.contactAddress as string | undefined;
  return email || phone || address ? { ...(email ? { email } : {}), ...(phone ? { phone } : {}), ...(address ? { address } : {}) } : undefined;
}

const CALL_FIELDS = [
  { key: "callOn", kind: "date", label: "Day of the call", help: "the day of a call the subject describes, e.g. 10/11/2026", flag: "--call-on", required: false, coreFields: ["calls"] },
  { key: "callAt", kind: "time", label: "About what time? (24-hour clock)", help: "about when the call was, e.g. 14:30", flag: "--call-at", required: false },
  { key: "direction", kind: "choice", label: "Direction", help: "inbound (they rang us) or outbound (we rang them)", flag: "--direction", required: false, choices: DIRECTION_CHOICES },
  { key: "extension", kind: "text", label: "Extension", help: "the extension that took or made the call", flag: "--extension", required: false, max: 20 },
] as const;

const CONTACT_FIELDS = [
  { key: "contactEmail", kind: "text", label: "Their e-mail address", help: "the subject's e-mail address, to reply to (kept with the case only)", flag: "--contact-email", required: false, max: 320 },
  { key: "contactPhone", kind: "text", label: "Their contact number", help: "a number to reach the subject on (kept with the case only)", flag: "--contact-phone", required: false, max: 40 },
  { key: "contactAddress", kind: "longtext", label: "Their postal address", help: "the subject's postal address (kept with the case only)", flag: "--contact-address", required: false, max: 500 },
] as const;

/** `sar log`: any member of staff records a request they received. */
export const SAR_LOG_FORM: FormSpec = {
  command: "sar log",
  title: "Log a subject access request you received",
  submit: "Log request",
  intro:
    "Anyone who receives a request for a person's own recordings logs it here, however it came. It goes to the person who handles subject access requests, who is told. Give the subject's number, or the day of the call with an approximate time or the extension; if you have neither, log it anyway and it waits for that information.",
  fields: [
    { key: "name", kind: "text", label: "Data subject's name", help: "the data subject's name", flag: "--name", required: true, max: 200, coreFields: ["subjectName"], placeholder: "For example Jo Bloggs" },
    { key: "channel", kind: "choice", label: "How it came in", help: "letter, email, phone, in-person or web-form", flag: "--channel", required: true, choices: CHANNEL_CHOICES, missing: "Say how the request came in." },
    { key: "received", kind: "date", label: "Date received", help: "the day the request was received, e.g. 20/11/2026", flag: "--received", required: true, missing: "Give the day the request was received.", coreFields: ["receivedOn"] },
    { key: "number", kind: "list", label: "Their phone numbers", help: "a number the subject called from or was called on, in quotes", flag: "--number", required: false, max: 40, coreFields: ["numbers"], placeholder: "One per line, for example 020 7946 0001" },
    ...CALL_FIELDS,
    ...CONTACT_FIELDS,
    { key: "identity", kind: "text", label: "How identity was verified", help: "how identity was verified; leave out if not yet", flag: "--identity", required: false, coreFields: ["identityVerification"] },
    { key: "staff", kind: "flag", label: "The subject is a member of staff asking for their own calls", help: "the subject is a member of staff asking for their own calls", flag: "--staff", required: false },
  ],
  async run(session, v) {
    const logged = await logSubjectAccess(session.ctx, {
      actorEmail: session.actorEmail,
      subjectName: v.name as string,
      channel: v.channel as string,
      receivedOn: v.received as string,
      numbers: (v.number as string[] | undefined) ?? [],
      calls: describedCall(v),
      contact: contactOf(v),
      identityVerification: v.identity as string | undefined,
      subjectIsStaff: v.staff === true,
    });
    return {
      title: `Subject access request ${logged.reference} logged`,
      blocks: [
        fields([
          ["Owner", logged.owner.name],
          ["Came by", logged.channel],
          ["Status", logged.awaitingInformation.length > 0 ? "Awaiting information" : `Due by ${logged.dueText}`],
        ]),
        ...logged.lines.filter((l) => l !== logged.channelAdvice).map(text),
        ...(logged.channelAdvice ? [warning(logged.channelAdvice)] : []),
      ],
    };
  },
};

/** Registers `sar log`, `sar add-info` and `sar transfer` on the console's `sar` command. */
export function registerSarIntake(sar: Command, session: ConsoleSession, answer: (reply: ConsoleReply) => void, show: (title: string, view: SubjectAccessView) => ConsoleReply): void {
  registerForm(sar, "log", "Log a request you received (anyone): it goes to the person who handles subject access", SAR_LOG_FORM, session, answer);

  const addInfo = sar
    .command("add-info")
    .description("Add what a request was missing (numbers, a described call, contact details, identity); the owner's")
    .argument("<reference>")
    .option("--number <number>", "a phone number the subject used (repeat for more)", collect, []);
  for (const f of [...CALL_FIELDS, ...CONTACT_FIELDS]) addInfo.option(`${f.flag} <${f.kind === "choice" ? f.choices.map(([c]) => c).join("|") : "value"}>`, f.help);
  addInfo
    .option("--identity <how>", "how identity was verified")
    .option("--on <date>", "the day the information arrived (today if left out)")
    .action(async (reference: string, opts: Record<string, string | string[] | undefined>) => {
      const v = opts as FormValues;
      const view = await withFlagAdvice({ numbers: "--number", calls: "--call-on/--call-at/--extension", contactEmail: "--contact-email", contactPhone: "--contact-phone", contactAddress: "--contact-address", identityVerification: "--identity", receivedOn: "--on" }, () =>
        addSubjectAccessInformation(session.ctx, {
          actorEmail: session.actorEmail,
          reference,
          numbers: (opts.number as string[] | undefined) ?? [],
          calls: describedCall(v),
          contact: contactOf(v),
          identityVerification: opts.identity as string | undefined,
          receivedOn: opts.on as string | undefined,
        }),
      );
      const reply = show(`${view.reference}: information added`, view);
      if (view.awaitingInformation.length > 0) reply.blocks.unshift(warning(`Still awaiting: ${view.statusText.replace(/^Awaiting information \(|\)$/g, "") || view.awaitingInformation.join(", ")}.`));
      else reply.blocks.unshift(list([`Nothing is missing now: due by ${view.dueText}.`]));
      answer(reply);
    });

  sar
    .command("transfer")
    .description("Hand a request to another person who handles subject access requests (its owner or a DPO); they are told")
    .argument("<reference>")
    .requiredOption("--to <email>", "the e-mail of the person taking it over")
    .requiredOption("--reason <text>", "why it changes hands, for the record")
    .action(async (reference: string, opts: { to: string; reason: string }) => {
      const view = await withFlagAdvice({ toEmail: "--to", reason: "--reason" }, () => transferSubjectAccess(session.ctx, { actorEmail: session.actorEmail, reference, toEmail: opts.to, reason: opts.reason }));
      answer(show(`${view.reference} handed to ${view.owner.name}`, view));
    });
}
