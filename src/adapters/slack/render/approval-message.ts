/**
 * The authoriser's direct message: the request's facts with Approve / Deny,
 * kept up to date in place. Once the viewer has decided, or the request has
 * left PENDING_APPROVAL, the buttons go and the message says who decided,
 * when, and what. Once the recording has been delivered, a Revoke access
 * button lets an authoriser end the requester's access. The buttons are
 * exactly the notice's actions, which the core chose for this viewer.
 */
import type { NoticeAction } from "../../../core/notify/notices.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { approvalNoteAsk } from "../../../core/notify/request-wording.ts";
import { ACTIONS } from "../ids.ts";
import { actions, button, context, escapeMrkdwn, header, message, plain, section, type Block, type SlackMessage } from "./blocks.ts";
import { decisionLines, progressLine, requestFacts } from "./request-facts.ts";

export function approvalMessage(request: RequestView, options: { actions: readonly NoticeAction[]; viewerEmail?: string; reminder?: boolean }): SlackMessage {
  const pending = request.status === "PENDING_APPROVAL";
  const mine = options.viewerEmail ? request.decisions.find((d) => d.email === options.viewerEmail) : undefined;
  const title = pending
    ? `${options.reminder ? "Reminder: " : ""}${request.reference} needs your decision`
    : `${request.reference}: ${request.statusText}`;
  const blocks: Block[] = [header(title), ...requestFacts(request, { showNumber: true })];

  const lines = decisionLines(request);
  if (request.approvals.needed > 1 || lines.length > 0) {
    blocks.push(section([pending ? progressLine(request) : `*${escapeMrkdwn(request.statusText)}*`, ...lines].join("\n")));
  } else if (!pending) {
    blocks.push(section(`*${escapeMrkdwn(request.statusText)}*`));
  }

  const decide = [
    ...(options.actions.includes("approve") ? [button({ actionId: ACTIONS.approve, text: "Approve", value: request.id, style: "primary" })] : []),
    ...(options.actions.includes("deny") ? [button({ actionId: ACTIONS.deny, text: "Deny", value: request.id, style: "danger" })] : []),
  ];
  if (decide.length) {
    blocks.push(actions(`decide:${request.id}`, decide));
    const note = request.approvalNote ? ` ${escapeMrkdwn(approvalNoteAsk(request.approvalNote))}` : "";
    blocks.push(context(`Only approve if the reason justifies listening to this call. Your decision is recorded in the audit log.${note}`));
  } else if (pending && mine) {
    blocks.push(context(`You ${mine.outcome === "APPROVED" ? "approved" : "denied"} this on ${escapeMrkdwn(mine.atText)}. Waiting for the other approvals.`));
  }
  if (options.actions.includes("revoke-access")) {
    blocks.push(
      actions(`revoke:${request.id}`, [
        button({
          actionId: ACTIONS.revokeAccess,
          text: "Revoke access",
          value: request.id,
          style: "danger",
          confirm: {
            title: plain("Revoke access?", 100),
            text: plain("The requester's link will stop working at once. You will be asked for your reason.", 300),
            confirm: plain("Revoke access", 30),
            deny: plain("Cancel", 30),
            style: "danger",
          },
        }),
      ]),
      context("If the recording should no longer be available to the requester, revoke their access. It is recorded in the audit log."),
    );
  }
  // Fallback text reaches lock screens and e-mail digests: no number, no reason.
  const text = pending
    ? `${options.reminder ? "Reminder: " : ""}${request.requester.name} asks to access a call recording (${request.reference}). Please approve or deny.`
    : `${request.reference}: ${request.statusText}.`;
  return message(text, blocks);
}
