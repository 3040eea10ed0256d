/**
 * Names the Teams adapter shares with its manifest and its tests: the
 * messaging endpoint, the commands people type (and the bot's command menu
 * lists), and the Action.Execute verbs its cards carry.
 */

/** The platform name stored with every Teams identity and message handle. */
export const PLATFORM = "teams";

/** Where Teams (or the Agents Playground) posts activities, on Callgate's one HTTP server. */
export const MESSAGING_PATH = "/api/messages";

/** What a person types in the personal chat; each has one handler. */
export const COMMANDS = {
  requestRecording: "request recording",
  help: "help",
  mine: "mine",
  pending: "pending",
  audit: "audit",
  dpo: "dpo",
} as const;

/** Action.Execute verbs; each has one handler, except refresh which redraws any card. */
export const VERBS = {
  submitRequest: "submitRequest",
  approve: "approve",
  deny: "deny",
  consentGive: "consentGive",
  consentRefuse: "consentRefuse",
  consentWithdraw: "consentWithdraw",
  fulfilChoose: "fulfilChoose",
  fulfilNone: "fulfilNone",
  extensionApprove: "extensionApprove",
  extensionDeny: "extensionDeny",
  /** On an authoriser's card about a delivered recording: ends the requester's access, with a reason. */
  revokeAccess: "revokeAccess",
  /** On the requester's card that access has expired: asks the authorisers for more time, with a reason. */
  askMoreTime: "askMoreTime",
  /** On `pending`: posts the card for one waiting request into the chat, to act on it there. */
  showPendingCard: "showPendingCard",
  /** On the requester's card that their link was opened in another browser: allows that browser once. */
  allowPlaybackBrowser: "allowPlaybackBrowser",
  /** A DPO console button: runs the console command line in its data as whoever clicks. */
  consoleRun: "consoleRun",
  /** A DPO command's form submitted (src/commands/form.ts): data {command, …inputs}. */
  dpoFormSubmit: "dpoFormSubmit",
  refresh: "refresh",
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];
