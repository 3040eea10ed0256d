/**
 * The fulfiller's direct message: the calls in the catalogue that fit the
 * request, by metadata only (masked numbers, times, no audio), to pick one
 * or say none matches.
 */
import { describeCandidate } from "../../shared/presentation.ts";
import type { CandidateView, NoticeAction } from "../../../core/notify/notices.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { ACTIONS } from "../ids.ts";
import { actions, button, escapeMrkdwn, header, message, option, section, type Block, type SlackMessage } from "./blocks.ts";
import { decisionLines, requestFacts } from "./request-facts.ts";

/** Slack allows 100 options in a static select; the core sends at most 20 candidates. */
const MAX_OPTIONS = 100;

export function fulfilmentMessage(request: RequestView, candidates: readonly CandidateView[], offered: readonly NoticeAction[]): SlackMessage {
  const waiting = request.status === "AWAITING_FULFILMENT";
  const blocks: Block[] = [
    header(waiting ? `${request.reference}: find the recording` : `${request.reference}: ${request.statusText}`),
    ...requestFacts(request, { showNumber: false, showReason: false }),
  ];
  // Who authorised it (and the notes their approvals carried), so the fulfiller knows it may go ahead.
  const decided = decisionLines(request);
  if (decided.length) blocks.push(section(decided.join("\n")));
  if (waiting) {
    blocks.push(section(candidates.length ? `*Calls that fit* (${candidates.length}). Pick the one the requester means from these details; do not listen to them.` : "*No call in the catalogue fits these details.*"));
    for (const [i, c] of candidates.slice(0, 20).entries()) blocks.push(section(`${i + 1}. ${escapeMrkdwn(describeCandidate(c))}`));
    const controls = [];
    if (candidates.length && offered.includes("fulfil-choose")) {
      controls.push({
        type: "static_select" as const,
        action_id: ACTIONS.fulfilChoose,
        placeholder: { type: "plain_text" as const, text: "Choose the call" },
        options: candidates.slice(0, MAX_OPTIONS).map((c, i) => option(`${i + 1}. ${shortCandidate(c)}`, JSON.stringify({ requestId: request.id, recordingId: c.recordingId }))),
      });
    }
    if (offered.includes("fulfil-none")) controls.push(button({ actionId: ACTIONS.fulfilNone, text: "None of these", value: request.id, style: "danger" }));
    if (controls.length) blocks.push(actions(`fulfil:${request.id}`, controls));
  } else {
    blocks.push(section(`*${escapeMrkdwn(request.statusText)}*`));
  }
  const text = waiting ? `Authorised request ${request.reference}: please find the matching call.` : `${request.reference}: ${request.statusText}.`;
  return message(text, blocks);
}

function shortCandidate(c: CandidateView): string {
  return [c.startedAtText, c.direction, c.maskedNumber].join(" · ");
}
