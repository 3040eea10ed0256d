/**
 * Opens a subject access request (UK GDPR Article 15) for a data subject's
 * phone numbers. In one transaction: the request with its deadline, every
 * call found for those numbers within retention as an item, and a
 * SUBJECT_ACCESS hold on all of them, so retention cannot delete what the
 * subject is entitled to while the request is open.
 *
 * Without proof of identity, and where the policy pauses the clock for it,
 * the request opens paused from the day of receipt ("waiting for identity"):
 * the ICO's time limit starts when the proof arrives (see deadline.ts).
 */
import { z } from "zod";
import type { Hold } from "../../generated/prisma/client.ts";
import type { CoreContext, Tx } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { parseInput, withRefusalAudit } from "../guards.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { maskPhoneNumber, tryNormalisePhoneNumber } from "../phone.ts";
import { nextReference } from "../references.ts";
import { cleanFreeText } from "../validation.ts";
import { calendarDate, calendarText, isoDate, parseCalendarDate } from "../calendar.ts";
import { findSubjectRecordings } from "./find-subject-recordings.ts";
import { buildSubjectAccessView, loadSubjectAccess, type SubjectAccessView } from "./subject-access-view.ts";
import { readIdentityVerification } from "./subject-access-intake.ts";
import { dueOnFor, IDENTITY_PAUSE_REASON, requireSubjectAccessOwner, subjectAccessTeam, todayFor } from "./subject-access-rules.ts";

const MAX_NUMBERS = 10;

export const openSubjectAccessInput = z.strictObject({
  actorEmail: z.string().min(1).max(320),
  /** The data subject's name as they gave it. */
  subjectName: z.string().max(200, "The name is too long (at most 200 characters)."),
  /** One or more numbers the subject uses, as typed (UK by default). */
  numbers: z.array(z.string().max(40, "That is too long to be a phone number.")).min(1, "Give at least one phone number the subject uses.").max(MAX_NUMBERS, `Give at most ${MAX_NUMBERS} numbers.`),
  /** How identity was verified, e.g. "passport seen in person". Leave out while still waiting for proof. */
  identityVerification: z.string().max(500).optional(),
  /** The day the request was received: a Date, "2026-11-20" or "20/11/2026". */
  receivedOn: z.union([z.date(), z.string().max(20)]),
});

export type OpenSubjectAccessInput = z.input<typeof openSubjectAccessInput>;

export async function openSubjectAccess(ctx: CoreContext, raw: OpenSubjectAccessInput): Promise<SubjectAccessView> {
  return withRefusalAudit(ctx, { actorEmail: raw.actorEmail, action: "subject-access.refused", command: "open-subject-access" }, () => attemptOpenSubjectAccess(ctx, raw));
}

async function attemptOpenSubjectAccess(ctx: CoreContext, raw: OpenSubjectAccessInput): Promise<SubjectAccessView> {
  const input = parseInput(openSubjectAccessInput, raw);
  const actor = requireSubjectAccessOwner(ctx.policy, input.actorEmail);

  const subjectName = readSubjectName(input.subjectName);
  const numbers = normaliseNumbers(input.numbers);
  const identity = readIdentityVerification(input.identityVerification);
  const receivedOn = readReceivedOn(input.receivedOn, todayFor(ctx));
  const pauseForIdentity = identity.length === 0 && ctx.policy.subjectAccess.pauseClockForIdentity;

  const id = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const reference = await nextReference(tx, "SAR");
    const found = await findSubjectRecordings(tx, ctx.policy, numbers, now);
    const dueOn = dueOnFor(ctx.policy, { receivedOn, pausedDays: 0, extendedByMonths: 0 });
    const sar = await tx.subjectAccessRequest.create({
      data: {
        reference,
        subjectName,
        numbers,
        identityVerification: identity || null,
        receivedOn,
        pausedSince: pauseForIdentity ? receivedOn : null,
        pauseReason: pauseForIdentity ? IDENTITY_PAUSE_REASON : null,
        dueOn,
        ownerEmail: actor.email,
        openedAt: now,
        awaitingInformation: identity ? [] : ["identity"],
      },
    });
    const { hold, maskedNumbers } = await holdSubjectCalls(tx, { sarId: sar.id, reference, numbers, found, actorEmail: actor.email, now }, (held) => ({
      reference,
      maskedNumbers: held.maskedNumbers,
      receivedOn: isoDate(receivedOn),
      dueOn: isoDate(dueOn),
      identityVerified: identity.length > 0,
      paused: pauseForIdentity,
      recordings: held.recordings,
      callLogs: held.callLogs,
      holdReference: held.holdReference,
    }));
    const lines = [
      `Opened by ${actor.name} for ${maskedNumbers.join(", ")}.`,
      `Received ${calendarText(receivedOn)}; ${pauseForIdentity ? "the clock is paused until identity is verified" : `due by ${calendarText(dueOn)}`}.`,
      `${found.length} call${found.length === 1 ? "" : "s"} found and placed on hold ${hold.reference}.`,
    ];
    await enqueueNotices(
      tx,
      now,
      subjectAccessTeam(ctx.policy, actor.email, actor.email).map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `Subject access request ${reference} opened`, lines } })),
    );
    return sar.id;
  });
  return buildSubjectAccessView(ctx, await loadSubjectAccess(ctx.db, id));
}

/** The subject's numbers in E.164, each once; a bad one is named by position and last digits, never in full. */
export function normaliseNumbers(typed: readonly string[]): string[] {
  const numbers: string[] = [];
  typed.forEach((text, i) => {
    const e164 = tryNormalisePhoneNumber(text);
    if (!e164) {
      // Name the number by position and its last digits, never in full.
      const digits = text.replace(/\D/g, "");
      const which = typed.length === 1 ? "The phone number" : `Phone number ${i + 1}${digits.length >= 3 ? ` (ending ${digits.slice(-3)})` : ""}`;
      throw new AppError("INVALID_NUMBER", `${which} is not a valid phone number. Write it as you would dial it, for example 020 7946 0001 or +44 20 7946 0001.`, "numbers");
    }
    if (!numbers.includes(e164)) numbers.push(e164);
  });
  return numbers;
}

/** The data subject's name as given, cleaned; at least two characters. */
export function readSubjectName(typed: string): string {
  const subjectName = cleanFreeText(typed, "subjectName");
  if (subjectName.length < 2) throw new AppError("INVALID_INPUT", "Give the data subject's name.", "subjectName");
  return subjectName;
}

/** The day a request was received, as a calendar date; never after `today`. */
export function readReceivedOn(value: Date | string, today: Date): Date {
  const receivedOn = readReceivedDay(value);
  if (receivedOn.getTime() > today.getTime()) throw new AppError("DATE_IN_FUTURE", `The date received cannot be after today (${calendarText(today)}).`, "receivedOn");
  return receivedOn;
}

function readReceivedDay(value: Date | string): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new AppError("INVALID_INPUT", "That date received is not a real date.", "receivedOn");
    return calendarDate(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate());
  }
  const date = parseCalendarDate(value);
  if (!date) throw new AppError("INVALID_INPUT", "Give the date received as a real date, for example 20/11/2026 or 2026-11-20.", "receivedOn");
  return date;
}

/** What the hold on a new request's calls put in its "subject-access.opened" entry. */
export interface HeldSubjectCalls {
  maskedNumbers: string[];
  holdReference: string;
  /** Calls found with audio, and those known only from the call log. */
  recordings: number;
  callLogs: number;
}

/**
 * A new request's calls, shared by opening and logging one, inside the
 * transaction that created the request: each call found as an item, a
 * SUBJECT_ACCESS hold on them all, then the "subject-access.opened" entry
 * (with `openedDetails`) and the "hold.placed" entry, in that order.
 */
export async function holdSubjectCalls(
  tx: Tx,
  opened: { sarId: string; reference: string; numbers: readonly string[]; found: ReadonlyArray<{ id: string; blobName: string | null; matchedBy?: string }>; actorEmail: string; now: Date },
  openedDetails: (held: HeldSubjectCalls) => Record<string, unknown>,
): Promise<{ hold: Hold; maskedNumbers: string[] }> {
  const { sarId, reference, found, actorEmail, now } = opened;
  if (found.length > 0) await tx.subjectAccessItem.createMany({ data: found.map((r) => ({ sarId, recordingId: r.id, matchedBy: r.matchedBy })) });
  const maskedNumbers = opened.numbers.map(maskPhoneNumber);
  const hold = await tx.hold.create({
    data: { reference: await nextReference(tx, "HOLD"), kind: "SUBJECT_ACCESS", reason: `Subject access request ${reference}`, maskedNumbers, createdBy: actorEmail, createdAt: now, subjectAccessId: sarId },
  });
  if (found.length > 0) await tx.heldRecording.createMany({ data: found.map((r) => ({ holdId: hold.id, recordingId: r.id })) });

  const withAudio = found.filter((r) => r.blobName !== null).length;
  await appendAudit(tx, {
    at: now,
    actor: actorEmail,
    action: "subject-access.opened",
    subjectType: "subject-access",
    subjectId: sarId,
    details: openedDetails({ maskedNumbers, holdReference: hold.reference, recordings: withAudio, callLogs: found.length - withAudio }),
  });
  await appendAudit(tx, {
    at: now,
    actor: actorEmail,
    action: "hold.placed",
    subjectType: "hold",
    subjectId: hold.id,
    details: { reference: hold.reference, kind: "SUBJECT_ACCESS", subjectAccess: reference, maskedNumbers, recordings: found.length },
  });
  return { hold, maskedNumbers };
}
