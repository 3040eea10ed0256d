/**
 * The covering letter for a subject access bundle, addressed to the subject:
 * who is answering, the reference, what is included, what was withheld and
 * why, and the subject's further rights. Built with the house PDF writer.
 */
import { buildPdf } from "../documents/pdf.ts";
import { formatDateTime } from "../format.ts";
import { formatPhoneNumber } from "../phone.ts";
import type { Policy } from "../policy/schema.ts";
import { complaintsRoute, icoContactDetails } from "../policy/routes.ts";
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
        ["To", sar.subjectName],
        ["From", organisation],
        ["Our reference", sar.reference],
        ["Request received", calendarText(sar.receivedOn)],
        ["Date of this response", calendarText(today)],
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
    pdf
      .heading("Your rights")
      .paragraph(
        "If you think any of this information is wrong or incomplete you can ask us to correct it. You can also ask us to delete it or restrict how we use it, or object to our use of it. If you are unhappy with how we have handled your request, please tell us first; you also have the right to complain to the Information Commissioner's Office (https://ico.org.uk/make-a-complaint/).",
      );
    // The routes the policy names: its own complaints procedure first, then the ICO's contact details (North Wales Housing §9).
    if (policy.routes.complaints) pdf.paragraph(complaintsRoute(policy));
    if (policy.routes.ico) pdf.paragraph(`To complain to the ICO: ${icoContactDetails(policy)}.`);
    if (policy.subjectAccess.contact) pdf.paragraph(`Contact us about this request: ${policy.subjectAccess.contact}. Please quote ${sar.reference}.`);
    pdf.gap().paragraph("Yours sincerely,").paragraph(`${signedBy.name}\n${signedBy.role}, ${organisation}`).note(`Prepared with Callgate on ${calendarText(today)}.`);
  });
}
