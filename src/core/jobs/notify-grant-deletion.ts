/**
 * Scheduled, hourly: a playback link never keeps a recording past its
 * retention. For each live link whose recording becomes due for deletion
 * within `playback.deletionNotice`, the requester is told (once) when access
 * ends and why; a link that would outlast the deletion (a hold released, the
 * policy shortened) is cut to the deletion, or to the notice period from now
 * if that is later, so nobody loses access without warning. The sweep then
 * deletes the recording once the link has ended. Claimed by a conditional
 * update of `deletionNoticeAt`, so each requester is told once.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { formatDateTime } from "../format.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { addDuration } from "../policy/duration.ts";
import { deletionDueAt } from "../retention/deletion-due.ts";

export async function notifyGrantDeletion(ctx: CoreContext, options: { batchSize?: number } = {}): Promise<{ notified: number }> {
  const now = ctx.clock.now();
  const horizon = addDuration(now, ctx.policy.playback.deletionNotice);
  const tz = ctx.policy.organisation.timeZone;
  const live = await ctx.db.playbackGrant.findMany({
    where: { revokedAt: null, expiresAt: { gt: now }, deletionNoticeAt: null, heldNoticeId: null, recordingId: { not: null } },
    include: { recording: true, request: { select: { reference: true, purposeId: true } } },
    orderBy: { expiresAt: "asc" },
    take: options.batchSize ?? 500,
  });
  let notified = 0;
  for (const grant of live) {
    if (!grant.recording) continue;
    const dueAt = await deletionDueAt(ctx.db, ctx.policy, grant.recording, now);
    if (dueAt === null || dueAt.getTime() > horizon.getTime() || grant.expiresAt.getTime() < dueAt.getTime()) continue;
    const endsAt = new Date(Math.min(grant.expiresAt.getTime(), Math.max(dueAt.getTime(), horizon.getTime())));
    const sent = await transact(ctx, async (tx) => {
      const { count } = await tx.playbackGrant.updateMany({ where: { id: grant.id, deletionNoticeAt: null, revokedAt: null }, data: { deletionNoticeAt: now, expiresAt: endsAt } });
      if (count !== 1) return false;
      await appendAudit(tx, { at: now, actor: "system", action: "grant.deletion-notified", subjectType: "grant", subjectId: grant.id, requestId: grant.requestId, purposeId: grant.request.purposeId, details: { endsAt: endsAt.toISOString(), dueAt: dueAt.toISOString() } });
      await enqueueNotices(tx, now, [
        {
          to: grant.requesterEmail,
          kind: "compliance-notice",
          requestId: grant.requestId,
          payload: {
            title: `${grant.request.reference}: your access ends ${formatDateTime(endsAt, tz)}`,
            lines: [
              `The recording you were given access to for ${grant.request.reference} reaches the end of its retention period, so your playback link stops working at ${formatDateTime(endsAt, tz)} and the recording is then deleted.`,
              "If it must be kept longer, ask someone who may preserve recordings under the organisation's policy before then.",
            ],
          },
        },
      ]);
      return true;
    });
    if (sent) notified++;
  }
  return { notified };
}
