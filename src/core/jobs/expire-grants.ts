/**
 * Scheduled: marks grants whose time is up and tells each requester that
 * access has ended. Safe to run on several instances at once: each grant is
 * claimed by a conditional update, so it is announced exactly once.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";

export async function expireGrants(ctx: CoreContext, options: { batchSize?: number } = {}): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db.playbackGrant.findMany({
    where: { expiresAt: { lte: now }, revokedAt: null, endedNotifiedAt: null },
    include: { request: { select: { purposeId: true } } },
    take: options.batchSize ?? 200,
  });
  let expired = 0;
  for (const grant of due) {
    const claimed = await transact(ctx, async (tx) => {
      const { count } = await tx.playbackGrant.updateMany({ where: { id: grant.id, endedNotifiedAt: null, revokedAt: null }, data: { endedNotifiedAt: now } });
      if (count !== 1) return false;
      await appendAudit(tx, { at: now, actor: "system", action: "grant.expired", subjectType: "grant", subjectId: grant.id, requestId: grant.requestId, purposeId: grant.request.purposeId, details: { expiresAt: grant.expiresAt.toISOString() } });
      await enqueueNotices(tx, now, [{ to: grant.requesterEmail, kind: "access-ended", requestId: grant.requestId, payload: { reason: "expired" } }]);
      return true;
    });
    if (claimed) expired++;
  }
  return expired;
}
