/**
 * The requester asks for more time with a recording, before or after their
 * access ends. The request goes back to the people who could authorise the
 * original request; until one of them decides, nothing changes.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { authorisersFor, findPerson, personByEmail, purposeById } from "../policy/access.ts";
import { lockRequest } from "../requests/request-lifecycle.ts";
import { cleanFreeText } from "../validation.ts";
import { withRefusalAudit } from "../guards.ts";

export interface RequestAccessExtensionInput {
  requestId: string;
  requesterEmail: string;
  reason: string;
}

export const MIN_EXTENSION_REASON = 10;

export async function requestAccessExtension(ctx: CoreContext, input: RequestAccessExtensionInput): Promise<{ extensionId: string }> {
  return withRefusalAudit(ctx, { actorEmail: input.requesterEmail, action: "extension.refused", command: "request-access-extension", requestId: input.requestId }, () => attemptRequestAccessExtension(ctx, input));
}

async function attemptRequestAccessExtension(ctx: CoreContext, input: RequestAccessExtensionInput): Promise<{ extensionId: string }> {
  const requester = personByEmail(ctx.policy, input.requesterEmail);
  const reason = cleanFreeText(input.reason, "reason").slice(0, 2000);
  if (reason.length < MIN_EXTENSION_REASON) {
    throw new AppError("REASON_TOO_SHORT", `Please say why you need more time (at least ${MIN_EXTENSION_REASON} characters).`, "reason");
  }
  return transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const request = await lockRequest(tx, input.requestId);
    if (request.requesterEmail !== requester.email) throw new AppError("FORBIDDEN", "Only the person who made the request can ask for more time.");
    const grant = await tx.playbackGrant.findFirst({ where: { requestId: request.id }, orderBy: { issuedAt: "desc" } });
    if (!grant) throw new AppError("WRONG_STATE", `Request ${request.reference} has no playback access to extend.`);
    if (grant.revokedAt) {
      const by = grant.revokedBy ? findPerson(ctx.policy, grant.revokedBy)?.name ?? grant.revokedBy : "an authoriser";
      throw new AppError("FORBIDDEN", `Access to ${request.reference} was revoked by ${by}, so it cannot be extended. Speak to them if you still need it.`);
    }
    const pending = await tx.accessExtension.findFirst({ where: { grantId: grant.id, status: "PENDING" } });
    if (pending) throw new AppError("ALREADY_DONE", `You have already asked for more time with ${request.reference}; the authorisers have been told.`);

    const extension = await tx.accessExtension.create({ data: { grantId: grant.id, requestId: request.id, requesterEmail: requester.email, reason, createdAt: now } });
    const authorisers = authorisersFor(ctx.policy, purposeById(ctx.policy, request.purposeId), request.siteId).filter((p) => p.email !== requester.email);
    await appendAudit(tx, { at: now, actor: requester.email, action: "extension.requested", subjectType: "extension", subjectId: extension.id, requestId: request.id, purposeId: request.purposeId, details: { grantId: grant.id, reason } });
    await enqueueNotices(tx, now, authorisers.map((a) => ({ to: a.email, kind: "extension-needed" as const, requestId: request.id, payload: { extensionId: extension.id } })));
    return { extensionId: extension.id };
  });
}
