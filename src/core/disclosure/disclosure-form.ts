/**
 * The filled disclosure form, as a PDF: the headings and fields of the
 * "Release of call recording to third parties: request form and
 * authorisation" (seed 002, Appendix 1), completed from the disclosure, its
 * request, the authorisation and the call released. It is the record the
 * organisation files and the recipient receives, so it names the call in
 * full (date, time and telephone number), as the paper form does.
 */
import { buildPdf } from "../documents/pdf.ts";
import { formatDate, formatDateTime } from "../format.ts";
import { formatPhoneNumber } from "../phone.ts";
import type { Policy } from "../policy/schema.ts";
import { calendarText } from "../calendar.ts";
import type { DisclosureDetails } from "./disclosure-details.ts";

export interface DisclosureFormData extends DisclosureDetails {
  reference: string;
  /** Who recorded it in Callgate. */
  requesterName: string;
  /** The member of staff who asked on the third party's behalf, if one did. */
  staffRequesterName?: string;
  requestedAt: Date;
  /** The permitted recipient the asking organisation falls under: its label, category words and the policy's basis. */
  recipient?: { label: string; category: string | null; lawfulBasis: string | null };
  /**
   * Set when the recorder also decided or completed it (policy
   * `disclosure.recorderMayAuthorise`): what the record says, e.g. "requested
   * by …; recorded, authorised and completed by Carys Evans".
   */
  recordedAndAuthorisedBy?: string;
  /** Who found the call and completed the request: a person's name, or Callgate when it matched the only call. */
  fulfilledBy?: string;
  call: { startedAt: Date; number: string | null; extension: string | null; callId: string; durationSeconds: number };
  /** When the access link stops working, in link mode. */
  linkExpiresAt?: Date;
  /** Each approval, with the note it carries (an assessment under `disclosure.assessUnder`, or any note the authoriser gave). */
  authorisers: { name: string; roles: string; decidedAt: Date; note?: string | null }[];
  disclosedAt: Date;
}

/** The condition every recipient accepts, in the form's words. */
export function conditionText(policy: Policy): string {
  return `Recordings shall remain the property of ${policy.organisation.name} and are only to be used for the purposes agreed on release.`;
}

export function buildDisclosureForm(policy: Policy, d: DisclosureFormData): Promise<Buffer> {
  const tz = policy.organisation.timeZone;
  const org = policy.organisation.name;
  const minutes = Math.floor(d.call.durationSeconds / 60);
  const seconds = String(d.call.durationSeconds % 60).padStart(2, "0");
  const number = formatPhoneNumber(d.call.number) ?? "Withheld or not known";
  const lastAuthorisation = d.authorisers.reduce<Date | undefined>((latest, a) => (!latest || a.decidedAt > latest ? a.decidedAt : latest), undefined);
  const names = d.authorisers.map((a) => `${a.name} (${a.roles})`).join(" and ");
  return buildPdf({ title: `Release of call recording ${d.reference}`, author: `${org} via Callgate`, subject: "Release of call recording to third parties: request form and authorisation" }, (pdf) => {
    pdf
      .title("Release of call recording to third parties")
      .paragraph(`Request form and authorisation. ${org}.`)
      .fields([
        ["Reference", d.reference],
        ["Organisation", org],
      ])
      .heading("1. Date, time and telephone number")
      .fields([
        ["Date and time of the call", formatDateTime(d.call.startedAt, tz)],
        ["Telephone number", number],
        ["Extension", d.call.extension ?? "Not recorded"],
        ["Length", `${minutes}:${seconds}`],
        ["Call identifier", d.call.callId],
      ])
      .heading("2. Person requesting the recording")
      .fields([
        ["Name", d.askingPerson],
        ["Role or job title", d.askingRole ?? "Not given"],
        ["Organisation", d.askingOrganisation],
        ["Contact", d.askingContact ?? "Not given"],
        ...(d.staffRequesterName ? ([["Asked for by (member of staff)", d.staffRequesterName]] as [string, string][]) : []),
      ])
      .heading("3. The purpose for which the recording is requested")
      .fields([
        ["Purpose", d.purpose],
        ["Lawful basis or exemption", d.lawfulBasis],
        ...(d.recipient
          ? ([
              ["Permitted recipient under the policy", d.recipient.category ? `${d.recipient.label} (${d.recipient.category})` : d.recipient.label],
              ...(d.recipient.lawfulBasis && d.recipient.lawfulBasis !== d.lawfulBasis ? [["Lawful basis the policy gives", d.recipient.lawfulBasis]] : []),
            ] as [string, string][])
          : []),
      ])
      .heading("4. Is this on behalf of a third party?")
      .fields([
        ["On behalf of a third party", d.onBehalfOf ? "Yes" : "No"],
        ["Details", d.onBehalfOf ?? "Not applicable"],
      ])
      .heading("5. Date of request")
      .fields([
        ["Date of request", d.requestReceivedOn ? calendarText(d.requestReceivedOn) : formatDate(d.requestedAt, tz)],
        ["Recorded in Callgate", `${formatDate(d.requestedAt, tz)} by ${d.requesterName}`],
      ])
      .heading("Condition of release")
      .paragraph(conditionText(policy))
      .fields([
        ["Purpose agreed on release", d.purpose],
        ["Condition accepted by the recipient", "Yes"],
      ])
      .heading("Release")
      .fields([
        ["Name and job title of the person in receipt of the recording", `${d.recipientName}, ${d.recipientJobTitle}`],
        ["Date of disclosure", formatDate(d.disclosedAt, tz)],
        ["Released as", d.releaseMode === "zip" ? "A zip file holding the audio file and this form" : `A playback link${d.linkExpiresAt ? ` that stops working on ${formatDateTime(d.linkExpiresAt, tz)}` : ""}`],
      ])
      .heading("Authorisation")
      .paragraph(`I, ${names}, authorise the release of the above recording in accordance with ${org}'s call recording policy and procedure.`)
      .fields([
        ["Authorised by", names],
        ...d.authorisers.filter((a) => a.note).map((a): [string, string] => [noteLabel(policy, a.name, d.authorisers.length), a.note!]),
        ...(d.recordedAndAuthorisedBy ? ([[oneRecorderLabel(d.recordedAndAuthorisedBy), `${capitalise(d.recordedAndAuthorisedBy)}, as the policy allows for a request made by an outside party`]] as [string, string][]) : []),
        ["Date of authorisation", lastAuthorisation ? formatDateTime(lastAuthorisation, tz) : ""],
        ...(d.fulfilledBy ? ([["Call found and request completed by", d.fulfilledBy]] as [string, string][]) : []),
      ])
      .gap()
      .note(`Completed by Callgate on ${formatDateTime(d.disclosedAt, tz)} for request ${d.reference}. The authorisation was given in Callgate and is recorded in its audit log.`);
  });
}

/** "Assessment under the school's Third Party Request for Information policy (Name)", or "Note with the approval". */
function noteLabel(policy: Policy, name: string, approvals: number): string {
  const what = policy.disclosure.assessUnder ? `Assessment under the ${policy.disclosure.assessUnder.replace(/^the\s+/i, "")}` : "Note with the approval";
  return approvals > 1 ? `${what} (${name})` : what;
}

/** "Recorded and authorised by one person", "Recorded, authorised and completed by one person". */
function oneRecorderLabel(record: string): string {
  const did = /; (recorded[^;]*?) by /.exec(record)?.[1] ?? "recorded and authorised";
  return `${capitalise(did)} by one person`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
