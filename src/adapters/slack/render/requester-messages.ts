/**
 * Direct messages to the requester: the confirmation with who was asked, the
 * outcome, the playback link (to them alone), the call log, and the end of
 * access (with a way to ask for more time). Plus the DPO's notice that a message could not be delivered.
 */
import type { CandidateView, NoticeAction } from "../../../core/notify/notices.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { ACTIONS } from "../ids.ts";
import { actions, button, context, escapeMrkdwn, header, message, section, type Block, type SlackMessage } from "./blocks.ts";
import { describeCandidate, OUTCOME_EXPLANATION, undeliveredExplanation } from "../../shared/presentation.ts";
import { decisionLines, requestFacts } from "./request-facts.ts";
import { selfAuthorisedForRequester, selfAuthorisedLine } from "../../../core/notify/request-wording.ts";
import type { RenderContext } from "./render-context.ts";

export function submittedMessage(request: RequestView, rc: RenderContext): SlackMessage {
  const own = selfAuthorisedForRequester(request);
  if (own) {
    // The requester's own role decided: nobody was asked, and the facts say so once.
    return message(`Your request ${request.reference} is authorised by your own decision.`, [
      header(`Request ${request.reference} authorised`),
      section(escapeMrkdwn(own)),
      ...requestFacts(request, { showNumber: true, showSelfAuthorised: false }),
      context("You will get a message here when the call has been found. `/recordings mine` shows all your requests."),
    ]);
  }
  const asked = request.authoriserEmails.map((e) => escapeMrkdwn(rc.nameOf(e)));
  const slots = request.approvals.waitingFor.map(escapeMrkdwn).join("; ");
  return message(`Your request ${request.reference} has been sent for authorisation.`, [
    header(`Request ${request.reference} sent`),
    section(
      `Your request has been sent for authorisation. *Asked:* ${asked.join(", ") || "nobody yet"}.` +
        (slots ? `\n${request.approvals.needed > 1 ? `It needs ${request.approvals.needed} approvals: ` : "It needs approval from the "}${slots}.` : ""),
    ),
    ...requestFacts(request, { showNumber: true }),
    context("You will get a message here when it has been decided. `/recordings mine` shows all your requests."),
  ]);
}

export function outcomeMessage(request: RequestView): SlackMessage {
  const blocks: Block[] = [header(`${request.reference}: ${request.statusText}`)];
  const self = selfAuthorisedLine(request);
  const lines = [...decisionLines(request), ...(self ? [escapeMrkdwn(self)] : [])];
  blocks.push(section([OUTCOME_EXPLANATION[request.status], ...lines].join("\n")));
  blocks.push(context(`${escapeMrkdwn(request.purposeLabel)} · ${escapeMrkdwn(request.windowText)}`));
  return message(`${request.reference}: ${request.statusText}.`, blocks);
}

export function accessGrantedMessage(request: RequestView, playbackUrl: string, expiresAt: Date, rc: RenderContext, offered: readonly NoticeAction[]): SlackMessage {
  const until = rc.dateTime(expiresAt);
  return message(`${request.reference}: you can now listen to the recording until ${until}.`, [
    header(`${request.reference}: the recording is ready`),
    section(`You can listen to the call until *${escapeMrkdwn(until)}*. The link is for you alone: do not forward it. Listening is recorded in the audit log.`),
    ...(offered.includes("listen") ? [actions(`play:${request.id}`, [button({ actionId: ACTIONS.openPlayback, text: "Listen to the recording", url: playbackUrl, style: "primary" })])] : []),
    context(`${escapeMrkdwn(request.purposeLabel)} · ${escapeMrkdwn(request.windowText)}`),
  ]);
}

export function callLogMessage(request: RequestView, calls: readonly CandidateView[]): SlackMessage {
  return message(`${request.reference}: the call log entry you asked for.`, [
    header(`${request.reference}: call log`),
    section(calls.length ? calls.map((c) => `• ${escapeMrkdwn(describeCandidate(c))}`).join("\n") : "No matching calls."),
    context(`${escapeMrkdwn(request.purposeLabel)} · ${escapeMrkdwn(request.windowText)}`),
  ]);
}

/** When access expired (not when it was revoked), the requester can ask the authorisers for more time. */
export function accessEndedMessage(request: RequestView, reason: "expired" | "revoked", offered: readonly NoticeAction[]): SlackMessage {
  const text = reason === "expired" ? `Your access to the recording for ${request.reference} has expired.` : `Your access to the recording for ${request.reference} has been withdrawn.`;
  const blocks: Block[] = [section(`${escapeMrkdwn(text)} The link no longer works.`)];
  if (offered.includes("ask-more-time")) {
    blocks.push(
      actions(`more-time:${request.id}`, [button({ actionId: ACTIONS.askMoreTime, text: "Ask for more time", value: request.id })]),
      context("If you still need the recording, ask for more time: it goes back to the people who authorised it."),
    );
  }
  blocks.push(context(`${escapeMrkdwn(request.purposeLabel)} · ${escapeMrkdwn(request.windowText)}`));
  return message(text, blocks);
}

export function deliveryFailedMessage(request: RequestView | null, recipientName: string, noticeKind: string, waiting = false): SlackMessage {
  const about = request ? ` about ${request.reference}` : "";
  const text = `Callgate could not deliver a message${about} to ${recipientName}.`;
  const blocks: Block[] = [
    section(`:warning: ${escapeMrkdwn(text)} ${escapeMrkdwn(undeliveredExplanation(recipientName, noticeKind, waiting))}`),
  ];
  if (request) blocks.push(...requestFacts(request, { showNumber: false }));
  return message(text, blocks);
}
