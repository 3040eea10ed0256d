/**
 * The recorded employee's direct message: a request to use a call they took
 * part in (staff training), with Consent / Refuse until they answer, and
 * Withdraw consent (with a confirmation) once they have consented.
 */
import type { NoticeAction } from "../../../core/notify/notices.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { ACTIONS } from "../ids.ts";
import { actions, button, context, escapeMrkdwn, header, message, plain, section, type Block, type SlackMessage } from "./blocks.ts";
import { requestFacts } from "./request-facts.ts";

export function consentMessage(request: RequestView, offered: readonly NoticeAction[]): SlackMessage {
  const waiting = request.status === "AWAITING_CONSENT";
  const blocks: Block[] = [
    header(waiting ? `${request.reference}: your consent is asked` : `${request.reference}: ${request.statusText}`),
    section(`${escapeMrkdwn(request.requester.name)} would like to use a recording of a call you took part in, for *${escapeMrkdwn(request.purposeLabel)}*. It has been authorised, but it will only be used if you agree.`),
    ...requestFacts(request, { showNumber: false }),
  ];
  if (waiting && offered.includes("consent-give")) {
    blocks.push(
      actions(`consent:${request.id}`, [
        button({ actionId: ACTIONS.consentGive, text: "I consent", value: request.id, style: "primary" }),
        button({ actionId: ACTIONS.consentRefuse, text: "I do not consent", value: request.id, style: "danger" }),
      ]),
      context("Saying no is fine and has no consequences for you. Your answer is recorded in the audit log."),
    );
  } else if (!waiting) {
    blocks.push(section(`*${escapeMrkdwn(request.statusText)}*`));
    if (offered.includes("consent-withdraw")) {
      blocks.push(
        actions(`consent-withdraw:${request.id}`, [
          button({
            actionId: ACTIONS.consentWithdraw,
            text: "Withdraw consent",
            value: request.id,
            style: "danger",
            confirm: {
              title: plain("Withdraw your consent?", 100),
              text: plain("The recording will no longer be used for training. The requester's access ends at once and they will be told.", 300),
              confirm: plain("Withdraw consent", 30),
              deny: plain("Cancel", 30),
              style: "danger",
            },
          }),
        ]),
        context("You consented to this use. You can withdraw your consent at any time."),
      );
    }
  }
  const text = waiting ? `${request.requester.name} asks for your consent to use a call recording (${request.reference}).` : `${request.reference}: ${request.statusText}.`;
  return message(text, blocks);
}
