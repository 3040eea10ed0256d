/**
 * Requests for more time with a recording. The authorisers' message asks
 * for a decision with Approve / Refuse and is kept up to date in place: once
 * someone decides, everyone's copy says who, when and what, with no buttons.
 * The requester's message says what was decided.
 */
import type { ExtensionView, NoticeAction } from "../../../core/notify/notices.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { ACTIONS } from "../ids.ts";
import { actions, button, context, escapeMrkdwn, header, message, section, type Block, type SlackMessage } from "./blocks.ts";
import { requestFacts } from "./request-facts.ts";

export function extensionNeededMessage(request: RequestView, extension: ExtensionView, offered: readonly NoticeAction[]): SlackMessage {
  const pending = extension.status === "PENDING";
  const blocks: Block[] = [
    header(pending ? `${request.reference}: more time asked for` : `${request.reference}: more time ${extension.status === "APPROVED" ? "given" : "refused"}`),
    section(`*${escapeMrkdwn(extension.requesterName)}* asked for more time with the recording on ${escapeMrkdwn(extension.askedAtText)}.\n*Why more time*\n${escapeMrkdwn(extension.reason)}`),
    ...requestFacts(request, { showNumber: true }),
  ];
  if (pending && offered.includes("extension-approve")) {
    blocks.push(
      actions(`extend:${extension.id}`, [
        button({ actionId: ACTIONS.approveExtension, text: "Give more time", value: extension.id, style: "primary" }),
        button({ actionId: ACTIONS.refuseExtension, text: "Refuse", value: extension.id, style: "danger" }),
      ]),
      context("Giving more time sends the requester a new link with the usual time limit. One decision settles it, and it is recorded in the audit log."),
    );
  } else if (!pending) {
    blocks.push(section(decidedLine(extension)));
  }
  // Fallback text reaches lock screens and e-mail digests: no number, no reason.
  const text = pending
    ? `${extension.requesterName} asks for more time with a call recording (${request.reference}). Please approve or refuse.`
    : `${request.reference}: more time ${extension.status === "APPROVED" ? "given" : "refused"}.`;
  return message(text, blocks);
}

export function extensionOutcomeMessage(request: RequestView, extension: ExtensionView): SlackMessage {
  const about = context(`${escapeMrkdwn(request.purposeLabel)} · ${escapeMrkdwn(request.windowText)}`);
  if (extension.status === "APPROVED") {
    return message(`${request.reference}: you have been given more time with the recording.`, [
      header(`${request.reference}: more time given`),
      section(`${escapeMrkdwn(extension.decidedByName ?? "An authoriser")} gave you more time with the recording${on(extension)}. A new link follows in a separate message.`),
      about,
    ]);
  }
  if (extension.status === "DENIED") {
    const reason = extension.decisionReason ? `\n*Their reason*\n${escapeMrkdwn(extension.decisionReason)}` : "";
    return message(`${request.reference}: your request for more time was refused.`, [
      header(`${request.reference}: more time refused`),
      section(`${escapeMrkdwn(extension.decidedByName ?? "An authoriser")} refused your request for more time with the recording${on(extension)}.${reason}`),
      about,
    ]);
  }
  return message(`${request.reference}: your request for more time is waiting for a decision.`, [
    section(`Your request for more time with the recording for ${escapeMrkdwn(request.reference)} is waiting for a decision.`),
    about,
  ]);
}

/** ":white_check_mark: Approved by Farid Khan on Fri 20 Nov 2026, 12:00", with the reason for a refusal. */
function decidedLine(extension: ExtensionView): string {
  const verb = extension.status === "APPROVED" ? ":white_check_mark: Approved" : ":x: Refused";
  const reason = extension.decisionReason ? `: “${escapeMrkdwn(extension.decisionReason)}”` : "";
  return `${verb} by ${escapeMrkdwn(extension.decidedByName ?? "an authoriser")}${on(extension)}${reason}`;
}

function on(extension: ExtensionView): string {
  return extension.decidedAtText ? ` on ${escapeMrkdwn(extension.decidedAtText)}` : "";
}
