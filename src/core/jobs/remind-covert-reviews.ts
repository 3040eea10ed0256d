/**
 * Scheduled: reminds whoever authorised covert monitoring that its review is
 * coming (seven days before the review date) and due (on the day). Each
 * reminder goes exactly once, even with several instances running: it is
 * claimed by a conditional update of `remindedAt` against the moment that
 * reminder became due, so one column serves both (a reminder already sent at
 * or after that moment means this one went). A review moves the date on, and
 * the reminders start again for the new date.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { addDays, calendarText, isoDate, startOfDayIn, todayIn } from "../calendar.ts";
import { describeTargets } from "../covert/covert-view.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { findPerson, peopleWithRoles } from "../policy/access.ts";

/** How long before the review date the first reminder goes. */
export const REMIND_DAYS_BEFORE = 7;

export async function remindCovertReviews(ctx: CoreContext, options: { batchSize?: number } = {}): Promise<{ reminded: number }> {
  const { policy } = ctx;
  const tz = policy.organisation.timeZone;
  const now = ctx.clock.now();
  const today = todayIn(tz, now);
  const horizon = addDays(today, REMIND_DAYS_BEFORE);
  const due = await ctx.db.covertAuthorisation.findMany({
    where: { status: "ACTIVE", reviewOn: { lte: horizon } },
    include: { investigation: true },
    orderBy: { reviewOn: "asc" },
    take: options.batchSize ?? 200,
  });
  let reminded = 0;
  for (const row of due) {
    const dayStart = startOfDayIn(row.reviewOn, tz);
    const weekBefore = startOfDayIn(addDays(row.reviewOn, -REMIND_DAYS_BEFORE), tz);
    const stage = now >= dayStart ? "due" : now >= weekBefore ? "soon" : undefined;
    if (!stage) continue;
    const since = stage === "due" ? dayStart : weekBefore;
    const sent = await transact(ctx, async (tx) => {
      const { count } = await tx.covertAuthorisation.updateMany({
        where: { id: row.id, status: "ACTIVE", reviewOn: row.reviewOn, OR: [{ remindedAt: null }, { remindedAt: { lt: since } }] },
        data: { remindedAt: now },
      });
      if (count !== 1) return false;
      const authoriser = findPerson(policy, row.authorisedBy);
      // Someone who has left the policy cannot review; the DPO must see to it.
      const to = authoriser ? [authoriser.email] : peopleWithRoles(policy, policy.compliance.dpoRoles).map((p) => p.email);
      const staffNames = row.staffEmails.map((e) => findPerson(policy, e)?.name ?? e);
      const lines = [
        stage === "due"
          ? `The review of covert monitoring ${row.reference} is due ${row.reviewOn.getTime() === today.getTime() ? "today" : `since ${calendarText(row.reviewOn)}`}.`
          : `The review of covert monitoring ${row.reference} is due on ${calendarText(row.reviewOn)}.`,
        `Monitored: ${describeTargets(staffNames, row.extensions)}. Investigation ${row.investigation.reference} (${row.investigation.reason}).`,
        `Decide whether it is still necessary: record the review (covert review ${row.reference} --note "...") or end it (covert end ${row.reference} --reason "...").`,
      ];
      await appendAudit(tx, { at: now, actor: "system", action: "covert.review-reminded", subjectType: "covert", subjectId: row.id, details: { reference: row.reference, reviewOn: isoDate(row.reviewOn), stage, to } });
      await enqueueNotices(tx, now, to.map((email) => ({ to: email, kind: "compliance-notice" as const, payload: { title: `Covert monitoring review ${stage === "due" ? "due" : "coming up"} (${row.reference})`, lines } })));
      return true;
    });
    if (sent) reminded++;
  }
  return { reminded };
}
