/**
 * An authoriser the policy names sets up covert monitoring of staff or
 * extensions for an investigation (seed 001 §4; ICO Employment Practices
 * Code): only where the policy allows it at all, never of themselves, with
 * the reason, a start and a review date, and tied to an investigation (an
 * INVESTIGATION hold) whose closing ends the monitoring. A new investigation
 * is opened in the same transaction. The DPO is told.
 */
import { z } from "zod";
import { addCalendarDuration, calendarText, isoDate, startOfDayIn, todayIn } from "../calendar.ts";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { parseInput, withRefusalAudit } from "../guards.ts";
import { formatDuration } from "../policy/duration.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { findPerson, peopleWithRoles, personByEmail } from "../policy/access.ts";
import type { Person } from "../policy/schema.ts";
import { nextReference, parseReference } from "../references.ts";
import { cleanFreeText } from "../validation.ts";
import { authorisingRole, describeTargets, loadCovertView, readCovertDate, type CovertView } from "./covert-view.ts";

/** The shortest reason worth recording for something as serious as covert monitoring. */
export const MIN_COVERT_REASON = 20;

export const authoriseCovertMonitoringInput = z.object({
  actorEmail: z.string().min(1).max(320),
  extensions: z.array(z.string().trim().regex(/^[0-9*#]{1,10}$/, "An extension is digits only, for example 201.")).max(50).default([]),
  staffEmails: z.array(z.string().trim().max(320)).max(50).default([]),
  reason: z.string().max(2000, "Keep the reason under 2,000 characters."),
  /** The ground it is authorised on, by id, where the policy lists grounds (covertMonitoring.grounds). */
  ground: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().trim().max(100).optional()),
  /** 2026-12-22 or 22/12/2026; today unless given. */
  start: z.string().max(20).optional(),
  /** 2026-12-22 or 22/12/2026; the start plus the policy's `reviewEvery` unless given. */
  review: z.string().max(20).optional(),
  /** An open investigation's reference, e.g. HOLD-000002 ... */
  investigation: z.string().max(40).optional(),
  /** ... or the name of a new investigation to open. */
  newInvestigation: z.string().max(300).optional(),
});

export type AuthoriseCovertMonitoringInput = z.input<typeof authoriseCovertMonitoringInput>;

export async function authoriseCovertMonitoring(ctx: CoreContext, raw: AuthoriseCovertMonitoringInput): Promise<CovertView> {
  return withRefusalAudit(ctx, { actorEmail: raw.actorEmail, action: "covert.refused", command: "authorise-covert-monitoring" }, () => attemptAuthoriseCovertMonitoring(ctx, raw));
}

async function attemptAuthoriseCovertMonitoring(ctx: CoreContext, raw: AuthoriseCovertMonitoringInput): Promise<CovertView> {
  const input = parseInput(authoriseCovertMonitoringInput, raw);
  const { policy } = ctx;
  const tz = policy.organisation.timeZone;
  const now = ctx.clock.now();
  const actor = personByEmail(policy, input.actorEmail);
  if (!policy.covertMonitoring.allowed) {
    throw new AppError("FORBIDDEN", `${policy.organisation.name}'s policy does not allow covert monitoring, so it cannot be authorised here.`);
  }

  const staff = [...new Set(input.staffEmails.map((e) => e.toLowerCase()))].map((email): Person => {
    const person = findPerson(policy, email);
    if (!person) throw new AppError("INVALID_INPUT", `${email.slice(0, 80)} is not one of the people in the organisation's policy.`, "staffEmails");
    return person;
  });
  const extensions = [...new Set(input.extensions)];
  if (staff.length === 0 && extensions.length === 0) throw new AppError("INVALID_INPUT", "Say which staff (by e-mail) or which extensions are to be monitored.", "staffEmails");
  const role = authorisingRole(policy, actor, staff, extensions);
  const ground = chosenGround(policy.covertMonitoring.grounds, input.ground);

  const reason = cleanFreeText(input.reason, "reason");
  if (reason.length < MIN_COVERT_REASON) {
    throw new AppError("REASON_REQUIRED", `Say why covert monitoring is necessary (at least ${MIN_COVERT_REASON} characters): what is suspected, and why telling the staff would prejudice the investigation.`, "reason");
  }

  const today = todayIn(tz, now);
  const start = input.start ? readCovertDate(input.start, "start", "start date") : today;
  if (start.getTime() < today.getTime()) throw new AppError("INVALID_INPUT", "Covert monitoring cannot be authorised after the fact: give today's date or a later one as the start.", "start");
  const latestReview = addCalendarDuration(start, policy.covertMonitoring.reviewEvery);
  const review = input.review ? readCovertDate(input.review, "review", "review date") : latestReview;
  if (review.getTime() <= today.getTime() || review.getTime() <= start.getTime()) throw new AppError("INVALID_INPUT", `The review date must be after the start (${calendarText(start)}) and in the future.`, "review");
  if (review.getTime() > latestReview.getTime()) {
    throw new AppError("INVALID_INPUT", `The policy asks for covert monitoring to be reviewed at least every ${formatDuration(policy.covertMonitoring.reviewEvery)}, so the review date can be no later than ${calendarText(latestReview)}.`, "review");
  }
  const startsAt = start.getTime() === today.getTime() ? now : startOfDayIn(start, tz);

  const investigationRef = input.investigation?.trim() ? parseReference("HOLD", input.investigation) : undefined;
  const newName = cleanFreeText(input.newInvestigation ?? "", "newInvestigation");
  if (input.investigation?.trim() && !investigationRef) throw new AppError("INVALID_INPUT", "An investigation reference looks like HOLD-000002.", "investigation");
  if (investigationRef && newName) throw new AppError("INVALID_INPUT", "Give either an open investigation's reference or the name of a new investigation, not both.", "investigation");
  if (!investigationRef && newName.length < 5) throw new AppError("INVALID_INPUT", "Link the monitoring to an investigation: give an open investigation's reference (HOLD-000002) or name a new one.", "investigation");

  const id = await transact(ctx, async (tx) => {
    let investigation: { id: string; reference: string; reason: string };
    if (investigationRef) {
      const [hold] = await tx.$queryRaw<{ id: string; reference: string; kind: string; reason: string; releasedAt: Date | null }[]>`
        SELECT id, reference, kind::text AS kind, reason, "releasedAt" FROM "Hold" WHERE reference = ${investigationRef} FOR UPDATE`;
      if (!hold) throw new AppError("NOT_FOUND", `There is no investigation ${investigationRef}.`, "investigation");
      if (hold.kind !== "INVESTIGATION") throw new AppError("WRONG_STATE", `${investigationRef} is not an investigation (it is a ${hold.kind === "LEGAL" ? "legal hold" : "subject access hold"}). Give an investigation's reference, or name a new investigation.`, "investigation");
      if (hold.releasedAt) throw new AppError("WRONG_STATE", `Investigation ${investigationRef} is closed, so monitoring cannot be linked to it.`, "investigation");
      investigation = hold;
    } else {
      const reference = await nextReference(tx, "HOLD");
      investigation = await tx.hold.create({ data: { reference, kind: "INVESTIGATION", reason: newName, maskedNumbers: [], createdBy: actor.email, createdAt: now }, select: { id: true, reference: true, reason: true } });
      await appendAudit(tx, { at: now, actor: actor.email, action: "hold.placed", subjectType: "hold", subjectId: investigation.id, details: { reference, kind: "INVESTIGATION", reason: newName, maskedNumbers: [], recordings: 0, openedFor: "covert-monitoring" } });
    }

    const reference = await nextReference(tx, "COV");
    const row = await tx.covertAuthorisation.create({
      data: {
        reference,
        authorisedBy: actor.email,
        authoriserRole: role,
        extensions,
        staffEmails: staff.map((p) => p.email),
        reason,
        ground: ground?.id ?? null,
        startsAt,
        reviewOn: review,
        investigationId: investigation.id,
        createdAt: now,
      },
    });
    await appendAudit(tx, {
      at: now,
      actor: actor.email,
      action: "covert.authorised",
      subjectType: "covert",
      subjectId: row.id,
      details: { reference, role, staff: staff.map((p) => p.email), extensions, reason, ...(ground ? { ground: ground.id, groundLabel: ground.label } : {}), startsAt: startsAt.toISOString(), reviewOn: isoDate(review), investigation: investigation.reference },
    });
    const dpos = peopleWithRoles(policy, policy.compliance.dpoRoles).filter((p) => p.email !== actor.email && !staff.some((s) => s.email === p.email));
    const lines = [
      `${actor.name} authorised covert monitoring of ${describeTargets(staff.map((p) => p.name), extensions)}.`,
      `Investigation: ${investigation.reference} (${investigation.reason}).`,
      `Starts ${calendarText(start)}; review by ${calendarText(review)}.`,
      ...(ground ? [`Ground: ${ground.label}`] : []),
      `Reason: ${reason}`,
    ];
    await enqueueNotices(tx, now, dpos.map((p) => ({ to: p.email, kind: "compliance-notice" as const, payload: { title: `Covert monitoring authorised (${reference})`, lines } })));
    return row.id;
  });
  return loadCovertView(ctx, id);
}

/**
 * The ground covert monitoring is authorised on: where the policy lists
 * grounds (LIFE §4), one of them must be chosen; where it lists none, none is asked.
 */
function chosenGround(grounds: readonly { id: string; label: string }[], given: string | undefined): { id: string; label: string } | null {
  if (grounds.length === 0) {
    if (given) throw new AppError("INVALID_INPUT", "The policy lists no grounds for covert monitoring, so leave the ground empty and give the reason.", "ground");
    return null;
  }
  const choices = grounds.map((g) => `"${g.id}" (${g.label})`).join("; ");
  if (!given) throw new AppError("INVALID_INPUT", `Covert monitoring may only be authorised on a ground the policy lists. Choose one: ${choices}.`, "ground");
  const ground = grounds.find((g) => g.id === given.toLowerCase());
  if (!ground) throw new AppError("INVALID_INPUT", `"${given.slice(0, 60)}" is not one of the grounds the policy allows covert monitoring on. Choose one: ${choices}.`, "ground");
  return ground;
}
