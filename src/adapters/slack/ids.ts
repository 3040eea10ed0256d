/**
 * Every name Slack and Callgate share: slash commands, action ids, view
 * callback ids and events. The manifest test reads these, so the manifest
 * and the code cannot drift apart.
 */
export const COMMANDS = {
  requestRecording: "/request-recording",
  recordings: "/recordings",
  /** The DPO console: `/recording-dpo <line>` runs one console command line. */
  dpo: "/recording-dpo",
  /** `/recording-audit <rest>` is `/recording-dpo audit <rest>`. */
  audit: "/recording-audit",
} as const;

export const ACTIONS = {
  approve: "approve-request",
  deny: "deny-request",
  consentGive: "consent-give",
  consentRefuse: "consent-refuse",
  /** On the employee's consent message once they consented: withdraws it (Slack asks them to confirm first). */
  consentWithdraw: "consent-withdraw",
  fulfilChoose: "fulfil-choose",
  fulfilNone: "fulfil-none",
  /** A link button: Slack still sends an interaction, which must be acknowledged. */
  openPlayback: "open-playback",
  /** The download button on a "your file is ready" message: a link button too. */
  downloadFile: "download-file",
  /** The purpose select in the request form, which reshapes the form. */
  choosePurpose: "choose-purpose",
  /** On the "access has expired" message: opens the form asking for more time. */
  askMoreTime: "ask-more-time",
  approveExtension: "approve-extension",
  /** Opens the form for the reason more time is refused. */
  refuseExtension: "refuse-extension",
  /** On the requester's message that their link was opened in another browser: allows that browser once. */
  allowPlaybackBrowser: "allow-playback-browser",
  /** On an authoriser's message about a delivered recording: opens the form for the reason. */
  revokeAccess: "revoke-access",
  /** A button on a DPO console reply: its value is a console command line, run as whoever clicks. */
  consoleRun: "console-run",
} as const;

export const VIEWS = {
  requestForm: "request-recording-form",
  denyReason: "deny-reason-form",
  /** Approve where the purpose asks every approval for a note (purpose.approvalNote). */
  approveNote: "approve-note-form",
  moreTimeReason: "more-time-form",
  refuseExtensionReason: "refuse-extension-form",
  revokeReason: "revoke-access-form",
  /** A DPO command's form (src/commands/form.ts); private_metadata names the command, e.g. "sar open". */
  dpoForm: "dpo-command-form",
} as const;

export const EVENTS = {
  appHomeOpened: "app_home_opened",
} as const;

/**
 * The least the bot needs: commands, DMs (open and post), who a user is by
 * e-mail, uploading the DPO console's charts into DMs, and reading its own DMs
 * (im:history) so a notice retried after a crash finds the copy already sent
 * instead of posting another. The DMs' messages tab is read-only: what it
 * reads there is what the bot wrote.
 */
export const BOT_SCOPES = ["commands", "chat:write", "im:write", "im:history", "users:read", "users:read.email", "files:write"] as const;

/** Where Slack sends commands, interactions and events, relative to PUBLIC_URL. */
export const EVENTS_PATH = "/slack/events";
