/**
 * Wording and choices both chat platforms show the same way. The platform
 * adapters decide only layout (Block Kit or Adaptive Cards); what a form
 * offers and what a message says lives here once.
 */
import type { CoreContext } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import type { CandidateView } from "../../core/notify/notices.ts";
import { dpoNames, requestablePurposes } from "../../core/policy/access.ts";
import type { Person } from "../../core/policy/schema.ts";
import type { RequestStatus } from "../../core/requests/request-lifecycle.ts";

/** One purpose as a request form offers it. */
export interface FormPurpose {
  id: string;
  label: string;
  reasonPrompt: string;
  needsConsent: boolean;
  requestTypes: readonly string[];
  /** Whether the form asks for the member of staff the request concerns (purpose.concernsStaffMember; none if left out). */
  concernsStaffMember?: "none" | "optional" | "required";
}

/**
 * Whether the form may leave the call's time out and offer a range of days
 * (requesting.callTime "if-known", requesting.maxRangeDays), as the policy says.
 */
export interface FormCallTime {
  timeOptional: boolean;
  /** 0: no "to" date is offered. */
  maxRangeDays: number;
  /** The number and the extension are asked for "if known": the parties' names may identify the call instead (requesting.callNumber). */
  numberIfKnown?: boolean;
}

export function formCallTime(ctx: CoreContext): FormCallTime {
  const { callTime, maxRangeDays, callNumber } = ctx.policy.requesting;
  return { timeOptional: callTime === "if-known", maxRangeDays, numberIfKnown: callNumber === "if-known" };
}

/** The purposes this person may use, as the core decides; FORBIDDEN if none. */
export function formPurposes(ctx: CoreContext, person: Person): FormPurpose[] {
  const purposes = requestablePurposes(ctx.policy, person).map((p) => ({
    id: p.id,
    label: p.label,
    reasonPrompt: p.reasonPrompt,
    needsConsent: p.consent === "recorded-employee",
    requestTypes: p.requestTypes,
    concernsStaffMember: p.concernsStaffMember,
  }));
  if (purposes.length === 0) {
    throw new AppError("FORBIDDEN", `You are not one of the people who can request recordings. Ask ${dpoNames(ctx.policy)} if you think you should be.`);
  }
  return purposes;
}

/** What a request's state means for the requester, in one sentence. */
export const OUTCOME_EXPLANATION: Record<RequestStatus, string> = {
  DENIED: "Your request was denied.",
  CONSENT_REFUSED: "The member of staff on the call did not consent, so the recording will not be shared.",
  NOT_FOUND: "Your request was authorised, but no call matching its details was found. You can make a new request with more precise details.",
  EXPIRED: "Nobody decided your request in time, so it has been closed. You can make a new request.",
  WITHDRAWN: "You withdrew this request.",
  FULFILLED: "Your request was authorised and the call has been found.",
  AWAITING_CONSENT: "Your request was authorised. The member of staff on the call has been asked for their consent.",
  AWAITING_FULFILMENT: "Your request was authorised. The matching call is being found; you will get the link here.",
  PENDING_APPROVAL: "Your request is still waiting for authorisation.",
};

/** One catalogue candidate on a line: when, how long, which way, masked number, extension, site. */
export function describeCandidate(c: CandidateView): string {
  const minutes = Math.floor(c.durationSeconds / 60);
  const seconds = String(c.durationSeconds % 60).padStart(2, "0");
  return [c.startedAtText, `${minutes}:${seconds} long`, c.direction, c.maskedNumber, c.extension ? `ext. ${c.extension}` : null, c.siteName, c.hasAudio ? null : "no audio"]
    .filter(Boolean)
    .join(" · ");
}

/** What a notice was, in words, for the people told it could not be delivered (never its internal kind). */
const NOTICE_DESCRIPTION: Record<string, string> = {
  "request-submitted": "the confirmation of their request",
  "approval-needed": "the request for their decision",
  "approval-reminder": "a reminder to decide",
  "request-outcome": "the outcome of their request",
  "consent-needed": "the request for their consent",
  "fulfilment-needed": "the request to find the recording",
  "access-granted": "their playback link",
  "call-log-ready": "the call log entry they asked for",
  "playback-browser-pending": "the question about another browser",
  "access-ended": "the news that their access has ended",
  "extension-needed": "a request for more time to decide on",
  "extension-outcome": "the answer to their request for more time",
  "compliance-notice": "a compliance notice",
  "file-ready": "a file made for them",
};

/**
 * Why a message did not reach someone, in plain words: still waiting for
 * them to open Callgate (it goes as soon as they do), or refused by the chat
 * service. The same on Slack and Teams.
 */
export function undeliveredExplanation(recipientName: string, noticeKind: string, waiting: boolean | undefined): string {
  const what = NOTICE_DESCRIPTION[noticeKind] ?? "a message";
  return waiting
    ? `It was ${what}. ${recipientName} has not opened Callgate in chat yet; it will be delivered as soon as they do. If it is urgent, ask them to open Callgate, or contact them another way.`
    : `It was ${what}. The chat service refused it. Please contact ${recipientName} another way.`;
}
