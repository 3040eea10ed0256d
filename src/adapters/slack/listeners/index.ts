/**
 * Every listener the Slack app registers. The manifest test reads this list,
 * so a command or event added here must be added to the manifest too.
 */
import type { ListenerRegistration } from "../deps.ts";
import { appHomeOpenedListener } from "./app-home-opened.ts";
import { approveClicked } from "./approve-clicked.ts";
import { approveNoteSubmitted } from "./approve-note-submitted.ts";
import { auditCommand } from "./audit-command.ts";
import { consoleActionClicked } from "./console-action.ts";
import { consentGiven, consentRefused } from "./consent-answered.ts";
import { consentWithdrawn } from "./consent-withdrawn.ts";
import { denyClicked } from "./deny-clicked.ts";
import { denyReasonSubmitted } from "./deny-reason-submitted.ts";
import { dpoCommand } from "./dpo-command.ts";
import { extensionApproveClicked, extensionRefusalSubmitted, refuseExtensionClicked } from "./extension-decided.ts";
import { fulfilmentChosen } from "./fulfilment-chosen.ts";
import { fulfilmentNoneClicked } from "./fulfilment-none-clicked.ts";
import { askMoreTimeClicked, moreTimeReasonSubmitted } from "./more-time-asked.ts";
import { playbackBrowserAllowed } from "./playback-browser-allowed.ts";
import { fileLinkOpened, playbackLinkOpened } from "./playback-link-opened.ts";
import { purposeChosen } from "./purpose-chosen.ts";
import { recordingsCommand } from "./recordings-command.ts";
import { requestFormSubmitted } from "./request-form-submitted.ts";
import { dpoFormSubmitted } from "./dpo-form-submitted.ts";
import { requestRecordingCommand } from "./request-recording-command.ts";
import { revokeClicked, revokeReasonSubmitted } from "./revoke-access.ts";

export const LISTENERS: readonly ListenerRegistration[] = [
  requestRecordingCommand,
  recordingsCommand,
  dpoCommand,
  auditCommand,
  consoleActionClicked,
  purposeChosen,
  requestFormSubmitted,
  dpoFormSubmitted,
  approveClicked,
  approveNoteSubmitted,
  denyClicked,
  denyReasonSubmitted,
  consentGiven,
  consentRefused,
  consentWithdrawn,
  fulfilmentChosen,
  fulfilmentNoneClicked,
  playbackLinkOpened,
  playbackBrowserAllowed,
  fileLinkOpened,
  askMoreTimeClicked,
  moreTimeReasonSubmitted,
  extensionApproveClicked,
  refuseExtensionClicked,
  extensionRefusalSubmitted,
  revokeClicked,
  revokeReasonSubmitted,
  appHomeOpenedListener,
];
