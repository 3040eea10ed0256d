/**
 * What the core tells people, independent of any chat platform. Adapters turn
 * a Notice into a Slack message or a Teams card; the core never renders.
 * Every notice is built for one named viewer (build-notice.ts) and lists the
 * actions that viewer may take (notice-actions.ts): adapters draw exactly
 * those buttons and decide none themselves.
 */
import type { RequestView } from "../requests/request-view.ts";

export type NoticeKind = NoticeBody["kind"];

/**
 * Something the viewer of a notice may do from it. Each platform draws one
 * control per action: a button, Slack's menu of calls, Teams' choice with its
 * button, a panel that asks for a reason first.
 */
export type NoticeAction =
  | "approve"
  | "deny"
  | "revoke-access"
  | "consent-give"
  | "consent-refuse"
  | "consent-withdraw"
  | "fulfil-choose"
  | "fulfil-none"
  | "listen"
  | "allow-browser"
  | "ask-more-time"
  | "extension-approve"
  | "extension-refuse"
  | "download";

/** A notice as the core built it for one viewer: what it says, and what that viewer may do. */
export type Notice = NoticeBody & {
  /** The actions this viewer may take now, in the order they are offered; empty when none. */
  actions: readonly NoticeAction[];
};

/** What a notice says, before it is built for a viewer. */
export type NoticeBody =
  /** To the requester: the request is in, and who has been asked. */
  | { kind: "request-submitted"; request: RequestView }
  /** To an authoriser: please decide. Kept up to date in place afterwards. */
  | { kind: "approval-needed"; request: RequestView }
  /** To an authoriser, again, when a request has waited too long. */
  | { kind: "approval-reminder"; request: RequestView }
  /** To the requester: approved, denied, refused consent, not found, expired. */
  | { kind: "request-outcome"; request: RequestView }
  /** To the recorded employee, where the purpose needs their consent. */
  | { kind: "consent-needed"; request: RequestView }
  /** To a fulfiller: pick the right recording from these (metadata only). */
  | { kind: "fulfilment-needed"; request: RequestView; candidates: CandidateView[] }
  /** To the requester alone: the playback link. */
  | { kind: "access-granted"; request: RequestView; playbackUrl: string; expiresAt: Date }
  /** To the requester: the call log entries they asked for. */
  | { kind: "call-log-ready"; request: RequestView; calls: CandidateView[] }
  /**
   * To the requester: their playback link was opened in a browser it is not
   * bound to (a forwarded link, or their own other device). One button allows
   * that browser for one open (confirm-playback-browser.ts).
   */
  | { kind: "playback-browser-pending"; request: RequestView; grantId: string; pendingId: string; seenAtText: string; browserText: string }
  /** To the requester: access has expired or been revoked. */
  | { kind: "access-ended"; request: RequestView; reason: "expired" | "revoked" }
  /** To an authoriser: the requester asks for more time. Kept up to date in place. */
  | { kind: "extension-needed"; request: RequestView; extension: ExtensionView }
  /** To the requester: more time was given (a new link follows) or refused. */
  | { kind: "extension-outcome"; request: RequestView; extension: ExtensionView }
  /**
   * To the DPO (and the requester): a notice could not be delivered to
   * someone. `waiting`: they have not installed or written to the bot yet, and
   * it will be delivered when they do; otherwise the platform refused it.
   */
  | { kind: "delivery-failed"; request: RequestView | null; recipientName: string; noticeKind: string; waiting?: boolean }
  /**
   * To a DPO, authoriser or requester: news about a compliance record (a
   * subject access deadline near, a covert monitoring review due, consent
   * withdrawn). Plain lines, written by the core, never a full phone number.
   */
  | { kind: "compliance-notice"; title: string; lines: string[] }
  /** To one person: a file made for them (export, report, bundle, form), by a time-limited link. */
  | { kind: "file-ready"; title: string; fileName: string; sizeText: string; url: string; expiresAt: Date; expiresAtText: string };

/** One catalogue entry as shown to a fulfiller or requester: no audio, number masked. */
export interface CandidateView {
  recordingId: string;
  callId: string;
  startedAt: Date;
  startedAtText: string;
  durationSeconds: number;
  direction: string;
  maskedNumber: string;
  extension: string | null;
  siteName: string | null;
  hasAudio: boolean;
}

/** A request for more time with a recording, as authorisers and the requester see it. */
export interface ExtensionView {
  id: string;
  status: "PENDING" | "APPROVED" | "DENIED";
  reason: string;
  requesterName: string;
  askedAtText: string;
  decidedByName: string | null;
  decidedAtText: string | null;
  decisionReason: string | null;
}

/** Notices whose message is kept and updated in place as the request moves on. */
export const UPDATABLE_NOTICES: ReadonlySet<NoticeKind> = new Set(["approval-needed", "consent-needed", "fulfilment-needed", "extension-needed"]);
