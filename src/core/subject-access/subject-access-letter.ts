/**
 * The letters to the subject, built with the house PDF writer:
 *
 * - the covering letter of a subject access bundle: who is answering, the
 *   reference, what is included, what was withheld and why;
 * - the outcome letter made on closing where no bundle's letter says it all
 *   (a refusal, a partial refusal, an answer given as a transcript or by
 *   hearing the calls in person, or nothing found): the outcome, what the
 *   subject was given, in words for each output, and for a refusal the
 *   grounds (UK GDPR Article 12(4)).
 *
 * Both end with the subject's rights: the organisation's own complaints
 * procedure where the policy names it, then the right to complain to the ICO.
 */
import { buildPdf, type PdfWriter } from "../documents/pdf.ts";
import { formatDateTime } from "../format.ts";
import { formatPhoneNumber } from "../phone.ts";
import type { Person, Policy } from "../policy/schema.ts";
import { complaintsRoute, icoContactDetails, icoContactLine } from "../policy/routes.ts";
import type { SubjectAccessRequest } from "../../generated/prisma/client.ts";
import { calendarText } from "../calendar.ts";
import type { SubjectCall } from "./subject-files.ts";

export interface LetterContent {
  policy: Policy;
  sar: SubjectAccessRequest;
  /** Calls released to the subject. */
  released: readonly SubjectCall[];
  /** Calls withheld, each with the reason the subject is told. */
  withheld: ReadonlyArray<{ call: SubjectCall; reason: string }>;
  mode: "zip" | "links";
  /** The person signing, and their role. */
  signedBy: { name: string; role: string };
  today: Date;
}

export function buildCoveringLetter(content: LetterContent): Promise<Buffer> {
  const { policy, sar, released, withheld, mode, signedBy, today } = content;
  const organisation = policy.organisation.name;
  const timeZone = policy.organisation.timeZone;
  const recordings = released.filter((c) => c.recording.blobName).length;
  const callRecords = released.length - recordings;
  const numbers = sar.numbers.map((n) => formatPhoneNumber(n) ?? n).join(", ");
  return buildPdf({ title: `Subject access request ${sar.reference}`, author: organisation, subject: `Response to ${sar.subjectName}` }, (pdf) => {
    pdf
      .title("Your subject access request")
      .fields([
        ...letterFields(sar, organisation, today),
        ...(sar.extendedByMonths > 0 ? ([["Time extended", `${sar.extendedByMonths} month${sar.extendedByMonths === 1 ? "" : "s"}: ${sar.extensionReason ?? ""}`]] as const) : []),
      ])
      .paragraph(`Dear ${sar.subjectName},`)
      .paragraph(
        `You asked ${organisation} for a copy of the personal data we hold about you (UK GDPR Article 15). We searched our recordings of telephone calls and our call records for the number${sar.numbers.length === 1 ? "" : "s"} you gave us: ${numbers}. This letter comes with what we found.`,
      )
      .heading("What is included");
    const included: string[] = [];
    if (recordings > 0) included.push(`${recordings} recording${recordings === 1 ? "" : "s"} of telephone calls, ${mode === "zip" ? "as audio files in the recordings folder of the zip file" : "each as a separate download"}.`);
    if (callRecords > 0) included.push(`${callRecords} call record${callRecords === 1 ? "" : "s"} without a recording (the call was logged but not recorded, or the recording is no longer kept).`);
    included.push("calls.csv: for each call, the date, time, length and direction, the number used and the recording file's name.");
    if (released.length === 0) pdf.paragraph("We found no recordings or call records we can give you for these numbers.");
    for (const line of included) pdf.paragraph(`• ${line}`);
    if (released.length > 0) {
      pdf.table(
        ["Item", "Date and time", "Length", "Direction", "Recording"],
        released.map(({ number, recording }) => [
          String(number),
          formatDateTime(recording.startedAt, timeZone),
          `${Math.floor(recording.durationSeconds / 60)} min ${recording.durationSeconds % 60} s`,
          recording.direction === "INBOUND" ? "You called us" : recording.direction === "OUTBOUND" ? "We called you" : "Internal",
          recording.blobName ? "Yes" : "No",
        ]),
        [1, 4, 2, 3, 2],
      );
    }
    pdf.heading("What we have withheld, and why");
    if (withheld.length === 0) {
      pdf.paragraph("Nothing has been withheld.");
    } else {
      pdf.paragraph(
        `We have withheld ${withheld.length} call${withheld.length === 1 ? "" : "s"}. The law allows us to withhold information where, for example, releasing it would reveal other people's personal data without their consent, or would prejudice the prevention or detection of crime.`,
      );
      pdf.table(["Date and time", "Why it is withheld"], withheld.map(({ call, reason }) => [formatDateTime(call.recording.startedAt, timeZone), reason]), [2, 5]);
    }
    yourRights(pdf, policy, sar, withheld.length > 0);
    signOff(pdf, policy, signedBy, today);
  });
}

/** The ICO's own page for complaints, where the policy gives no contact details of its own. */
const ICO_COMPLAINTS = "If you are unhappy with how we have handled this, you may complain to the Information Commissioner's Office (https://ico.org.uk/make-a-complaint/).";

/**
 * The subject's rights, last in every letter: correction and the other
 * rights; for a refusal in whole or part the court as well (Article 12(4));
 * the organisation's complaints procedure where the policy names it, asked
 * for first; then the right to complain to the ICO, with the policy's
 * contact details for it where it gives them (North Wales Housing §9).
 */
function yourRights(pdf: PdfWriter, policy: Policy, sar: Pick<SubjectAccessRequest, "reference">, refused: boolean): void {
  pdf
    .heading("Your rights")
    .paragraph("If you think any of this information is wrong or incomplete you can ask us to correct it. You can also ask us to delete it or restrict how we use it, or object to our use of it.");
  if (refused) pdf.paragraph("Because we have not given you everything you asked for, you may also ask a court to order us to comply with your right of access.");
  if (policy.routes.complaints) pdf.paragraph(`If you are unhappy with how we have handled your request, please tell us first. ${complaintsRoute(policy)}`);
  const ico = policy.routes.ico ? icoContactDetails(policy) : "the Information Commissioner's Office (https://ico.org.uk/make-a-complaint/)";
  pdf.paragraph(policy.routes.complaints ? `You also have the right to complain to ${ico}.` : icoContactLine(policy) || ICO_COMPLAINTS);
  if (policy.subjectAccess.contact) pdf.paragraph(`Contact us about this request: ${policy.subjectAccess.contact}. Please quote ${sar.reference}.`);
}

/** The role a letter is signed in: the DPO's, else the subject access owner's (or staff owner's), else the person's first. */
export function signerRole(policy: Policy, person: Person): string {
  const owners = [...policy.subjectAccess.ownerRoles, ...(policy.subjectAccess.employeeOwnerRoles ?? [])];
  const role = person.roles.find((r) => policy.compliance.dpoRoles.includes(r)) ?? person.roles.find((r) => owners.includes(r)) ?? person.roles[0];
  return policy.roles.find((r) => r.id === role)?.label ?? "Data Protection Officer";
}

function signOff(pdf: PdfWriter, policy: Policy, signedBy: { name: string; role: string }, today: Date): void {
  pdf.gap().paragraph("Yours sincerely,").paragraph(`${signedBy.name}\n${signedBy.role}, ${policy.organisation.name}`).note(`Prepared with Callgate on ${calendarText(today)}.`);
}

/** What the subject was given, as the letter tells them: one sentence per output. */
export const OUTPUT_LETTER_TEXT: Record<string, string> = {
  "audio-copy": "A copy of the recordings of your calls, as audio files.",
  transcript: "A written transcript of your calls, in place of the recordings themselves.",
  links: "Links to listen to the recordings of your calls; each link works for a limited time.",
  "heard-in-person": "You heard the recordings of your calls in person, played to you by a member of our staff. We have not sent you a copy of the recordings.",
};

export interface OutcomeLetterContent {
  policy: Policy;
  /** The request as closed: its status, outputs, grounds and reason. */
  sar: SubjectAccessRequest;
  /** Calls found, and how many of them were withheld. */
  found: number;
  withheld: number;
  signedBy: { name: string; role: string };
  today: Date;
}

/** The fields both letters open with: who it is to and from, the reference, and the dates. */
function letterFields(sar: SubjectAccessRequest, organisation: string, today: Date): Array<[string, string]> {
  return [
    ["To", sar.subjectName],
    ["From", organisation],
    ["Our reference", sar.reference],
    ["Request received", calendarText(sar.receivedOn)],
    ["Date of this response", calendarText(today)],
  ];
}

/** The letter telling the subject how their request was answered, or why it was refused in whole or part. */
export function buildOutcomeLetter(content: OutcomeLetterContent): Promise<Buffer> {
  const { policy, sar, found, withheld, signedBy, today } = content;
  const organisation = policy.organisation.name;
  const refused = sar.status === "REFUSED";
  const partial = sar.status === "PARTIALLY_REFUSED";
  const numbers = sar.numbers.map((n) => formatPhoneNumber(n) ?? n).join(", ");
  return buildPdf({ title: `Subject access request ${sar.reference}`, author: organisation, subject: `Response to ${sar.subjectName}` }, (pdf) => {
    pdf
      .title(refused ? "Your subject access request: our decision" : "Your subject access request: our response")
      .fields(letterFields(sar, organisation, today))
      .paragraph(`Dear ${sar.subjectName},`)
      .paragraph(
        `You asked ${organisation} for a copy of the personal data we hold about you (UK GDPR Article 15). We searched our recordings of telephone calls and our call records${sar.numbers.length > 0 ? ` for the number${sar.numbers.length === 1 ? "" : "s"} you gave us: ${numbers}` : " for the calls you described to us"}.`,
      );
    if (refused) {
      pdf.heading("Our decision").paragraph("We have decided not to give you the recordings or call records you asked for.");
    } else if (partial) {
      pdf.heading("Our decision").paragraph(`We have answered your request in part: we found ${found} call${found === 1 ? "" : "s"}, and we are giving you some of what we hold, but not all of it.`);
    } else if (found === 0) {
      pdf.heading("What we found").paragraph("We found no recordings or call records for you within the time we keep them.");
    } else {
      pdf.heading("What we found").paragraph(`We found ${found} call${found === 1 ? "" : "s"}.`);
    }
    if (sar.outputs.length > 0) {
      pdf.heading("What you have been given");
      for (const output of sar.outputs) pdf.paragraph(`• ${OUTPUT_LETTER_TEXT[output] ?? output}`);
    }
    if (refused || partial) {
      pdf.heading(refused ? "Why we have refused" : "What we have not given you, and why");
      if (partial && withheld > 0) pdf.paragraph(`We have withheld ${withheld} call${withheld === 1 ? "" : "s"}.`);
      pdf.paragraph(sar.outcomeReason ? `Our reason: ${sar.outcomeReason}.`.replace(/\.\.$/, ".") : "The law allows us to withhold information where, for example, releasing it would reveal other people's personal data, or would prejudice the prevention or detection of crime.");
    }
    yourRights(pdf, policy, sar, refused || partial);
    signOff(pdf, policy, signedBy, today);
  });
}
