/**
 * Cards to the requester (confirmation with who was asked, the outcome, the
 * playback link for them alone, the call log, the end of access), and the
 * DPO's card saying a message could not be delivered.
 */
import type { CandidateView, NoticeAction } from "../../../core/notify/notices.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { VERBS } from "../ids.ts";
import { selfAuthorisedForRequester, selfAuthorisedLine } from "../../../core/notify/request-wording.ts";
import { attention, card, execute, heading, openUrl, plain, showCard, subtle, text, type Card, type Element } from "./elements.ts";
import { describeCandidate, OUTCOME_EXPLANATION, undeliveredExplanation } from "../../shared/presentation.ts";
import type { RenderContext } from "./render-context.ts";
import { decisionLines, requestFacts } from "./request-facts.ts";

export function submittedCard(request: RequestView, rc: RenderContext): Card {
  const own = selfAuthorisedForRequester(request);
  if (own) {
    // The requester's own role decided: nobody was asked, and the facts say so once.
    return card(
      [
        heading(`Request ${request.reference} authorised`),
        plain(own),
        ...requestFacts(request, { showNumber: true, showSelfAuthorised: false }),
        subtle("You will get a message here when the call has been found. Type `mine` to see all your requests."),
      ],
      { fallbackText: `Your request ${request.reference} is authorised by your own decision.` },
    );
  }
  const asked = request.authoriserEmails.map((e) => rc.nameOf(e));
  const slots = request.approvals.waitingFor.join("; ");
  const needs = slots ? ` ${request.approvals.needed > 1 ? `It needs ${request.approvals.needed} approvals: ` : "It needs approval from the "}${slots}.` : "";
  return card(
    [
      heading(`Request ${request.reference} sent`),
      text(`Your request has been sent for authorisation. **Asked:** ${asked.join(", ") || "nobody yet"}.${needs}`),
      ...requestFacts(request, { showNumber: true }),
      subtle("You will get a message here when it has been decided. Type `mine` to see all your requests."),
    ],
    { fallbackText: `Your request ${request.reference} has been sent for authorisation.` },
  );
}

export function outcomeCard(request: RequestView): Card {
  return card(
    [
      heading(`${request.reference}: ${request.statusText}`),
      text(OUTCOME_EXPLANATION[request.status]),
      ...decisionLines(request),
      ...(selfAuthorisedLine(request) ? [plain(selfAuthorisedLine(request)!)] : []),
      subtle(`${request.purposeLabel} · ${request.windowText}`),
    ],
    { fallbackText: `${request.reference}: ${request.statusText}.` },
  );
}

export function accessGrantedCard(request: RequestView, playbackUrl: string, expiresAt: Date, rc: RenderContext, offered: readonly NoticeAction[]): Card {
  const until = rc.dateTime(expiresAt);
  return card(
    [
      heading(`${request.reference}: the recording is ready`),
      text(`You can listen to the call until **${until}**. The link is for you alone: do not forward it. Listening is recorded in the audit log.`),
      subtle(`${request.purposeLabel} · ${request.windowText}`),
    ],
    { actions: offered.includes("listen") ? [openUrl("Listen to the recording", playbackUrl)] : [], fallbackText: `${request.reference}: you can now listen to the recording until ${until}.` },
  );
}

export function callLogCard(request: RequestView, calls: readonly CandidateView[]): Card {
  return card(
    [heading(`${request.reference}: call log`), ...(calls.length ? calls.map((c) => text(`• ${describeCandidate(c)}`)) : [text("No matching calls.")]), subtle(`${request.purposeLabel} · ${request.windowText}`)],
    { fallbackText: `${request.reference}: the call log entry you asked for.` },
  );
}

/** When access expired (not when it was revoked), the requester can ask the authorisers for more time, as on Slack. */
export function accessEndedCard(request: RequestView, reason: "expired" | "revoked", offered: readonly NoticeAction[]): Card {
  const line = reason === "expired" ? `Your access to the recording for ${request.reference} has expired.` : `Your access to the recording for ${request.reference} has been withdrawn.`;
  const body: Element[] = [text(`${line} The link no longer works.`)];
  const actions = [];
  if (offered.includes("ask-more-time")) {
    const ask = card(
      [{ type: "Input.Text", id: "reason", label: "Why do you need more time?", isMultiline: true, isRequired: true, maxLength: 2000, errorMessage: "Please say why you need more time." } as Element],
      { actions: [execute("Send the request for more time", VERBS.askMoreTime, { requestId: request.id })] },
    );
    actions.push(showCard("Ask for more time", ask));
    body.push(subtle("If you still need the recording, ask for more time: it goes back to the people who authorised it."));
  }
  body.push(subtle(`${request.purposeLabel} · ${request.windowText}`));
  return card(body, { actions, fallbackText: line });
}

export function deliveryFailedCard(request: RequestView | null, recipientName: string, noticeKind: string, waiting = false): Card {
  const about = request ? ` about ${request.reference}` : "";
  const line = `Callgate could not deliver a message${about} to ${recipientName}.`;
  const body: Element[] = [attention(`⚠️ ${line}`), text(undeliveredExplanation(recipientName, noticeKind, waiting))];
  if (request) body.push(...requestFacts(request, { showNumber: false }));
  return card(body, { fallbackText: line });
}
