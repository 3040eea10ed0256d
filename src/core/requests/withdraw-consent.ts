/**
 * The recorded employee withdraws the consent they gave for training use of
 * a call (seed 003: training use needs the employee's prior consent, so it
 * ends when they take it back). Only that employee may, and only after
 * consenting. In one transaction: the consent is marked withdrawn; the
 * request stops (it ends as "did not consent", so nobody can still fulfil
 * it); every playback grant for it is revoked, so the link stops working at
 * once and cannot be extended; pending requests for more time are refused;
 * the requester is told and every message about the request is refreshed.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { formatDateTime } from "../format.ts";
import { enqueueNotices, type NoticeOrder } from "../notify/enqueue-notices.ts";
import { personByEmail } from "../policy/access.ts";
import { lockRequest, moveRequest, type RequestStatus } from "./request-lifecycle.ts";
import { loadRequestView, type RequestView } from "./request-view.ts";
import { withRefusalAudit } from "../guards.ts";

export interface WithdrawConsentInput {
  requestId: string;
  employeeEmail: string;
}

/** Request states in which withdrawing consent stops something still going on. */
const STOPPABLE: readonly RequestStatus[] = ["AWAITING_FULFILMENT", "FULFILLED"];

/**
 * Whether the employee's consent is in use, so chat should offer "Withdraw
 * consent": a consent purpose reaches these states only through a given
 * consent, and withdrawing moves the request on to "did not consent".
 */
export function consentInUse(request: Pick<RequestView, "status">): boolean {
  return STOPPABLE.includes(request.status);
}

const WITHDRAWN_REASON = "The member of staff on the call withdrew their consent.";

export async function withdrawConsent(ctx: CoreContext, input: WithdrawConsentInput): Promise<RequestView> {
  return withRefusalAudit(ctx, { actorEmail: input.employeeEmail, action: "request.refused", command: "withdraw-consent", requestId: input.requestId }, () => attemptWithdrawConsent(ctx, input));
}

async function attemptWithdrawConsent(ctx: CoreContext, input: WithdrawConsentInput): Promise<RequestView> {
  const employee = personByEmail(ctx.policy, input.employeeEmail);
  const tz = ctx.policy.organisation.timeZone;
  const requestId = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const request = await lockRequest(tx, input.requestId);
    if (request.employeeEmail !== employee.email) throw new AppError("FORBIDDEN", "Only the member of staff on the call can withdraw consent for it.");
    const consent = await tx.consent.findUnique({ where: { requestId: request.id } });
    if (!consent || !consent.given) throw new AppError("WRONG_STATE", `You have not consented to ${request.reference}, so there is no consent to withdraw.`);
    if (consent.withdrawnAt) throw new AppError("ALREADY_DONE", `You already withdrew your consent to ${request.reference} on ${formatDateTime(consent.withdrawnAt, tz)}.`);

    const { count } = await tx.consent.updateMany({ where: { requestId: request.id, withdrawnAt: null }, data: { withdrawnAt: now } });
    if (count !== 1) throw new AppError("CONFLICT", `Your consent to ${request.reference} changed while you were acting on it. Please look again.`);
    const stopped = STOPPABLE.includes(request.status);
    if (stopped) await moveRequest(tx, request, { status: "CONSENT_REFUSED", closedAt: request.closedAt ?? now });

    // Every grant ends, not only live ones: an expired grant could otherwise be extended.
    const grants = await tx.playbackGrant.findMany({ where: { requestId: request.id, revokedAt: null } });
    let revokedLive = 0;
    const notices: NoticeOrder[] = [];
    for (const grant of grants) {
      const live = grant.expiresAt > now;
      const claimed = await tx.playbackGrant.updateMany({ where: { id: grant.id, revokedAt: null }, data: { revokedAt: now, revokedBy: employee.email, endedNotifiedAt: grant.endedNotifiedAt ?? now } });
      if (claimed.count !== 1) continue;
      await appendAudit(tx, { at: now, actor: employee.email, action: "grant.revoked", subjectType: "grant", subjectId: grant.id, requestId: request.id, purposeId: request.purposeId, details: { reason: WITHDRAWN_REASON, wasLive: live } });
      if (live) {
        revokedLive++;
        notices.push({ to: grant.requesterEmail, kind: "access-ended", requestId: request.id, payload: { reason: "revoked" } });
      }
    }
    const pending = await tx.accessExtension.findMany({ where: { requestId: request.id, status: "PENDING" }, select: { id: true, requesterEmail: true } });
    for (const extension of pending) {
      const refused = await tx.accessExtension.updateMany({ where: { id: extension.id, status: "PENDING" }, data: { status: "DENIED", decidedBy: employee.email, decidedAt: now, decisionReason: WITHDRAWN_REASON } });
      if (refused.count !== 1) continue;
      await appendAudit(tx, { at: now, actor: employee.email, action: "extension.denied", subjectType: "extension", subjectId: extension.id, requestId: request.id, purposeId: request.purposeId, details: { reason: WITHDRAWN_REASON } });
      notices.push({ to: extension.requesterEmail, kind: "extension-outcome", requestId: request.id, payload: { extensionId: extension.id } });
    }

    await appendAudit(tx, {
      at: now,
      actor: employee.email,
      action: "consent.withdrawn",
      subjectType: "request",
      subjectId: request.id,
      requestId: request.id,
      purposeId: request.purposeId,
      details: { reference: request.reference, was: request.status, requestStopped: stopped, grantsRevoked: revokedLive, extensionsRefused: pending.length },
    });
    const lines = [
      `${employee.name} has withdrawn their consent to the use of the recording for ${request.reference}.`,
      revokedLive > 0 ? "Your playback link has stopped working." : stopped ? "The recording will not be shared with you." : "Nothing more will be shared for this request.",
      "Please do not use the recording, or anything taken from it, for training.",
    ];
    await enqueueNotices(tx, now, [
      ...notices,
      { to: request.requesterEmail, kind: "compliance-notice", requestId: request.id, payload: { title: `Consent withdrawn for ${request.reference}`, lines } },
      { to: "system", kind: "refresh-messages", requestId: request.id },
    ]);
    return request.id;
  });
  return loadRequestView(ctx.db, ctx.policy, requestId);
}
