/**
 * Scheduled, daily: reminds whoever preserved recordings, and the DPO, that a
 * preservation's review is coming (`retention.preservation.remindBeforeReview`
 * before the date) or due, and, where the policy asks
 * (`retention.remindBeforeDeletion`), that its period is about to end and
 * the recordings will then be deleted under retention. Each reminder goes
 * once: claimed by a conditional update of its column against the moment it
 * became due, as remind-covert-reviews does.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { calendarText, isoDate, startOfDayIn, todayIn } from "../calendar.ts";
import { formatDate } from "../format.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { findPerson, peopleWithRoles } from "../policy/access.ts";
import { subtractDuration } from "../policy/duration.ts";

export async function remindPreservations(ctx: CoreContext, options: { batchSize?: number } = {}): Promise<{ reviews: number; deletions: number }> {
  const { policy } = ctx;
  const tz = policy.organisation.timeZone;
  const now = ctx.clock.now();
  const { preservation, remindBeforeDeletion } = policy.retention;
  const holds = await ctx.db.hold.findMany({
    where: { kind: "PRESERVATION", releasedAt: null, OR: [{ keepUntil: null }, { keepUntil: { gt: now } }] },
    include: { _count: { select: { recordings: true } } },
    orderBy: { reviewOn: "asc" },
    take: options.batchSize ?? 500,
  });
  const result = { reviews: 0, deletions: 0 };
  const recipients = (createdBy: string) => [...new Set([...(findPerson(policy, createdBy) ? [createdBy] : []), ...peopleWithRoles(policy, policy.compliance.dpoRoles).map((p) => p.email)])];
  const label = (classId: string | null) => preservation.classes.find((c) => c.id === classId)?.label ?? classId ?? "preservation";

  for (const hold of holds) {
    if (hold.reviewOn) {
      const dayStart = startOfDayIn(hold.reviewOn, tz);
      const soonFrom = subtractDuration(dayStart, preservation.remindBeforeReview);
      const stage = now >= dayStart ? "due" : now >= soonFrom ? "soon" : undefined;
      if (stage) {
        const since = stage === "due" ? dayStart : soonFrom;
        const sent = await transact(ctx, async (tx) => {
          const { count } = await tx.hold.updateMany({ where: { id: hold.id, releasedAt: null, reviewOn: hold.reviewOn, OR: [{ reviewRemindedAt: null }, { reviewRemindedAt: { lt: since } }] }, data: { reviewRemindedAt: now } });
          if (count !== 1) return false;
          const to = recipients(hold.createdBy);
          const today = todayIn(tz, now);
          await appendAudit(tx, { at: now, actor: "system", action: "hold.review-reminded", subjectType: "hold", subjectId: hold.id, details: { reference: hold.reference, reviewOn: isoDate(hold.reviewOn!), stage, to } });
          await enqueueNotices(tx, now, to.map((email) => ({
            to: email,
            kind: "compliance-notice" as const,
            payload: {
              title: `Review ${stage === "due" ? "due" : "coming up"}: preserved recordings ${hold.reference}`,
              lines: [
                `${hold._count.recordings} recording${hold._count.recordings === 1 ? " is" : "s are"} kept under "${label(hold.preservationClass)}" (${hold.reason}).`,
                stage === "due" ? `The review is due ${hold.reviewOn!.getTime() === today.getTime() ? "today" : `since ${calendarText(hold.reviewOn!)}`}.` : `The review is due on ${calendarText(hold.reviewOn!)}.`,
                `If they are still needed, record the review; if not, release ${hold.reference} so they are deleted under the retention policy.`,
              ],
            },
          })));
          return true;
        });
        if (sent) result.reviews++;
      }
    }
    if (remindBeforeDeletion && hold.keepUntil && hold.deletionRemindedAt === null && now >= subtractDuration(hold.keepUntil, remindBeforeDeletion)) {
      const sent = await transact(ctx, async (tx) => {
        const { count } = await tx.hold.updateMany({ where: { id: hold.id, releasedAt: null, deletionRemindedAt: null }, data: { deletionRemindedAt: now } });
        if (count !== 1) return false;
        const to = recipients(hold.createdBy);
        await appendAudit(tx, { at: now, actor: "system", action: "hold.deletion-reminded", subjectType: "hold", subjectId: hold.id, details: { reference: hold.reference, keepUntil: hold.keepUntil!.toISOString(), to } });
        await enqueueNotices(tx, now, to.map((email) => ({
          to: email,
          kind: "compliance-notice" as const,
          payload: {
            title: `Preserved recordings ${hold.reference} will be deleted after ${formatDate(hold.keepUntil!, tz)}`,
            lines: [
              `The "${label(hold.preservationClass)}" period for ${hold._count.recordings} recording${hold._count.recordings === 1 ? "" : "s"} ends on ${formatDate(hold.keepUntil!, tz)}; those past their retention are then deleted.`,
              "If they must be kept longer, preserve them again under the right class before then.",
            ],
          },
        })));
        return true;
      });
      if (sent) result.deletions++;
    }
  }
  return result;
}
