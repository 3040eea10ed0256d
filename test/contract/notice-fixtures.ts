/**
 * One of every Notice, built by the core's own view builder from plain rows
 * (no database), for contract and rendering tests of any chat platform.
 * Includes the awkward cases: the longest reason the core accepts, text full
 * of markup, a decided request, progress on two approvals, and the
 * authorisation shapes (an approval note asked for and given, the member of
 * staff a request concerns, a request the requester's own role authorised).
 */
import { noticeFor } from "../../src/core/notify/notice-actions.ts";
import type { CandidateView, ExtensionView, Notice, NoticeBody } from "../../src/core/notify/notices.ts";
import type { RequestWithDecisions } from "../../src/core/requests/load-request.ts";
import { buildRequestView, type RequestView } from "../../src/core/requests/request-view.ts";
import { authorisationShapesPolicy } from "../support/authorisation-shapes-policy.ts";
import { P } from "../support/test-policy.ts";

const policy = authorisationShapesPolicy();
const AT = new Date("2026-11-20T12:00:00Z");

let n = 0;
export function requestView(over: Partial<RequestWithDecisions> = {}): RequestView {
  n++;
  const row: RequestWithDecisions = {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    reference: `CG-${String(n).padStart(6, "0")}`,
    submissionKey: null,
    requesterEmail: P.requester,
    purposeId: "safeguarding",
    type: "RECORDING",
    status: "PENDING_APPROVAL",
    siteId: "north",
    windowStart: new Date("2026-11-19T14:00:00Z"),
    windowEnd: new Date("2026-11-19T15:00:00Z"),
    direction: "INBOUND",
    externalNumber: "+442079460001",
    extension: "102",
    parties: "Mrs Smith (parent) and the office manager",
    reason: "Parent reported an abusive call to the office",
    employeeEmail: null,
    concernsEmail: null,
    selfAuthorisedRole: null,
    recordingId: null,
    createdAt: AT,
    decidedAt: null,
    closedAt: null,
    lastRemindedAt: null,
    decisions: [],
    ...over,
  };
  return buildRequestView(policy, row);
}

const decision = (email: string, outcome: "APPROVED" | "DENIED", reason: string | null = null, note: string | null = null) => ({ id: `d-${email}`, requestId: "r", deciderEmail: email, outcome, reason, note, decidedAt: AT });

export const candidate = (i: number): CandidateView => ({
  recordingId: `10000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  callId: `call-${i}`,
  startedAt: new Date(AT.getTime() - i * 60_000),
  startedAtText: "Thu 19 Nov 2026, 14:35",
  durationSeconds: 125,
  direction: "inbound",
  maskedNumber: "+44 •••••••001",
  extension: "102",
  siteName: "North Academy",
  hasAudio: true,
});

const extension = (status: "PENDING" | "APPROVED" | "DENIED"): ExtensionView => ({
  id: `40000000-0000-4000-8000-00000000000${status === "PENDING" ? 1 : status === "APPROVED" ? 2 : 3}`,
  status,
  reason: "The investigation meeting moved to next week",
  requesterName: "Ben Hughes",
  askedAtText: "Fri 27 Nov 2026, 12:00",
  decidedByName: status === "PENDING" ? null : "Amara Okafor",
  decidedAtText: status === "PENDING" ? null : "Fri 27 Nov 2026, 13:00",
  decisionReason: status === "DENIED" ? "The hearing is over" : null,
});

/**
 * The person each notice is for, as the outbox would address it: an
 * authoriser the request still needs (the DPO once the CEO has approved a
 * two-approval request), the employee asked for consent, the fulfiller, the
 * requester, the DPO.
 */
export function viewerOf(body: NoticeBody): string {
  switch (body.kind) {
    case "approval-needed":
    case "approval-reminder":
      return body.request.status === "PENDING_APPROVAL" && body.request.decisions.some((d) => d.email === P.ceo) ? P.dpo : P.ceo;
    case "extension-needed":
      return P.ceo;
    case "consent-needed":
      return body.request.employee?.email ?? P.staff;
    case "fulfilment-needed":
      return P.it;
    case "delivery-failed":
    case "compliance-notice":
    case "file-ready":
      return P.dpo;
    default:
      return body.request.requester.email;
  }
}

/** The notice as the core builds it for `viewer` (by default the person it is for, viewerOf). */
export function built(body: NoticeBody, viewer = viewerOf(body)): Notice {
  return noticeFor(policy, body, viewer);
}

/** Every notice kind, with hostile and maximal variants, each built for the person it is for. */
export function everyNotice(): Notice[] {
  return everyNoticeWithActions().map((n) => n.notice);
}

/**
 * Every notice with the actions its recipient must be offered on every
 * platform, by their words: the parity table the contract holds Slack and
 * Teams to. "Choose the call" is Slack's select and Teams' choice with its
 * button; a panel's own submit button (Teams' "Deny the request") is not a
 * separate action.
 */
export function everyNoticeWithActions(): Array<{ notice: Notice; viewer: string; actions: string[] }> {
  const fulfilled = requestView({ status: "FULFILLED", decisions: [decision(P.ceo, "APPROVED")] });
  const bodies: Array<{ notice: NoticeBody; actions: string[] }> = everyNoticeOnly().map((notice) => ({ notice, actions: actionsFor(notice) }));
  bodies.push(
    // Once the recording is delivered, an authoriser can end the requester's access.
    { notice: { kind: "approval-needed", request: fulfilled }, actions: ["Revoke access"] },
    { notice: { kind: "extension-needed", request: fulfilled, extension: extension("PENDING") }, actions: ["Give more time", "Refuse"] },
    { notice: { kind: "extension-needed", request: fulfilled, extension: extension("DENIED") }, actions: [] },
    { notice: { kind: "extension-outcome", request: fulfilled, extension: extension("APPROVED") }, actions: [] },
    { notice: { kind: "extension-outcome", request: fulfilled, extension: extension("DENIED") }, actions: [] },
  );
  return bodies.map(({ notice, actions }) => ({ notice: built(notice), viewer: viewerOf(notice), actions }));
}

function actionsFor(notice: NoticeBody): string[] {
  switch (notice.kind) {
    case "approval-needed":
    case "approval-reminder":
      return notice.request.status === "PENDING_APPROVAL" ? ["Approve", "Deny"] : [];
    case "consent-needed":
      return notice.request.status === "AWAITING_CONSENT" ? ["I consent", "I do not consent"] : ["Withdraw consent"];
    case "fulfilment-needed":
      return notice.candidates.length ? ["Choose the call", "None of these"] : ["None of these"];
    case "access-granted":
      return ["Listen to the recording"];
    case "playback-browser-pending":
      return ["Allow this browser"];
    case "access-ended":
      return notice.reason === "expired" ? ["Ask for more time"] : [];
    case "file-ready":
      return ["Download"];
    default:
      return [];
  }
}

function everyNoticeOnly(): NoticeBody[] {
  const pending = requestView();
  const hostile = requestView({ reason: `<!channel> <https://evil.example|click here> & *bold* ${"x".repeat(1900)}`, parties: "<@U123> & co".repeat(40) });
  const twoOfTwo = requestView({ purposeId: "disciplinary", decisions: [decision(P.ceo, "APPROVED")] });
  const denied = requestView({ status: "DENIED", decisions: [decision(P.northHead, "DENIED", "Use the complaints procedure")] });
  const consent = requestView({ purposeId: "training", status: "AWAITING_CONSENT", employeeEmail: P.staff, decisions: [decision(P.northHead, "APPROVED")] });
  const fulfil = requestView({ status: "AWAITING_FULFILMENT", decisions: [decision(P.ceo, "APPROVED")] });
  const done = requestView({ status: "FULFILLED", decisions: [decision(P.ceo, "APPROVED")] });
  const noteAsked = requestView({ purposeId: "disciplinary-release", concernsEmail: P.staff });
  const noteGiven = requestView({ purposeId: "disciplinary-release", status: "FULFILLED", concernsEmail: P.staff, decisions: [decision(P.ceo, "APPROVED", null, `<!channel> *agreed* & minuted ${"n".repeat(1900)}`)] });
  const ownDecision = requestView({ purposeId: "slt-decision", status: "AWAITING_FULFILMENT", selfAuthorisedRole: "Senior Leadership Team" });
  return [
    { kind: "request-submitted", request: pending },
    { kind: "request-submitted", request: ownDecision },
    { kind: "approval-needed", request: noteAsked },
    { kind: "request-outcome", request: noteGiven },
    { kind: "fulfilment-needed", request: ownDecision, candidates: [candidate(1)] },
    { kind: "approval-needed", request: pending },
    { kind: "approval-needed", request: hostile },
    { kind: "approval-needed", request: twoOfTwo },
    { kind: "approval-needed", request: denied },
    { kind: "approval-reminder", request: pending },
    { kind: "request-outcome", request: denied },
    { kind: "request-outcome", request: done },
    { kind: "consent-needed", request: consent },
    // Once consent is given and in use, the employee's message offers to withdraw it.
    { kind: "consent-needed", request: requestView({ purposeId: "training", status: "FULFILLED", employeeEmail: P.staff, decisions: [decision(P.northHead, "APPROVED")] }) },
    { kind: "fulfilment-needed", request: fulfil, candidates: Array.from({ length: 20 }, (_, i) => candidate(i)) },
    { kind: "fulfilment-needed", request: fulfil, candidates: [] },
    { kind: "access-granted", request: done, playbackUrl: "https://callgate.test/play/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", expiresAt: new Date("2026-11-27T12:00:00Z") },
    { kind: "call-log-ready", request: done, calls: [candidate(1)] },
    {
      kind: "playback-browser-pending",
      request: done,
      grantId: "20000000-0000-4000-8000-000000000001",
      pendingId: "30000000-0000-4000-8000-000000000001",
      seenAtText: "Fri 20 Nov 2026, 12:05",
      browserText: "Chrome on Windows",
    },
    { kind: "access-ended", request: done, reason: "expired" },
    { kind: "access-ended", request: done, reason: "revoked" },
    { kind: "delivery-failed", request: pending, recipientName: "Grace Lee", noticeKind: "approval-needed" },
    { kind: "delivery-failed", request: null, recipientName: "Grace Lee", noticeKind: "approval-needed" },
    { kind: "compliance-notice", title: "Subject access request SAR-000004 is due in 7 days", lines: ["Reply to Jo Bloggs by Monday 7 December 2026.", "3 recordings are on hold for it."] },
    {
      kind: "file-ready",
      title: "Audit export",
      fileName: "callgate-audit-2026-11.csv",
      sizeText: "12 KB",
      url: "https://callgate.example.org/files/abc123",
      expiresAt: new Date("2026-11-23T12:00:00Z"),
      expiresAtText: "Monday 23 November 2026, 12:00",
    },
  ];
}
