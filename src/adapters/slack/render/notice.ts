/**
 * Turns any core Notice into a Slack message. Exhaustive over the Notice
 * union, so a new notice kind fails to compile until it has a rendering. The
 * controls drawn are exactly the notice's actions, chosen by the core for the
 * person it was built for; nothing here decides who may do what.
 */
import type { Notice } from "../../../core/notify/notices.ts";
import { approvalMessage } from "./approval-message.ts";
import type { SlackMessage } from "./blocks.ts";
import { complianceNoticeMessage, fileReadyMessage } from "./compliance-messages.ts";
import { consentMessage } from "./consent-message.ts";
import { extensionNeededMessage, extensionOutcomeMessage } from "./extension-messages.ts";
import { fulfilmentMessage } from "./fulfilment-message.ts";
import { playbackBrowserMessage } from "./playback-browser-message.ts";
import type { RenderContext } from "./render-context.ts";
import { accessEndedMessage, accessGrantedMessage, callLogMessage, deliveryFailedMessage, outcomeMessage, submittedMessage } from "./requester-messages.ts";

/**
 * @param viewerEmail whose DM this is (the e-mail the core gave the channel):
 *   an authoriser who has decided is told "You approved this on …".
 */
export function renderNotice(notice: Notice, rc: RenderContext, viewerEmail?: string): SlackMessage {
  switch (notice.kind) {
    case "request-submitted":
      return submittedMessage(notice.request, rc);
    case "approval-needed":
      return approvalMessage(notice.request, { actions: notice.actions, viewerEmail });
    case "approval-reminder":
      return approvalMessage(notice.request, { actions: notice.actions, viewerEmail, reminder: true });
    case "request-outcome":
      return outcomeMessage(notice.request);
    case "consent-needed":
      return consentMessage(notice.request, notice.actions);
    case "fulfilment-needed":
      return fulfilmentMessage(notice.request, notice.candidates, notice.actions);
    case "access-granted":
      return accessGrantedMessage(notice.request, notice.playbackUrl, notice.expiresAt, rc, notice.actions);
    case "call-log-ready":
      return callLogMessage(notice.request, notice.calls);
    case "access-ended":
      return accessEndedMessage(notice.request, notice.reason, notice.actions);
    case "playback-browser-pending":
      return playbackBrowserMessage(notice.request, notice.grantId, notice.pendingId, notice.seenAtText, notice.browserText, notice.actions);
    case "extension-needed":
      return extensionNeededMessage(notice.request, notice.extension, notice.actions);
    case "extension-outcome":
      return extensionOutcomeMessage(notice.request, notice.extension);
    case "delivery-failed":
      return deliveryFailedMessage(notice.request, notice.recipientName, notice.noticeKind, notice.waiting);
    case "compliance-notice":
      return complianceNoticeMessage(notice.title, notice.lines);
    case "file-ready":
      return fileReadyMessage(notice);
  }
}

