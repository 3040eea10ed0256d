/**
 * Scheduled: while a breach's ICO decision is not recorded, reminds the
 * people the policy names (breach-rules.ts) when the hours left reach each of
 * breaches.remindHoursBefore (24 and 4 by default), and once when the
 * deadline passes. Runs under its own JobLease (one instance at a time), and
 * each reminder is also claimed by a conditional update on the breach row
 * (the hours mark not yet in remindedHours; overdueNotifiedAt still null), so
 * no reminder is ever sent twice. A reminder missed while Callgate was down
 * is sent late, and only the nearest mark is sent: the earlier marks it
 * passes are recorded as covered.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { formatDateTime } from "../format.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { breachRecipients, hoursLeft } from "../breaches/breach-rules.ts";
import { claimJobLease, releaseJobLease } from "./job-lease.ts";

export const BREACH_REMINDER_JOB = "remind-breaches";
const LEASE_MS = 10 * 60_000;

export async function remindBreaches(ctx: CoreContext): Promise<{ reminded: number; overdue: number } | undefined> {
  const now = ctx.clock.now();
  const holder = `${hostname()}:${process.pid}:${randomUUID()}`;
  if (!(await claimJobLease(ctx.db, { name: BREACH_REMINDER_JOB, holder, now, leaseMs: LEASE_MS }))) return undefined;
  let result: { reminded: number; overdue: number } | undefined;
  try {
    result = await sendDueReminders(ctx, now);
  } finally {
    await releaseJobLease(ctx.db, BREACH_REMINDER_JOB, holder, result ? { at: ctx.clock.now(), result } : undefined);
  }
  return result;
}

async function sendDueReminders(ctx: CoreContext, now: Date): Promise<{ reminded: number; overdue: number }> {
  const marks = [...new Set(ctx.policy.breaches.remindHoursBefore)].sort((a, b) => b - a);
  const widest = marks[0] ?? 0;
  const due = await ctx.db.breach.findMany({
    where: { status: "OPEN", icoDecision: null, deadlineAt: { lte: new Date(now.getTime() + widest * 3_600_000) } },
    orderBy: { deadlineAt: "asc" },
    take: 200,
  });
  const tz = ctx.policy.organisation.timeZone;
  let reminded = 0;
  let overdue = 0;
  for (const breach of due) {
    const left = hoursLeft(now, breach.deadlineAt);
    const passed = breach.deadlineAt.getTime() <= now.getTime();
    // The marks reached so far; the nearest one is the reminder to send.
    const reached = marks.filter((h) => breach.deadlineAt.getTime() - now.getTime() <= h * 3_600_000);
    const mark = reached[reached.length - 1];
    if (passed ? breach.overdueNotifiedAt !== null : mark === undefined || breach.remindedHours.includes(mark)) continue;
    const sent = await transact(ctx, async (tx) => {
      const covered = [...new Set([...breach.remindedHours, ...reached])];
      const { count } = passed
        ? await tx.breach.updateMany({ where: { id: breach.id, status: "OPEN", icoDecision: null, overdueNotifiedAt: null }, data: { overdueNotifiedAt: now, remindedHours: covered } })
        : await tx.breach.updateMany({ where: { id: breach.id, status: "OPEN", icoDecision: null, NOT: { remindedHours: { has: mark! } } }, data: { remindedHours: covered } });
      if (count !== 1) return false;
      const told = breachRecipients(ctx.policy, breach.reportedBy);
      await appendAudit(tx, {
        at: now,
        actor: "system",
        action: passed ? "breach.overdue" : "breach.reminded",
        subjectType: "breach",
        subjectId: breach.id,
        details: { reference: breach.reference, deadlineAt: breach.deadlineAt.toISOString(), ...(passed ? {} : { hoursLeft: mark }), told },
      });
      const title = passed ? `Breach ${breach.reference}: the ICO deadline has passed` : `Breach ${breach.reference}: ${Math.max(left, 0)} hour${left === 1 ? "" : "s"} left to tell the ICO`;
      const lines = [
        passed
          ? `The ICO had to be told by ${formatDateTime(breach.deadlineAt, tz)}. If it must be reported, report it now and record why it was late.`
          : `If it must be reported, the ICO must be told by ${formatDateTime(breach.deadlineAt, tz)}.`,
        `Record the decision with: breach ico ${breach.reference} --reported <ICO reference> (or --not-reportable <reason>)`,
      ];
      await enqueueNotices(tx, now, told.map((to) => ({ to, kind: "compliance-notice" as const, payload: { title, lines } })));
      return true;
    });
    if (sent) {
      if (passed) overdue++;
      else reminded++;
    }
  }
  return { reminded, overdue };
}
