/**
 * Anyone in the policy reports a personal data breach (or a suspected one):
 * what happened, when it was discovered, and any recordings or requests it
 * touches. The ICO clock (UK GDPR Article 33: 72 hours from discovery unless
 * the policy says otherwise) starts at discovery, not at the report; the
 * people the policy names (the DPOs; ECS: the reporter's line manager too)
 * are told at once, and the breach stays in every audit summary until it is
 * closed.
 */
import { z } from "zod";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { isoDate, parseCalendarDate, todayIn } from "../calendar.ts";
import { AppError } from "../errors.ts";
import { formatDateTime, zonedInstant } from "../format.ts";
import { parseInput, withRefusalAudit } from "../guards.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { maskPhoneNumbersInText } from "../phone.ts";
import { personByEmail } from "../policy/access.ts";
import { formatDuration } from "../policy/duration.ts";
import { nextReference } from "../references.ts";
import { cleanFreeText } from "../validation.ts";
import { breachDeadline, breachRecipients } from "./breach-rules.ts";
import { loadBreachView, type BreachView } from "./breach-view.ts";

export const reportBreachInput = z.object({
  actorEmail: z.string().min(1).max(320),
  /** What happened, in the reporter's words. */
  description: z.string().max(4000, "Keep the description under 4,000 characters."),
  /** The day it was discovered (2026-11-20 or 20/11/2026), in the organisation's time zone. */
  discoveredOn: z.string().min(1, "Say the day the breach was discovered.").max(20),
  /** The time it was discovered, HH:MM; if left out, the start of that day (so the ICO clock is never late), or now when that is today. */
  discoveredAt: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Give the time as HH:MM, for example 09:30.")
    .optional(),
  /** Call ids or request references the breach touches, if known. */
  recordings: z.array(z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, "A recording is named by its call id or request reference (letters, digits, dots, colons and hyphens).")).max(100, "Name at most 100 recordings.").default([]),
});

export type ReportBreachInput = z.input<typeof reportBreachInput>;

export async function reportBreach(ctx: CoreContext, raw: ReportBreachInput): Promise<BreachView> {
  return withRefusalAudit(ctx, { actorEmail: raw.actorEmail, action: "breach.refused", command: "report-breach" }, () => attemptReportBreach(ctx, raw));
}

async function attemptReportBreach(ctx: CoreContext, raw: ReportBreachInput): Promise<BreachView> {
  const input = parseInput(reportBreachInput, raw);
  const reporter = personByEmail(ctx.policy, input.actorEmail);
  const tz = ctx.policy.organisation.timeZone;
  const now = ctx.clock.now();
  const description = cleanFreeText(input.description, "description");
  if (description.length < 10) throw new AppError("REASON_REQUIRED", "Say what happened (at least 10 characters): what was seen, sent or lost, and by whom.", "description");
  const day = parseCalendarDate(input.discoveredOn);
  if (!day) throw new AppError("INVALID_INPUT", "Give the day the breach was discovered as a date, for example 20/11/2026.", "discoveredOn");
  const today = todayIn(tz, now);
  const discoveredAt = input.discoveredAt ? zonedInstant(isoDate(day), input.discoveredAt, tz) : day.getTime() === today.getTime() ? now : zonedInstant(isoDate(day), "00:00", tz);
  if (discoveredAt.getTime() > now.getTime()) throw new AppError("DATE_IN_FUTURE", "The breach cannot have been discovered in the future.", input.discoveredAt ? "discoveredAt" : "discoveredOn");
  const recordings = [...new Set(input.recordings.map((r) => r.trim()))];
  const deadlineAt = breachDeadline(ctx.policy, discoveredAt);

  const reference = await transact(ctx, async (tx) => {
    const reference = await nextReference(tx, "BRE");
    const breach = await tx.breach.create({
      data: { reference, description: maskPhoneNumbersInText(description), discoveredAt, reportedAt: now, reportedBy: reporter.email, recordingRefs: recordings, deadlineAt },
    });
    const told = breachRecipients(ctx.policy, reporter.email);
    await appendAudit(tx, {
      at: now,
      actor: reporter.email,
      action: "breach.reported",
      subjectType: "breach",
      subjectId: breach.id,
      details: { reference, discoveredAt: discoveredAt.toISOString(), deadlineAt: deadlineAt.toISOString(), recordings: recordings.slice(0, 50), told },
    });
    const procedure = ctx.policy.breaches.procedure;
    const lines = [
      `Reported by ${reporter.name}: ${maskPhoneNumbersInText(description).slice(0, 500)}`,
      `Discovered ${formatDateTime(discoveredAt, tz)}.${recordings.length > 0 ? ` Recordings or requests: ${recordings.slice(0, 10).join(", ")}${recordings.length > 10 ? ` and ${recordings.length - 10} more` : ""}.` : ""}`,
      `If it must be reported, the ICO must be told within ${formatDuration(ctx.policy.breaches.reportWithin)} of discovery: by ${formatDateTime(deadlineAt, tz)}.`,
      ...(procedure ? [`Handle it under the ${procedure}.`] : []),
      `Record the ICO decision with: breach ico ${reference} --reported <ICO reference> (or --not-reportable <reason>)`,
    ];
    await enqueueNotices(tx, now, told.map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `Personal data breach reported (${reference})`, lines } })));
    return reference;
  });
  return loadBreachView(ctx.db, ctx.policy, reference, now);
}
