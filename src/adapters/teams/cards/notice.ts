/**
 * Turns any core Notice into an Adaptive Card. Exhaustive over the Notice
 * union, so a new notice kind fails to compile until it has a card. The
 * buttons are exactly the notice's actions, chosen by the core for the person
 * it was built for (build-notice.ts); nothing here decides who may do what.
 */
import type { Notice } from "../../../core/notify/notices.ts";
import { approvalCard, type ApprovalForm } from "./approval-card.ts";
import { complianceNoticeCard, fileReadyCard } from "./compliance-cards.ts";
import { consentCard } from "./consent-card.ts";
import type { Card } from "./elements.ts";
import { extensionCard, extensionOutcomeCard } from "./extension-card.ts";
import { fulfilmentCard } from "./fulfilment-card.ts";
import { playbackBrowserCard } from "./playback-browser-card.ts";
import type { RenderContext, Viewer } from "./render-context.ts";
import { accessEndedCard, accessGrantedCard, callLogCard, deliveryFailedCard, outcomeCard, submittedCard } from "./requester-cards.ts";

/**
 * @param viewer whose card this is: their e-mail (for "You approved this on
 *   …") and Teams user id (for the card's refresh).
 * @param form what an authoriser typed and the core refused, drawn back on an approval card.
 */
export function renderNotice(notice: Notice, rc: RenderContext, viewer: Viewer = {}, form: ApprovalForm = {}): Card {
  switch (notice.kind) {
    case "request-submitted":
      return submittedCard(notice.request, rc);
    case "approval-needed":
      return approvalCard(notice.request, { actions: notice.actions, viewer, notice: "approval-needed", ...form });
    case "approval-reminder":
      return approvalCard(notice.request, { actions: notice.actions, viewer, reminder: true, notice: "approval-reminder", ...form });
    case "request-outcome":
      return outcomeCard(notice.request);
    case "consent-needed":
      return consentCard(notice.request, notice.actions, viewer);
    case "fulfilment-needed":
      return fulfilmentCard(notice.request, notice.candidates, notice.actions, viewer);
    case "access-granted":
      return accessGrantedCard(notice.request, notice.playbackUrl, notice.expiresAt, rc, notice.actions);
    case "call-log-ready":
      return callLogCard(notice.request, notice.calls);
    case "access-ended":
      return accessEndedCard(notice.request, notice.reason, notice.actions);
    case "playback-browser-pending":
      return playbackBrowserCard(notice.request, notice.grantId, notice.pendingId, notice.seenAtText, notice.browserText, notice.actions);
    case "extension-needed":
      return extensionCard(notice.request, notice.extension, notice.actions, viewer);
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
