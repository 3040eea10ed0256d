/**
 * The steps after a request is authorised, shared by the commands that can
 * complete authorisation (a decision, a consent) or fulfilment (a fulfiller's
 * choice). Each runs inside its caller's transaction.
 */
import type { Prisma, Recording } from "../../generated/prisma/client.ts";
import type { CoreContext, Tx } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { formatDateTime } from "../format.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import type { CandidateView } from "../notify/notices.ts";
import { maskPhoneNumber } from "../phone.ts";
import { findPerson, peopleNamed, peopleWithRoles, purposeById } from "../policy/access.ts";
import type { Policy } from "../policy/schema.ts";
import { issuePlaybackGrant } from "../playback/issue-playback-grant.ts";
import { isDisclosureRequest, releaseDisclosure } from "../disclosure/release-disclosure.ts";
import { recorderMayComplete } from "../disclosure/disclosure-decision.ts";
import { moveRequest } from "./request-lifecycle.ts";
import type { RequestWithDecisions } from "./load-request.ts";

/** The most candidates a fulfiller is shown; more means the request is too vague. */
export const MAX_CANDIDATES = 20;

/**
 * A request that says which call it was only by the names of its parties
 * (`requesting.callNumber: if-known`), or a disclosure form only by the
 * call's day and time (`disclosure.callNumber: if-known`): no number, no
 * extension, not the requester's own calls. Such a call is always picked by
 * a fulfiller.
 */
export function identifiedByPartiesOnly(policy: Policy, request: Pick<RequestWithDecisions, "purposeId" | "externalNumber" | "extension">): boolean {
  return !request.externalNumber && !request.extension && !purposeById(policy, request.purposeId).ownCallsOnly;
}

/**
 * Catalogue entries that fit what the requester said about the call. Where
 * only the parties identify it, the calls of the staff they name (by the
 * catalogue's member of staff or their extensions) come first; if none of
 * those is in the window, every call in it is shown for the fulfiller to
 * pick from.
 */
export async function findCandidates(db: Tx, policy: Policy, request: RequestWithDecisions): Promise<Recording[]> {
  const purpose = purposeById(policy, request.purposeId);
  const where: Prisma.RecordingWhereInput = {
    startedAt: { gte: request.windowStart, lte: request.windowEnd },
    ...(request.siteId ? { siteId: request.siteId } : {}),
    ...(request.direction ? { direction: request.direction } : {}),
    ...(request.externalNumber ? { externalNumber: request.externalNumber } : {}),
    ...(request.extension ? { extension: request.extension } : {}),
    ...(request.type === "RECORDING" ? { blobName: { not: null } } : {}),
  };
  if (purpose.ownCallsOnly) {
    const requester = findPerson(policy, request.requesterEmail);
    where.OR = [{ staffEmail: request.requesterEmail }, { extension: { in: requester?.extensions ?? [] } }];
  }
  const search = (w: Prisma.RecordingWhereInput) => db.recording.findMany({ where: w, orderBy: { startedAt: "asc" }, take: MAX_CANDIDATES + 1 });
  const named = identifiedByPartiesOnly(policy, request) ? peopleNamed(policy, request.parties) : [];
  if (named.length > 0) {
    const theirs = await search({ ...where, OR: [{ staffEmail: { in: named.map((p) => p.email) } }, { extension: { in: named.flatMap((p) => p.extensions) } }] });
    if (theirs.length > 0) return theirs;
  }
  return search(where);
}

export function candidateView(policy: Policy, r: Recording): CandidateView {
  return {
    recordingId: r.id,
    callId: r.callId,
    startedAt: r.startedAt,
    startedAtText: formatDateTime(r.startedAt, policy.organisation.timeZone),
    durationSeconds: r.durationSeconds,
    direction: r.direction.toLowerCase(),
    maskedNumber: maskPhoneNumber(r.externalNumber),
    extension: r.extension,
    siteName: policy.sites.find((s) => s.id === r.siteId)?.name ?? null,
    hasAudio: r.blobName !== null,
  };
}

/** Authorisation is complete: ask for consent if the purpose needs it, else fulfil. */
export async function afterAuthorisation(tx: Tx, ctx: CoreContext, request: RequestWithDecisions, now: Date): Promise<void> {
  const purpose = purposeById(ctx.policy, request.purposeId);
  if (purpose.consent === "recorded-employee" && request.employeeEmail) {
    await moveRequest(tx, request, { status: "AWAITING_CONSENT", decidedAt: now });
    await appendAudit(tx, { at: now, actor: "system", action: "consent.requested", subjectType: "request", subjectId: request.id, requestId: request.id, purposeId: request.purposeId, details: { employee: request.employeeEmail } });
    await enqueueNotices(tx, now, [
      { to: request.employeeEmail, kind: "consent-needed", requestId: request.id },
      { to: "system", kind: "refresh-messages", requestId: request.id },
    ]);
    return;
  }
  await beginFulfilment(tx, ctx, request, now, { decidedAt: now });
}

/**
 * Matches the request to a recording: automatically when the policy allows it
 * and exactly one candidate fits (and the request gave a number or an
 * extension), otherwise by asking the fulfillers.
 */
export async function beginFulfilment(tx: Tx, ctx: CoreContext, request: RequestWithDecisions, now: Date, extra: { decidedAt?: Date } = {}): Promise<void> {
  const candidates = await findCandidates(tx, ctx.policy, request);
  // A call known only by its day and the names of its parties is never matched by Callgate alone: names are not in the catalogue's details.
  const byParties = identifiedByPartiesOnly(ctx.policy, request);
  if (ctx.policy.fulfilment.mode === "automatic" && candidates.length === 1 && !byParties) {
    await completeFulfilment(tx, ctx, request, candidates[0]!, "system", now, extra);
    return;
  }
  await moveRequest(tx, request, { status: "AWAITING_FULFILMENT", ...extra });
  const recorderCompletes = await recorderMayComplete(tx, ctx.policy, request, request.requesterEmail);
  const fulfillers = peopleWithRoles(ctx.policy, ctx.policy.fulfilment.roles, request.siteId).filter((p) => p.email !== request.requesterEmail || recorderCompletes);
  await appendAudit(tx, { at: now, actor: "system", action: "request.awaiting-fulfilment", subjectType: "request", subjectId: request.id, requestId: request.id, purposeId: request.purposeId, details: { candidates: Math.min(candidates.length, MAX_CANDIDATES), fulfillers: fulfillers.map((f) => f.email), ...(byParties ? { identifiedBy: isDisclosureRequest(request) ? "date-and-time" : "parties" } : {}) } });
  await enqueueNotices(tx, now, [
    ...fulfillers.map((f) => ({ to: f.email, kind: "fulfilment-needed" as const, requestId: request.id })),
    { to: "system", kind: "refresh-messages", requestId: request.id },
  ]);
}

/** The recording is known: give the requester access, or the call log they asked for. */
export async function completeFulfilment(tx: Tx, ctx: CoreContext, request: RequestWithDecisions, recording: Recording, actor: string, now: Date, extra: { decidedAt?: Date } = {}): Promise<void> {
  await moveRequest(tx, request, { status: "FULFILLED", recordingId: recording.id, closedAt: now, ...extra });
  // Only a disclosure's recorder, where the policy lets them (recorderMayComplete), ever fulfils their own request; the entry says so.
  const byRecorder = actor === request.requesterEmail && isDisclosureRequest(request);
  await appendAudit(tx, { at: now, actor, action: "request.fulfilled", subjectType: "request", subjectId: request.id, requestId: request.id, purposeId: request.purposeId, details: { recordingId: recording.id, callId: recording.callId, type: request.type, ...(byRecorder ? { completedByRecorder: true } : {}) } });
  if (isDisclosureRequest(request)) {
    // A disclosure to a third party: the filled form, and the recording released as the form says.
    await releaseDisclosure(tx, ctx, request, recording, actor, now);
  } else if (request.type === "RECORDING") {
    await issuePlaybackGrant(tx, ctx, request, recording, actor, now);
  } else {
    await enqueueNotices(tx, now, [{ to: request.requesterEmail, kind: "call-log-ready", requestId: request.id, payload: { recordingIds: [recording.id] } }]);
  }
  await enqueueNotices(tx, now, [{ to: "system", kind: "refresh-messages", requestId: request.id }]);
}
