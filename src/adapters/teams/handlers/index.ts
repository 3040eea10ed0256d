/**
 * Every handler the Teams adapter registers. The manifest test reads
 * COMMAND_HANDLERS (the bot's command menu must list exactly these) and
 * checks that every verb a card can carry has its handler here.
 */
import type { CommandHandler, VerbHandler } from "../deps.ts";
import { approveClicked } from "./approve-clicked.ts";
import { auditCommand } from "./audit-command.ts";
import { cardRefreshed } from "./card-refreshed.ts";
import { consentGiven } from "./consent-given.ts";
import { consentRefused } from "./consent-refused.ts";
import { consentWithdrawn } from "./consent-withdrawn.ts";
import { consoleActionClicked } from "./console-action.ts";
import { denyClicked } from "./deny-clicked.ts";
import { dpoCommand } from "./dpo-command.ts";
import { dpoFormSubmitted } from "./dpo-form-submitted.ts";
import { extensionApproved } from "./extension-approved.ts";
import { extensionDenied } from "./extension-denied.ts";
import { fulfilmentChosen } from "./fulfilment-chosen.ts";
import { fulfilmentNoneClicked } from "./fulfilment-none-clicked.ts";
import { helpCommand } from "./help-command.ts";
import { playbackBrowserAllowed } from "./playback-browser-allowed.ts";
import { mineCommand } from "./mine-command.ts";
import { moreTimeAsked } from "./more-time-asked.ts";
import { pendingCardShown } from "./pending-card-shown.ts";
import { revokeAccessClicked } from "./revoke-access-clicked.ts";
import { pendingCommand } from "./pending-command.ts";
import { requestRecordingCommand } from "./request-recording-command.ts";
import { submitRequestClicked } from "./submit-request-clicked.ts";

export const COMMAND_HANDLERS: readonly CommandHandler[] = [requestRecordingCommand, mineCommand, pendingCommand, helpCommand, auditCommand, dpoCommand];

export const VERB_HANDLERS: readonly VerbHandler[] = [
  submitRequestClicked,
  approveClicked,
  denyClicked,
  consentGiven,
  consentRefused,
  consentWithdrawn,
  fulfilmentChosen,
  fulfilmentNoneClicked,
  extensionApproved,
  extensionDenied,
  revokeAccessClicked,
  moreTimeAsked,
  pendingCardShown,
  playbackBrowserAllowed,
  consoleActionClicked,
  dpoFormSubmitted,
  cardRefreshed,
];
