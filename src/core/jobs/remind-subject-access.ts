/**
 * Scheduled: reminds each open subject access request's owner and the DPOs
 * 7 days and 1 day before its deadline, and once when it is overdue, as
 * compliance notices. Each reminder is claimed by a conditional update on its
 * own timestamp (reminded7At, reminded1At, overdueNotifiedAt) and the deadline
 * the job saw, so several instances never send one twice. A paused request
 * is not reminded: its deadline is not running. Extending or resuming a
 * request clears the timestamps, so a new deadline gets its own reminders.
 *
 * Days are calendar days in the organisation's time zone: "1 day before"
 * means the deadline is tomorrow; a reminder missed while Callgate was down
 * is sent late rather than not at all (7 days covers 2 to 7 days left; 1 day
 * covers tomorrow and today), and never both for the same day.
 */
import type { SubjectAccessRequest } from "../../generated/prisma/client.ts";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { addDays, calendarText, daysBetween, isoDate } from "../calendar.ts";
import { subjectAccessTeam, todayFor } from "../subject-access/subject-access-rules.ts";
import { maskPhoneNumber } from "../phone.ts";

type Reminder = "7-days" | "1-day" | "overdue";

const FIELD = { "7-days": "reminded7At", "1-day": "reminded1At", overdue: "overdueNotifiedAt" } as const;

export async function remindSubjectAccess(ctx: CoreContext, options: { batchSize?: number } = {}): Promise<{ reminded: number; overdue: number }> {
  const now = ctx.clock.now();
  const today = todayFor(ctx);
  const due = await ctx.db.subjectAccessRequest.findMany({
    where: {
      status: "OPEN",
      pausedSince: null,
      // Exactly the requests owed a reminder today, so a batch is never filled with ones that are not.
      OR: [
        { dueOn: { lt: today }, overdueNotifiedAt: null },
        { dueOn: { gte: today, lte: addDays(today, 1) }, reminded1At: null },
        { dueOn: { gt: addDays(today, 1), lte: addDays(today, 7) }, reminded7At: null },
      ],
    },
    orderBy: { dueOn: "asc" },
    take: options.batchSize ?? 200,
  });
  let reminded = 0;
  let overdue = 0;
  for (const sar of due) {
    const reminder = reminderFor(sar, daysBetween(today, sar.dueOn));
    if (!reminder) continue;
    const sent = await transact(ctx, async (tx) => {
      const field = FIELD[reminder];
      // Claim it: still open, still running, same deadline, not yet sent.
      const { count } = await tx.subjectAccessRequest.updateMany({
        where: { id: sar.id, status: "OPEN", pausedSince: null, dueOn: sar.dueOn, [field]: null },
        // The 1-day reminder stands in for a 7-day one never sent, so it is not sent afterwards.
        data: { [field]: now, ...(reminder === "1-day" && !sar.reminded7At ? { reminded7At: now } : {}) },
      });
      if (count !== 1) return false;
      const daysLeft = daysBetween(today, sar.dueOn);
      const recipients = subjectAccessTeam(ctx.policy, sar.ownerEmail);
      await appendAudit(tx, {
        at: now,
        actor: "system",
        action: reminder === "overdue" ? "subject-access.overdue" : "subject-access.reminded",
        subjectType: "subject-access",
        subjectId: sar.id,
        details: { reference: sar.reference, reminder, dueOn: isoDate(sar.dueOn), daysLeft, reminded: recipients },
      });
      await enqueueNotices(tx, now, recipients.map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: titleFor(sar, reminder, daysLeft), lines: linesFor(sar, reminder) } })));
      return true;
    });
    if (sent) {
      if (reminder === "overdue") overdue++;
      else reminded++;
    }
  }
  return { reminded, overdue };
}

function reminderFor(sar: SubjectAccessRequest, daysLeft: number): Reminder | undefined {
  if (daysLeft < 0) return sar.overdueNotifiedAt ? undefined : "overdue";
  if (daysLeft <= 1) return sar.reminded1At ? undefined : "1-day";
  if (daysLeft <= 7) return sar.reminded7At ? undefined : "7-days";
  return undefined;
}

function titleFor(sar: SubjectAccessRequest, reminder: Reminder, daysLeft: number): string {
  if (reminder === "overdue") return `Subject access request ${sar.reference} is overdue`;
  if (daysLeft === 0) return `Subject access request ${sar.reference} is due today`;
  return `Subject access request ${sar.reference} is due in ${daysLeft} day${daysLeft === 1 ? "" : "s"}`;
}

function linesFor(sar: SubjectAccessRequest, reminder: Reminder): string[] {
  return [
    `Subject: ${sar.subjectName} (${sar.numbers.map(maskPhoneNumber).join(", ")}).`,
    reminder === "overdue" ? `It was due by ${calendarText(sar.dueOn)}. Answer it as soon as you can, and record why it was late.` : `It must be answered by ${calendarText(sar.dueOn)}.`,
    `See it with: sar show ${sar.reference}`,
  ];
}
