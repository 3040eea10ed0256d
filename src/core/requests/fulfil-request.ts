/**
 * A fulfiller (the IT manager, in most policies) picks the recording that
 * matches an authorised request from its metadata, without listening, or says
 * that no call matches. Never their own request, except the recorder of a
 * disclosure the policy lets them decide and complete
 * (`disclosure.recorderMayAuthorise`).
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { holdsRole, personByEmail } from "../policy/access.ts";
import { completeFulfilment, findCandidates } from "./fulfilment-steps.ts";
import { lockRequest, moveRequest } from "./request-lifecycle.ts";
import { loadRequestView, type RequestView } from "./request-view.ts";
import { withRefusalAudit } from "../guards.ts";
import { recorderMayComplete } from "../disclosure/disclosure-decision.ts";

export type FulfilRequestInput = { requestId: string; fulfillerEmail: string } & ({ recordingId: string } | { notFound: true });

export async function fulfilRequest(ctx: CoreContext, input: FulfilRequestInput): Promise<RequestView> {
  return withRefusalAudit(ctx, { actorEmail: input.fulfillerEmail, action: "fulfilment.refused", command: "fulfil-request", requestId: input.requestId }, () => attemptFulfilRequest(ctx, input));
}

async function attemptFulfilRequest(ctx: CoreContext, input: FulfilRequestInput): Promise<RequestView> {
  const fulfiller = personByEmail(ctx.policy, input.fulfillerEmail);
  const requestId = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const request = await lockRequest(tx, input.requestId);
    if (!holdsRole(ctx.policy, fulfiller, ctx.policy.fulfilment.roles, request.siteId)) {
      throw new AppError("FORBIDDEN", "Only the people the policy names to find recordings can do this.");
    }
    // Nobody fulfils their own request, except a disclosure's recorder where the policy lets them decide and complete it.
    if (fulfiller.email === request.requesterEmail && !(await recorderMayComplete(tx, ctx.policy, request, fulfiller.email))) throw new AppError("SELF_APPROVAL", "You cannot fulfil your own request.");
    if (request.status !== "AWAITING_FULFILMENT") throw new AppError("ALREADY_DECIDED", `Request ${request.reference} is not waiting for a recording to be found.`);

    if ("notFound" in input) {
      await moveRequest(tx, request, { status: "NOT_FOUND", closedAt: now });
      await appendAudit(tx, { at: now, actor: fulfiller.email, action: "request.not-found", subjectType: "request", subjectId: request.id, requestId: request.id, purposeId: request.purposeId, details: { reference: request.reference } });
      await enqueueNotices(tx, now, [
        { to: request.requesterEmail, kind: "request-outcome", requestId: request.id },
        { to: "system", kind: "refresh-messages", requestId: request.id },
      ]);
      return request.id;
    }
    const candidates = await findCandidates(tx, ctx.policy, request);
    const chosen = candidates.find((c) => c.id === input.recordingId);
    if (!chosen) throw new AppError("INVALID_INPUT", "That recording does not match the request's details. Choose one of the calls listed.", "recordingId");
    await completeFulfilment(tx, ctx, request, chosen, fulfiller.email, now);
    return request.id;
  });
  return loadRequestView(ctx.db, ctx.policy, requestId);
}
