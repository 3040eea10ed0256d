/**
 * Scheduled: reminds authorisers of requests that have waited too long, and
 * closes those nobody decided within the policy's time-out. Each request is
 * claimed by a conditional update, so several instances never double-act.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { subtractDuration } from "../policy/duration.ts";
import { moveRequestIfUnchanged, OPEN_STATUSES } from "../requests/request-lifecycle.ts";
import { buildRequestView } from "../requests/request-view.ts";
import { disclosureAuthoriserEmails } from "../disclosure/disclosure-view.ts";

export async function chasePendingRequests(ctx: CoreContext): Promise<{ reminded: number; expired: number }> {
  const now = ctx.clock.now();
  const { remindAfter, expireAfter } = ctx.policy.requesting;
  let expired = 0;
  let reminded = 0;

  const stale = await ctx.db.recordingRequest.findMany({ where: { status: { in: [...OPEN_STATUSES] }, createdAt: { lte: subtractDuration(now, expireAfter) } }, take: 500 });
  for (const request of stale) {
    const done = await transact(ctx, async (tx) => {
      if (!(await moveRequestIfUnchanged(tx, request, { status: "EXPIRED", closedAt: now }))) return false;
      await appendAudit(tx, { at: now, actor: "system", action: "request.expired", subjectType: "request", subjectId: request.id, requestId: request.id, purposeId: request.purposeId, details: { reference: request.reference, was: request.status } });
      await enqueueNotices(tx, now, [
        { to: request.requesterEmail, kind: "request-outcome", requestId: request.id },
        { to: "system", kind: "refresh-messages", requestId: request.id },
      ]);
      return true;
    });
    if (done) expired++;
  }

  const remindBefore = subtractDuration(now, remindAfter);
  const waiting = await ctx.db.recordingRequest.findMany({
    where: { status: "PENDING_APPROVAL", createdAt: { lte: remindBefore }, OR: [{ lastRemindedAt: null }, { lastRemindedAt: { lte: remindBefore } }] },
    include: { decisions: true, disclosure: { select: { requestedByEmail: true } } },
    take: 500,
  });
  for (const request of waiting) {
    const done = await transact(ctx, async (tx) => {
      const { count } = await tx.recordingRequest.updateMany({
        where: { id: request.id, status: "PENDING_APPROVAL", OR: [{ lastRemindedAt: null }, { lastRemindedAt: { lte: remindBefore } }] },
        data: { lastRemindedAt: now },
      });
      if (count !== 1) return false;
      const view = buildRequestView(ctx.policy, request);
      const decided = new Set(request.decisions.map((d) => d.deciderEmail));
      // A disclosure may be decided by its sole-DPO recorder, never by the member of staff who asked.
      const authorisers = request.disclosure ? disclosureAuthoriserEmails(ctx.policy, request, request.disclosure) : view.authoriserEmails;
      const toRemind = authorisers.filter((e) => !decided.has(e));
      await appendAudit(tx, { at: now, actor: "system", action: "request.reminded", subjectType: "request", subjectId: request.id, requestId: request.id, purposeId: request.purposeId, details: { reference: request.reference, reminded: toRemind } });
      await enqueueNotices(tx, now, toRemind.map((to) => ({ to, kind: "approval-reminder" as const, requestId: request.id })));
      return true;
    });
    if (done) reminded++;
  }
  return { reminded, expired };
}
