/**
 * Adds what a subject access request was missing, or more of it: the
 * subject's numbers, calls described by day with an approximate time,
 * direction or extension, contact details, the identity check. The calls
 * found are added to the request and its hold. When nothing is missing any
 * more, a request awaiting information moves on: its clock restarts from the
 * day the information arrived (the days paused move the deadline).
 *
 * Its owner, or a DPO where the policy's `dpoMayClose` allows.
 */
import { z } from "zod";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { calendarText, daysBetween, isoDate } from "../calendar.ts";
import { AppError } from "../errors.ts";
import { parseInput, withRefusalAudit } from "../guards.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { maskPhoneNumber } from "../phone.ts";
import { normaliseNumbers } from "./open-subject-access.ts";
import {
  callDescriptionInput,
  contactInput,
  descriptionsJson,
  findCallsFor,
  isIntakePause,
  MISSING_TEXT,
  missingInformation,
  parseCallDescriptions,
  pauseReasonFor,
  readArrivedOn,
  readCallDescriptions,
  readContact,
  readIdentityVerification,
  requireCaseHandler,
} from "./subject-access-intake.ts";
import { buildSubjectAccessView, loadSubjectAccess, type SubjectAccessView } from "./subject-access-view.ts";
import { dueOnFor, findSubjectAccess, lockSubjectAccess, requireOpen, subjectAccessTeam, todayFor } from "./subject-access-rules.ts";

export const addSubjectAccessInformationInput = z.strictObject({
  actorEmail: z.string().min(1).max(320),
  /** "SAR-000004" or the request's id. */
  reference: z.string().min(1).max(60),
  numbers: z.array(z.string().max(40, "That is too long to be a phone number.")).max(10, "Give at most 10 numbers.").default([]),
  calls: z.array(callDescriptionInput).default([]),
  contact: contactInput.optional(),
  identityVerification: z.string().max(500).optional(),
  /** The day the information arrived ("25/11/2026"); today unless given. */
  receivedOn: z.string().max(20).optional(),
});

export type AddSubjectAccessInformationInput = z.input<typeof addSubjectAccessInformationInput>;

export async function addSubjectAccessInformation(ctx: CoreContext, raw: AddSubjectAccessInformationInput): Promise<SubjectAccessView> {
  return withRefusalAudit(ctx, { actorEmail: raw.actorEmail, action: "subject-access.refused", command: "add-subject-access-information", reference: raw.reference }, () => attempt(ctx, raw));
}

async function attempt(ctx: CoreContext, raw: AddSubjectAccessInformationInput): Promise<SubjectAccessView> {
  const input = parseInput(addSubjectAccessInformationInput, raw);
  const today = todayFor(ctx);
  const numbers = input.numbers.length > 0 ? normaliseNumbers(input.numbers) : [];
  const described = parseCallDescriptions(input.calls, today);
  const contact = readContact(input.contact);
  const identity = readIdentityVerification(input.identityVerification);
  const arrivedOn = readArrivedOn(input.receivedOn, today);
  if (numbers.length === 0 && described.length === 0 && Object.keys(contact).length === 0 && !identity) {
    throw new AppError("INVALID_INPUT", "Add something: a phone number, a call's day with an approximate time or extension, contact details or the identity check.", "numbers");
  }

  const actor = requireCaseHandler(ctx.policy, input.actorEmail, await findSubjectAccess(ctx.db, input.reference));

  const id = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const sar = await lockSubjectAccess(tx, input.reference);
    requireOpen(sar);
    if (identity && sar.identityVerification) throw new AppError("ALREADY_DONE", `${sar.reference} already records identity as verified (${sar.identityVerification}).`, "identityVerification");

    const allNumbers = [...new Set([...sar.numbers, ...numbers])];
    const known = readCallDescriptions(sar.callDescriptions);
    const allDescriptions = [...known, ...described.filter((d) => !known.some((k) => JSON.stringify(k) === JSON.stringify(d)))];
    const identityNow = sar.identityVerification ?? (identity || null);
    const missing = missingInformation({ numbers: allNumbers, descriptions: allDescriptions, identity: identityNow });

    const existing = new Set((await tx.subjectAccessItem.findMany({ where: { sarId: sar.id }, select: { recordingId: true } })).map((i) => i.recordingId));
    const calls = (await findCallsFor(tx, ctx.policy, allNumbers, allDescriptions, now)).filter((r) => !existing.has(r.id));
    if (calls.length > 0) await tx.subjectAccessItem.createMany({ data: calls.map((r) => ({ sarId: sar.id, recordingId: r.id, matchedBy: r.matchedBy })) });
    const hold = await tx.hold.findUnique({ where: { subjectAccessId: sar.id } });
    if (hold && calls.length > 0) await tx.heldRecording.createMany({ data: calls.map((r) => ({ holdId: hold.id, recordingId: r.id })), skipDuplicates: true });
    if (hold && numbers.length > 0) await tx.hold.update({ where: { id: hold.id }, data: { maskedNumbers: allNumbers.map(maskPhoneNumber) } });

    // A pause intake set ends when nothing is missing; a pause the owner set (clarification) stays theirs to end.
    const intakePause = sar.pausedSince !== null && isIntakePause(sar.pauseReason);
    const resume = intakePause && missing.length === 0;
    if (resume && arrivedOn.getTime() < sar.pausedSince!.getTime()) {
      throw new AppError("INVALID_INPUT", `The clock was paused on ${calendarText(sar.pausedSince!)}; the information cannot have arrived before that.`, "receivedOn");
    }
    const pausedDays = resume ? sar.pausedDays + daysBetween(sar.pausedSince!, arrivedOn) : sar.pausedDays;
    const dueOn = resume ? dueOnFor(ctx.policy, { receivedOn: sar.receivedOn, pausedDays, extendedByMonths: sar.extendedByMonths }) : sar.dueOn;
    const moved = dueOn.getTime() !== sar.dueOn.getTime();
    const { count } = await tx.subjectAccessRequest.updateMany({
      where: { id: sar.id, status: "OPEN" },
      data: {
        numbers: allNumbers,
        callDescriptions: descriptionsJson(allDescriptions),
        awaitingInformation: missing,
        ...(identity ? { identityVerification: identity } : {}),
        ...(contact.email ? { contactEmail: contact.email } : {}),
        ...(contact.phone ? { contactPhone: contact.phone } : {}),
        ...(contact.address ? { contactAddress: contact.address } : {}),
        ...(resume ? { pausedSince: null, pauseReason: null, pausedDays, dueOn } : intakePause ? { pauseReason: pauseReasonFor(missing) } : {}),
        ...(moved ? { reminded7At: null, reminded1At: null, overdueNotifiedAt: null } : {}),
      },
    });
    if (count !== 1) throw new AppError("CONFLICT", `${sar.reference} changed while you were adding to it. Look at it again and retry.`);

    await appendAudit(tx, {
      at: now,
      actor: actor.email,
      action: "subject-access.information-added",
      subjectType: "subject-access",
      subjectId: sar.id,
      details: {
        reference: sar.reference,
        maskedNumbersAdded: numbers.filter((n) => !sar.numbers.includes(n)).map(maskPhoneNumber),
        callsDescribed: allDescriptions.length - known.length,
        contactRecorded: Object.keys(contact).length > 0,
        identityRecorded: identity.length > 0,
        callsFound: calls.length,
        awaitingInformation: missing,
        resumed: resume,
        ...(resume ? { arrivedOn: isoDate(arrivedOn), pausedDays, dueOn: isoDate(dueOn) } : {}),
      },
    });
    const lines = [
      `${actor.name} added information${calls.length > 0 ? `: ${calls.length} more call${calls.length === 1 ? "" : "s"} found and placed on hold ${hold?.reference ?? ""}`.trimEnd() : ""}.`,
      missing.length > 0 ? `Still awaiting: ${missing.map((m) => MISSING_TEXT[m]).join("; ")}.` : resume ? `Nothing is missing now: the clock restarted on ${calendarText(arrivedOn)} and it is due by ${calendarText(dueOn)}.` : `Nothing is missing now; it is due by ${calendarText(dueOn)}.`,
    ];
    await enqueueNotices(tx, now, subjectAccessTeam(ctx.policy, sar.ownerEmail, actor.email).map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `Subject access request ${sar.reference}: information added`, lines } })));
    return sar.id;
  });
  return buildSubjectAccessView(ctx, await loadSubjectAccess(ctx.db, id));
}
