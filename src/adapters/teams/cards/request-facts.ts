/**
 * The facts of a request as an authoriser, employee or requester sees them.
 * Only ever drawn into personal chats with people the core chose.
 */
import { approvalNoteOf, CONCERNS_LABEL, selfAuthorisedLine } from "../../../core/notify/request-wording.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { facts, plain, subtle, text, type Element } from "./elements.ts";

const DIRECTION: Record<string, string> = { inbound: "Inbound", outbound: "Outbound", internal: "Internal" };

/**
 * @param options.showNumber the full number, for authorisers and the requester; others see it masked.
 * @param options.showReason everyone but the fulfiller, who matches a call by its metadata alone.
 *   The member of staff a request concerns goes with it: the fulfiller needs neither to find the call.
 * @param options.showSelfAuthorised the line saying the requester's own decision authorised it (unless the message says so already).
 */
export function requestFacts(request: RequestView, options: { showNumber: boolean; showReason?: boolean; showSelfAuthorised?: boolean }): Element[] {
  const rows: Array<readonly [string, string]> = [
    ["Requested by", request.requester.name],
    ["Purpose", request.purposeLabel],
    ["When", request.windowText],
    ["Wants", request.type === "recording" ? "The recording" : "The call log entry only"],
  ];
  if (request.site) rows.push(["Site", request.site.name]);
  if (request.direction) rows.push(["Direction", DIRECTION[request.direction] ?? request.direction]);
  if (request.number) rows.push(["External number", (options.showNumber ? request.number : request.maskedNumber) ?? request.maskedNumber]);
  if (request.employee) rows.push(["Member of staff on the call", request.employee.name]);
  if (request.concerns && options.showReason !== false) rows.push([CONCERNS_LABEL, request.concerns.name]);
  const elements: Element[] = [facts(rows)];
  // Free text: drawn literally, never as markdown.
  if (request.extension) elements.push(plain(request.extension, "Extension"));
  if (request.parties) elements.push(plain(request.parties, "Parties"));
  if (options.showReason !== false) elements.push(plain(request.reason, "Reason"));
  const self = selfAuthorisedLine(request);
  if (self && options.showSelfAuthorised !== false) elements.push(plain(self));
  elements.push(subtle(`${request.reference} · asked ${request.createdAtText} · lawful basis: ${request.lawfulBasis}`));
  return elements;
}

/** "Approved by Farid Khan on Fri 20 Nov 2026, 12:00", one element per decision (and its note); reasons and notes literal. */
export function decisionLines(request: RequestView): Element[] {
  return request.decisions.flatMap((d) => {
    const line = `${d.outcome === "APPROVED" ? "Approved" : "Denied"} by ${d.name} on ${d.atText}`;
    const note = approvalNoteOf(d);
    return [d.reason ? plain(`“${d.reason}”`, line) : text(line), ...(note ? [plain(`“${note.text}”`, note.label)] : [])];
  });
}

/** "Approvals: 1 of 2. Still needed: Data Protection Officer." */
export function progressLine(request: RequestView): Element {
  const { needed, given, waitingFor } = request.approvals;
  const still = waitingFor.length ? ` Still needed: ${waitingFor.join("; ")}.` : "";
  return text(`**Approvals: ${given} of ${needed}.**${still}`);
}
