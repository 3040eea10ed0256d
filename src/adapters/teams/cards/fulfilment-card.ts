/**
 * The fulfiller's card: the calls in the catalogue that fit an authorised
 * request, by metadata only (masked numbers, times, no audio), to pick one
 * or say none matches.
 */
import { describeCandidate } from "../../shared/presentation.ts";
import type { CandidateView, NoticeAction } from "../../../core/notify/notices.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { VERBS } from "../ids.ts";
import { card, choice, execute, heading, refresh, text, type Card, type Element } from "./elements.ts";
import type { Viewer } from "./render-context.ts";
import { decisionLines, requestFacts } from "./request-facts.ts";

/** The choice input's id, read back by the fulfilChoose handler. */
export const RECORDING_INPUT = "recordingId";

export function fulfilmentCard(request: RequestView, candidates: readonly CandidateView[], offered: readonly NoticeAction[], viewer: Viewer): Card {
  const waiting = request.status === "AWAITING_FULFILMENT";
  const body: Element[] = [
    heading(waiting ? `${request.reference}: find the recording` : `${request.reference}: ${request.statusText}`),
    ...requestFacts(request, { showNumber: false, showReason: false }),
    // Who authorised it (and the notes their approvals carried), so the fulfiller knows it may go ahead.
    ...decisionLines(request),
  ];
  const data = { requestId: request.id, notice: "fulfilment-needed" };
  const actions = [];
  if (waiting) {
    body.push(text(candidates.length ? `**Calls that fit** (${candidates.length}). Pick the one the requester means from these details; do not listen to them.` : "**No call in the catalogue fits these details.**"));
    candidates.forEach((c, i) => body.push(text(`${i + 1}. ${describeCandidate(c)}`)));
    if (candidates.length && offered.includes("fulfil-choose")) {
      body.push({
        type: "Input.ChoiceSet",
        id: RECORDING_INPUT,
        label: "The matching call",
        style: "compact",
        isRequired: true,
        errorMessage: "Choose the call that matches, or say none of these do.",
        choices: candidates.map((c, i) => choice(`${i + 1}. ${c.startedAtText} · ${c.direction} · ${c.maskedNumber}`, c.recordingId)),
      } as Element);
      actions.push(execute("This is the call", VERBS.fulfilChoose, data, "positive"));
    }
    if (offered.includes("fulfil-none")) actions.push({ ...execute("None of these", VERBS.fulfilNone, data, "destructive"), associatedInputs: "none" } as ReturnType<typeof execute>);
  } else {
    body.push(text(`**${request.statusText}**`));
  }
  const fallbackText = waiting ? `Authorised request ${request.reference}: please find the matching call.` : `${request.reference}: ${request.statusText}.`;
  return card(body, { actions, fallbackText, ...(viewer.userId ? { refresh: refresh(VERBS.refresh, data, [viewer.userId]) } : {}) });
}
