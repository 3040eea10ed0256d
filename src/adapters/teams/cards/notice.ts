/**
 * Turns any core Notice into an Adaptive Card. Exhaustive over the Notice
 * union, so a new notice kind fails to compile until it has a card.
 */
import type { Notice } from "../../../core/notify/notices.ts";
import { approvalCard } from "./approval-card.ts";
import { complianceNoticeCard, fileReadyCard } from "./compliance-cards.ts";
import { consentCard } from "./consent-card.ts";
import type { Card } from "./elements.ts";
import { extensionCard, extensionOutcomeCard } from "./extension-card.ts";
import { fulfilmentCard } from "./fulfilment-card.ts";
import { playbackBrowserCard } from "./playback-browser-card.ts";
import type { RenderContext, Viewer } from "./render-context.ts";
import { accessEndedCard, accessGrantedCard, callLogCard, deliveryFailedCard, outcomeCard, submittedCard } from "./requester-cards.ts";

export function renderNotice(notice: Notice, rc: RenderContext, viewer: Viewer = {}): Card {
  switch (notice.kind) {
    case "request-submitted":
      return submittedCard(notice.request, rc);
    case "approval-needed":
      return approvalCard(notice.request, { viewer, notice: "approval-needed" });
    case "approval-reminder":
      return approvalCard(notice.request, { viewer, reminder: true, notice: "approval-reminder" });
    case "request-outcome":
      return outcomeCard(notice.request);
    case "consent-needed":
      return consentCard(notice.request, viewer);
    case "fulfilment-needed":
      return fulfilmentCard(notice.request, notice.candidates, viewer);
    case "access-granted":
      return accessGrantedCard(notice.request, notice.playbackUrl, notice.expiresAt, rc);
    case "call-log-ready":
      return callLogCard(notice.request, notice.calls);
    case "access-ended":
      return accessEndedCard(notice.request, notice.reason);
    case "playback-browser-pending":
      return playbackBrowserCard(notice.request, notice.grantId, notice.pendingId, notice.seenAtText, notice.browserText);
    case "extension-needed":
      return extensionCard(notice.request, notice.extension, viewer);
    case "extension-outcome":
      return extensionOutcomeCard(notice.request, notice.extension);
    case "delivery-failed":
      return deliveryFailedCard(notice.request, notice.recipientName, notice.noticeKind, notice.waiting);
    case "compliance-notice":
      return complianceNoticeCard(notice.title, notice.lines);
    case "file-ready":
      return fileReadyCard(notice);
  }
}
