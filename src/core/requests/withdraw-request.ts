/** The requester withdraws a request that is still open. */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { personByEmail } from "../policy/access.ts";
import { lockRequest, moveRequest, OPEN_STATUSES } from "./request-lifecycle.ts";
import { loadRequestView, type RequestView } from "./request-view.ts";
import { withRefusalAudit } from "../guards.ts";

export async function withdrawRequest(ctx: CoreContext, input: { requestId: string; requesterEmail: string }): Promise<RequestView> {
  return withRefusalAudit(ctx, { actorEmail: input.requesterEmail, action: "request.refused", command: "withdraw-request", requestId: input.requestId }, () => attemptWithdrawRequest(ctx, input));
}

async function attemptWithdrawRequest(ctx: CoreContext, input: { requestId: string; requesterEmail: string }): Promise<RequestView> {
  const person = personByEmail(ctx.policy, input.requesterEmail);
  const requestId = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const request = await lockRequest(tx, input.requestId);
    if (request.requesterEmail !== person.email) throw new AppError("FORBIDDEN", "Only the person who made a request can withdraw it.");
    if (!OPEN_STATUSES.includes(request.status)) throw new AppError("ALREADY_DECIDED", `Request ${request.reference} is already closed.`);
    await moveRequest(tx, request, { status: "WITHDRAWN", closedAt: now });
    await appendAudit(tx, { at: now, actor: person.email, action: "request.withdrawn", subjectType: "request", subjectId: request.id, requestId: request.id, purposeId: request.purposeId, details: { reference: request.reference } });
    await enqueueNotices(tx, now, [{ to: "system", kind: "refresh-messages", requestId: request.id }]);
    return request.id;
  });
  return loadRequestView(ctx.db, ctx.policy, requestId);
}
