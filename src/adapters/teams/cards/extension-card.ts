/**
 * More time with a recording: the authoriser's card (give or refuse, with a
 * reason for refusing), kept up to date in place, and the requester's answer.
 */
import type { ExtensionView, NoticeAction } from "../../../core/notify/notices.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { VERBS } from "../ids.ts";
import { card, execute, heading, plain, refresh, showCard, subtle, text, type Card, type Element } from "./elements.ts";
import type { Viewer } from "./render-context.ts";
import { requestFacts } from "./request-facts.ts";

export function extensionCard(request: RequestView, extension: ExtensionView, offered: readonly NoticeAction[], viewer: Viewer): Card {
  const pending = extension.status === "PENDING";
  const body: Element[] = [
    heading(pending ? `${request.reference}: ${extension.requesterName} asks for more time` : `${request.reference}: more time ${extension.status === "APPROVED" ? "given" : "refused"}`),
    plain(extension.reason, "Why"),
    subtle(`Asked ${extension.askedAtText}`),
    ...requestFacts(request, { showNumber: true }),
  ];
  const data = { requestId: request.id, extensionId: extension.id, notice: "extension-needed" };
  const actions = [];
  if (pending && offered.includes("extension-approve")) {
    const refuse = card(
      [{ type: "Input.Text", id: "reason", label: "Why are you refusing?", isMultiline: true, isRequired: true, maxLength: 2000, errorMessage: "Please give a reason for refusing more time." } as Element],
      { actions: [execute("Refuse more time", VERBS.extensionDeny, data, "destructive")] },
    );
    actions.push(execute("Give more time", VERBS.extensionApprove, data, "positive"), showCard("Refuse", refuse, "destructive"));
  } else if (!pending) {
    body.push(extension.decisionReason ? plain(`“${extension.decisionReason}”`, decidedLine(extension)) : text(decidedLine(extension)));
  }
  return card(body, { actions, fallbackText: `${request.reference}: more time asked`, ...(viewer.userId ? { refresh: refresh(VERBS.refresh, data, [viewer.userId]) } : {}) });
}

export function extensionOutcomeCard(request: RequestView, extension: ExtensionView): Card {
  const given = extension.status === "APPROVED";
  const line = given ? `You have been given more time with the recording for ${request.reference}. A new link follows.` : `Your request for more time with the recording for ${request.reference} was refused.`;
  const body: Element[] = [text(line)];
  if (extension.decidedByName) body.push(extension.decisionReason ? plain(`“${extension.decisionReason}”`, decidedLine(extension)) : text(decidedLine(extension)));
  body.push(subtle(`${request.purposeLabel} · ${request.windowText}`));
  return card(body, { fallbackText: line });
}

function decidedLine(extension: ExtensionView): string {
  const verb = extension.status === "APPROVED" ? "Given" : "Refused";
  return `${verb}${extension.decidedByName ? ` by ${extension.decidedByName}` : ""}${extension.decidedAtText ? ` on ${extension.decidedAtText}` : ""}`;
}
