/**
 * The recorded employee's card: a request to use a call they took part in
 * (staff training), with I consent / I do not consent until they answer, and
 * Withdraw consent (asking first) once they have consented.
 */
import type { Action } from "@microsoft/teams.cards";
import type { NoticeAction } from "../../../core/notify/notices.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { VERBS } from "../ids.ts";
import { card, execute, heading, refresh, showCard, subtle, text, type Card, type Element } from "./elements.ts";
import type { Viewer } from "./render-context.ts";
import { requestFacts } from "./request-facts.ts";

export function consentCard(request: RequestView, offered: readonly NoticeAction[], viewer: Viewer): Card {
  const waiting = request.status === "AWAITING_CONSENT";
  const body: Element[] = [
    heading(waiting ? `${request.reference}: your consent is asked` : `${request.reference}: ${request.statusText}`),
    text(`${request.requester.name} would like to use a recording of a call you took part in, for **${request.purposeLabel}**. It has been authorised, but it will only be used if you agree.`),
    ...requestFacts(request, { showNumber: false }),
  ];
  const data = { requestId: request.id, notice: "consent-needed" };
  const actions: Action[] = [];
  if (waiting && offered.includes("consent-give")) {
    actions.push(execute("I consent", VERBS.consentGive, data, "positive"), execute("I do not consent", VERBS.consentRefuse, data, "destructive"));
    body.push(subtle("Saying no is fine and has no consequences for you. Your answer is recorded in the audit log."));
  } else if (!waiting) {
    body.push(text(`**${request.statusText}**`));
    if (offered.includes("consent-withdraw")) {
      // Adaptive Cards have no confirmation dialog: the button opens a small card that asks first.
      const confirm = card([text("Withdraw your consent? The recording will no longer be used for training. The requester's access ends at once and they will be told.")], {
        actions: [execute("Withdraw my consent", VERBS.consentWithdraw, data, "destructive")],
      });
      actions.push(showCard("Withdraw consent", confirm, "destructive"));
      body.push(subtle("You consented to this use. You can withdraw your consent at any time."));
    }
  }
  const fallbackText = waiting ? `${request.requester.name} asks for your consent to use a call recording (${request.reference}).` : `${request.reference}: ${request.statusText}.`;
  return card(body, { actions, fallbackText, ...(viewer.userId ? { refresh: refresh(VERBS.refresh, data, [viewer.userId]) } : {}) });
}
