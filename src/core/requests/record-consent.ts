/**
 * The recorded employee answers a request that needs their consent (training
 * use). Only the employee the request names may answer, once.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { personByEmail } from "../policy/access.ts";
import { beginFulfilment } from "./fulfilment-steps.ts";
import { lockRequest, moveRequest } from "./request-lifecycle.ts";
import { loadRequestView, type RequestView } from "./request-view.ts";
import { withRefusalAudit } from "../guards.ts";

export interface RecordConsentInput {
  requestId: string;
  employeeEmail: string;
  given: boolean;
}

export async function recordConsent(ctx: CoreContext, input: RecordConsentInput): Promise<RequestView> {
  return withRefusalAudit(ctx, { actorEmail: input.employeeEmail, action: "request.refused", command: "record-consent", requestId: input.requestId }, () => attemptRecordConsent(ctx, input));
}

async function attemptRecordConsent(ctx: CoreContext, input: RecordConsentInput): Promise<RequestView> {
  const employee = personByEmail(ctx.policy, input.employeeEmail);
  const requestId = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const request = await lockRequest(tx, input.requestId);
    if (request.employeeEmail !== employee.email) throw new AppError("FORBIDDEN", `Only the member of staff on the call can answer this consent request.`);
    if (request.status !== "AWAITING_CONSENT") throw new AppError("ALREADY_DECIDED", `Request ${request.reference} is no longer waiting for your consent.`);
    await tx.consent.create({ data: { requestId: request.id, employeeEmail: employee.email, given: input.given, answeredAt: now } });
    await appendAudit(tx, { at: now, actor: employee.email, action: input.given ? "consent.given" : "consent.refused", subjectType: "request", subjectId: request.id, requestId: request.id, purposeId: request.purposeId, details: { reference: request.reference } });
    if (input.given) {
      await beginFulfilment(tx, ctx, request, now);
    } else {
      await moveRequest(tx, request, { status: "CONSENT_REFUSED", closedAt: now });
      await enqueueNotices(tx, now, [
        { to: request.requesterEmail, kind: "request-outcome", requestId: request.id },
        { to: "system", kind: "refresh-messages", requestId: request.id },
      ]);
    }
    return request.id;
  });
  return loadRequestView(ctx.db, ctx.policy, requestId);
}
