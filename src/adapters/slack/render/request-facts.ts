/**
 * The facts of a request as an authoriser, employee or requester sees them in
 * a direct message. Only ever rendered into DMs to people the core chose as
 * recipients; the fallback text never carries any of it.
 */
import { approvalNoteOf, CONCERNS_LABEL, selfAuthorisedLine } from "../../../core/notify/request-wording.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { context, escapeMrkdwn, fields, section, type Block } from "./blocks.ts";

const DIRECTION: Record<string, string> = { inbound: "Inbound", outbound: "Outbound", internal: "Internal" };

/** Who, why, which call: the blocks every request message starts with. */
/**
 * @param options.showNumber the full number, for authorisers and the requester; others see it masked.
 * @param options.showReason the reason, for everyone but the fulfiller, who matches a call by its metadata.
 *   The member of staff a request concerns goes with it: the fulfiller needs neither to find the call.
 * @param options.showSelfAuthorised the line saying the requester's own decision authorised it (unless the message says so already).
 */
export function requestFacts(request: RequestView, options: { showNumber: boolean; showReason?: boolean; showSelfAuthorised?: boolean }): Block[] {
  const call: Array<readonly [string, string]> = [
    ["Requested by", escapeMrkdwn(request.requester.name)],
    ["Purpose", escapeMrkdwn(request.purposeLabel)],
    ["When", escapeMrkdwn(request.windowText)],
    ["Wants", request.type === "recording" ? "The recording" : "The call log entry only"],
  ];
  if (request.site) call.push(["Site", escapeMrkdwn(request.site.name)]);
  if (request.direction) call.push(["Direction", DIRECTION[request.direction] ?? escapeMrkdwn(request.direction)]);
  const number = options.showNumber ? request.number : request.maskedNumber;
  if (request.number) call.push(["External number", escapeMrkdwn(number ?? request.maskedNumber)]);
  if (request.extension) call.push(["Extension", escapeMrkdwn(request.extension)]);
  if (request.employee) call.push(["Member of staff on the call", escapeMrkdwn(request.employee.name)]);
  if (request.concerns && options.showReason !== false) call.push([CONCERNS_LABEL, escapeMrkdwn(request.concerns.name)]);
  const blocks: Block[] = [fields(call)];
  if (request.parties) blocks.push(section(`*Parties*\n${escapeMrkdwn(request.parties)}`));
  if (options.showReason !== false) blocks.push(section(`*Reason*\n${escapeMrkdwn(request.reason)}`));
  const self = selfAuthorisedLine(request);
  if (self && options.showSelfAuthorised !== false) blocks.push(section(`:white_check_mark: ${escapeMrkdwn(self)}`));
  blocks.push(context(`${escapeMrkdwn(request.reference)} · asked ${escapeMrkdwn(request.createdAtText)} · lawful basis: ${escapeMrkdwn(request.lawfulBasis)}`));
  return blocks;
}

/** "Approved by Farid Khan on Fri 20 Nov 2026, 12:00", one line per decision, with its note where it carried one. */
export function decisionLines(request: RequestView): string[] {
  return request.decisions.map((d) => {
    const verb = d.outcome === "APPROVED" ? ":white_check_mark: Approved" : ":x: Denied";
    const reason = d.reason ? `: “${escapeMrkdwn(d.reason)}”` : "";
    const note = approvalNoteOf(d);
    return `${verb} by ${escapeMrkdwn(d.name)} on ${escapeMrkdwn(d.atText)}${reason}${note ? `\n${escapeMrkdwn(note.label)}: “${escapeMrkdwn(note.text)}”` : ""}`;
  });
}

/** "Approvals: 1 of 2. Still needed: Data Protection Officer." */
export function progressLine(request: RequestView): string {
  const { needed, given, waitingFor } = request.approvals;
  const still = waitingFor.length ? ` Still needed: ${waitingFor.map(escapeMrkdwn).join("; ")}.` : "";
  return `*Approvals: ${given} of ${needed}.*${still}`;
}
