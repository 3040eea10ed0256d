/**
 * Ends a playback grant at once. The DPO may revoke any grant; the people who
 * could authorise the request may revoke its grants. The playback page and
 * its audio check the grant on every request, so the next page load and the
 * next audio request are refused (see stream-playback-audio.ts).
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { authorisersFor, isDpo, personByEmail, purposeById } from "../policy/access.ts";
import { parseRequestKey } from "../requests/load-request.ts";
import { cleanFreeText } from "../validation.ts";
import { withRefusalAudit } from "../guards.ts";

export interface RevokeGrantInput {
  /** A grant id, or a request reference/id to revoke all its live grants. */
  grantOrRequestId: string;
  actorEmail: string;
  reason: string;
}

export async function revokeGrant(ctx: CoreContext, input: RevokeGrantInput): Promise<{ revoked: number }> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "grant.refused", command: "revoke-grant", reference: input.grantOrRequestId }, () => attemptRevokeGrant(ctx, input));
}

async function attemptRevokeGrant(ctx: CoreContext, input: RevokeGrantInput): Promise<{ revoked: number }> {
  const actor = personByEmail(ctx.policy, input.actorEmail);
  const reason = cleanFreeText(input.reason, "reason");
  if (reason.length < 5) throw new AppError("REASON_REQUIRED", "Please give a reason for revoking access.", "reason");
  return transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const key = input.grantOrRequestId.trim();
    const parsed = parseRequestKey(key);
    const grants = await tx.playbackGrant.findMany({
      where: { revokedAt: null, expiresAt: { gt: now }, OR: "id" in parsed ? [{ id: parsed.id }, { requestId: parsed.id }] : [{ request: { reference: parsed.reference } }] },
      include: { request: true },
    });
    if (grants.length === 0) throw new AppError("NOT_FOUND", `There is no live playback access for ${key.slice(0, 40)}.`);
    let revoked = 0;
    for (const grant of grants) {
      const purpose = purposeById(ctx.policy, grant.request.purposeId);
      const mayRevoke = isDpo(ctx.policy, actor) || authorisersFor(ctx.policy, purpose, grant.request.siteId).some((p) => p.email === actor.email);
      if (!mayRevoke) throw new AppError("FORBIDDEN", "Only the Data Protection Officer or the request's authorisers can revoke access.");
      const { count } = await tx.playbackGrant.updateMany({ where: { id: grant.id, revokedAt: null }, data: { revokedAt: now, revokedBy: actor.email, endedNotifiedAt: now } });
      // Someone else revoked it a moment ago: theirs is the entry that counts.
      if (count !== 1) continue;
      revoked++;
      await appendAudit(tx, { at: now, actor: actor.email, action: "grant.revoked", subjectType: "grant", subjectId: grant.id, requestId: grant.requestId, purposeId: grant.request.purposeId, details: { reason } });
      await enqueueNotices(tx, now, [
        { to: grant.requesterEmail, kind: "access-ended", requestId: grant.requestId, payload: { reason: "revoked" } },
        { to: "system", kind: "refresh-messages", requestId: grant.requestId },
      ]);
    }
    return { revoked };
  });
}
