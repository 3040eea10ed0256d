/**
 * Subject access intake, shared by logging a request (any member of staff)
 * and adding information to it later (its owner): the channel it came by,
 * the subject's contact details (kept with the case, never in the audit log),
 * the calls as the subject described them (by number, or by date with an
 * approximate time, direction or extension), what is still missing, and who
 * owns the case and may close, refuse or extend it.
 */
import { z } from "zod";
import type { SubjectAccessRequest } from "../../generated/prisma/client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { Tx } from "../context.ts";
import { calendarText, isoDate, parseCalendarDate } from "../calendar.ts";
import { AppError } from "../errors.ts";
import { zonedInstant } from "../format.ts";
import { tryNormalisePhoneNumber } from "../phone.ts";
import { dpoNames, findPerson, holdsRole, isDpo, peopleWithRoles, personByEmail } from "../policy/access.ts";
import { SUBJECT_ACCESS_CHANNELS, type Person, type Policy } from "../policy/schema.ts";
import { cleanFreeText } from "../validation.ts";
import { findSubjectRecordings, isWithinRetention, oldestRetainedStart } from "./find-subject-recordings.ts";
import { IDENTITY_PAUSE_REASON, maskNumbersIn } from "./subject-access-rules.ts";

export type SubjectAccessChannel = (typeof SUBJECT_ACCESS_CHANNELS)[number];

export const CHANNEL_TEXT: Record<SubjectAccessChannel, string> = {
  letter: "letter",
  email: "e-mail",
  phone: "phone",
  "in-person": "in person",
  "web-form": "web form",
};

/** A described call is matched within this many minutes either side of the time given. */
export const APPROXIMATE_TIME_MINUTES = 60;

export const MAX_DESCRIBED_CALLS = 10;

/** How a pause reads while the request waits for what identifies the calls. */
export const INFORMATION_PAUSE_REASON = "waiting for information";

/** One call as the subject described it, stored with the case. */
export interface CallDescription {
  /** The day, ISO, in the organisation's time zone. */
  on: string;
  /** Approximate time "HH:MM", or null. */
  at: string | null;
  direction: "INBOUND" | "OUTBOUND" | null;
  extension: string | null;
}

export const callDescriptionInput = z.strictObject({
  /** The day of the call: "2026-11-10" or "10/11/2026". */
  on: z.union([z.date(), z.string().max(20)]),
  /** About when, "14:30" (24-hour clock). */
  at: z.string().max(10).optional(),
  /** Whether the subject rang in or was rung. */
  direction: z.enum(["inbound", "outbound"], "Say whether the call was inbound (the subject rang us) or outbound (we rang them).").optional(),
  /** The extension that took or made the call. */
  extension: z.string().max(20).optional(),
});
export type CallDescriptionInput = z.input<typeof callDescriptionInput>;

export const contactInput = z.strictObject({
  email: z.string().max(320).optional(),
  phone: z.string().max(40).optional(),
  address: z.string().max(600).optional(),
});
export type ContactInput = z.input<typeof contactInput>;

export interface ContactDetails {
  email?: string;
  phone?: string;
  address?: string;
}

export function readChannel(value: string): SubjectAccessChannel {
  const channel = value.trim().toLowerCase();
  if (!(SUBJECT_ACCESS_CHANNELS as readonly string[]).includes(channel)) {
    throw new AppError("INVALID_INPUT", `Say how the request came in: ${SUBJECT_ACCESS_CHANNELS.map((c) => CHANNEL_TEXT[c]).join(", ")}.`, "channel");
  }
  return channel as SubjectAccessChannel;
}

/**
 * Whether the policy asks for requests by this channel, and if not what to
 * tell the person logging it. A request by any channel is valid in UK law,
 * so it is never refused for the way it came.
 */
export function channelAdvice(policy: Policy, channel: SubjectAccessChannel): string | null {
  const asked = policy.subjectAccess.channels;
  if (asked.includes(channel)) return null;
  const written = asked.every((c) => c === "letter" || c === "email" || c === "web-form");
  const list = asked.map((c) => CHANNEL_TEXT[c]).join(", ");
  return written
    ? `The policy asks for subject access requests in writing (${list}). A request made ${channel === "in-person" ? "in person" : `by ${CHANNEL_TEXT[channel]}`} is still valid in law, so it has been logged and the clock runs from today: ask the person to confirm it in writing if they can, but do not make them.`
    : `The policy asks for subject access requests by ${list}. A request made ${channel === "in-person" ? "in person" : `by ${CHANNEL_TEXT[channel]}`} is still valid in law, so it has been logged and the clock runs as usual.`;
}

/** Reads the subject's contact details: a real e-mail address, a valid phone number, an address without card numbers. */
export function readContact(raw: ContactInput | undefined): ContactDetails {
  if (!raw) return {};
  const out: ContactDetails = {};
  const email = raw.email?.trim();
  if (email) {
    if (!z.email().safeParse(email).success) throw new AppError("INVALID_INPUT", "The subject's e-mail address is not a valid e-mail address.", "contactEmail");
    out.email = email.toLowerCase();
  }
  const phone = raw.phone?.trim();
  if (phone) {
    const e164 = tryNormalisePhoneNumber(phone);
    if (!e164) throw new AppError("INVALID_NUMBER", "The subject's contact number is not a valid phone number. Write it as you would dial it, for example 020 7946 0001.", "contactPhone");
    out.phone = e164;
  }
  const address = raw.address === undefined ? "" : cleanFreeText(raw.address, "contactAddress");
  if (address.length > 500) throw new AppError("INVALID_INPUT", "The postal address is too long (at most 500 characters).", "contactAddress");
  if (address) out.address = address;
  return out;
}

/**
 * Reads described calls. Each needs a day and either an approximate time or
 * the extension: a day alone (or a day and a direction) would find other
 * people's calls.
 */
export function readCallDescriptions(raw: unknown): CallDescription[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter((d): d is CallDescription => typeof d === "object" && d !== null && typeof (d as CallDescription).on === "string");
}

export function parseCallDescriptions(raw: readonly CallDescriptionInput[], today: Date): CallDescription[] {
  if (raw.length > MAX_DESCRIBED_CALLS) throw new AppError("INVALID_INPUT", `Describe at most ${MAX_DESCRIBED_CALLS} calls.`, "calls");
  return raw.map((d, i) => {
    const which = raw.length === 1 ? "The call" : `Call ${i + 1}`;
    const day = d.on instanceof Date ? (Number.isNaN(d.on.getTime()) ? undefined : parseCalendarDate(d.on.toISOString().slice(0, 10))) : parseCalendarDate(d.on);
    if (!day) throw new AppError("INVALID_INPUT", `${which}: give the day as a real date, for example 10/11/2026.`, "calls");
    if (day.getTime() > today.getTime()) throw new AppError("DATE_IN_FUTURE", `${which}: the day cannot be after today (${calendarText(today)}).`, "calls");
    let at: string | null = null;
    if (d.at?.trim()) {
      const m = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/.exec(d.at.trim());
      if (!m) throw new AppError("INVALID_INPUT", `${which}: give the time on the 24-hour clock, for example 14:30.`, "calls");
      at = `${m[1]!.padStart(2, "0")}:${m[2]}`;
    }
    const extension = d.extension?.trim() ? d.extension.trim() : null;
    if (extension !== null && !/^[0-9A-Za-z*#-]{1,20}$/.test(extension)) throw new AppError("INVALID_INPUT", `${which}: an extension is digits, for example 201.`, "calls");
    if (at === null && extension === null) {
      throw new AppError("INVALID_INPUT", `${which}: give an approximate time or the extension as well as the day, so that only the subject's calls are found.`, "calls");
    }
    return { on: isoDate(day), at, direction: d.direction ? (d.direction === "inbound" ? "INBOUND" : "OUTBOUND") : null, extension };
  });
}

/** "10/11/2026 around 14:30, inbound, extension 201" */
export function describeCall(d: CallDescription): string {
  const [y, m, day] = d.on.split("-");
  return [`${day}/${m}/${y}${d.at ? ` around ${d.at}` : ""}`, d.direction ? d.direction.toLowerCase() : null, d.extension ? `extension ${d.extension}` : null].filter(Boolean).join(", ");
}

/** One call found for the request, and how. */
export interface FoundCall {
  id: string;
  blobName: string | null;
  matchedBy: "number" | "description";
}

/** Calls for the subject's numbers, then those matching a description (each once, number first). */
export async function findCallsFor(tx: Tx, policy: Policy, numbers: readonly string[], descriptions: readonly CallDescription[], now: Date): Promise<FoundCall[]> {
  const found = new Map<string, FoundCall>();
  for (const r of await findSubjectRecordings(tx, policy, numbers, now)) found.set(r.id, { id: r.id, blobName: r.blobName, matchedBy: "number" });
  const oldest = oldestRetainedStart(policy, now);
  const timeZone = policy.organisation.timeZone;
  for (const d of descriptions) {
    const from = d.at ? new Date(zonedInstant(d.on, d.at, timeZone).getTime() - APPROXIMATE_TIME_MINUTES * 60_000) : zonedInstant(d.on, "00:00", timeZone);
    const to = d.at ? new Date(zonedInstant(d.on, d.at, timeZone).getTime() + APPROXIMATE_TIME_MINUTES * 60_000) : new Date(zonedInstant(d.on, "00:00", timeZone).getTime() + 86_400_000 + 3_600_000);
    const rows = await tx.recording.findMany({
      where: {
        startedAt: { gte: from.getTime() < oldest.getTime() ? oldest : from, lt: to },
        ...(d.direction ? { direction: d.direction } : {}),
        ...(d.extension ? { extension: d.extension } : {}),
      },
      orderBy: [{ startedAt: "asc" }, { callId: "asc" }],
      select: { id: true, blobName: true, startedAt: true, siteId: true, retentionClass: true },
      take: 200,
    });
    for (const r of rows) {
      // A day without a time reaches into the next day's first hour only for clock changes: keep the day itself.
      if (!d.at && isoDateIn(r.startedAt, timeZone) !== d.on) continue;
      if (!found.has(r.id) && isWithinRetention(policy, r, now)) found.set(r.id, { id: r.id, blobName: r.blobName, matchedBy: "description" });
    }
  }
  return [...found.values()];
}

function isoDateIn(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
  return parts;
}

export type MissingInformation = "calls" | "identity";

/** What the request still needs: something that identifies the calls, and proof of identity. */
export function missingInformation(facts: { numbers: readonly string[]; descriptions: readonly CallDescription[]; identity: string | null }): MissingInformation[] {
  const missing: MissingInformation[] = [];
  if (facts.numbers.length === 0 && facts.descriptions.length === 0) missing.push("calls");
  if (!facts.identity) missing.push("identity");
  return missing;
}

/** The pause reason for what is missing (identity first, as resume-subject-access reads it). */
export function pauseReasonFor(missing: readonly MissingInformation[]): string {
  if (missing.includes("identity")) return missing.includes("calls") ? `${IDENTITY_PAUSE_REASON} and for what identifies the calls` : IDENTITY_PAUSE_REASON;
  return `${INFORMATION_PAUSE_REASON}: what identifies the calls`;
}

/** Whether the request's pause is one intake set (for identity or information), which adding information ends. */
export function isIntakePause(reason: string | null): boolean {
  return reason !== null && (reason === IDENTITY_PAUSE_REASON || reason.startsWith(`${IDENTITY_PAUSE_REASON} and`) || reason.startsWith(INFORMATION_PAUSE_REASON));
}

export const MISSING_TEXT: Record<MissingInformation, string> = { calls: "what identifies the calls (a phone number, or the day with an approximate time or the extension)", identity: "proof of the requester's identity" };

/**
 * Who owns a request logged by `logger`: the owner asked for (who must hold
 * an owner role); else the logger if they hold one; else the first person
 * holding the policy's first owner role that anyone holds. A member of
 * staff's request for their own calls goes to `employeeOwnerRoles` where the
 * policy names them (Oxford Open Learning: the HR manager).
 */
export function chooseOwner(policy: Policy, logger: Person, asked?: string, subjectIsStaff = false): Person {
  const roles = subjectIsStaff && policy.subjectAccess.employeeOwnerRoles ? policy.subjectAccess.employeeOwnerRoles : policy.subjectAccess.ownerRoles;
  if (asked?.trim()) {
    const owner = findPerson(policy, asked.trim());
    if (!owner || !holdsRole(policy, owner, roles)) throw new AppError("INVALID_INPUT", `${asked.trim().slice(0, 80)} does not handle ${subjectIsStaff ? "staff's requests for their own calls" : "subject access requests"} under the policy. Leave the owner out and it goes to ${ownerNames(policy, roles)}.`, "owner");
    return owner;
  }
  if (holdsRole(policy, logger, roles)) return logger;
  for (const role of roles) {
    const first = peopleWithRoles(policy, [role])[0];
    if (first) return first;
  }
  throw new AppError("NOT_SET_UP", "Nobody in the policy handles subject access requests (subjectAccess.ownerRoles): ask the DPO to name someone.");
}

function ownerNames(policy: Policy, roles: readonly string[]): string {
  const people = peopleWithRoles(policy, roles);
  return people.length ? people.map((p) => p.name).join(" or ") : "the people who handle subject access requests";
}

/**
 * The person acting on `sar` if they own it, or are a DPO where the policy's
 * `dpoMayClose` allows; refused (FORBIDDEN) otherwise.
 */
export function requireCaseHandler(policy: Policy, email: string, sar: Pick<SubjectAccessRequest, "ownerEmail" | "reference">): Person {
  const person = personByEmail(policy, email);
  if (person.email === sar.ownerEmail) return person;
  if (policy.subjectAccess.dpoMayClose && isDpo(policy, person)) return person;
  const owner = findPerson(policy, sar.ownerEmail)?.name ?? sar.ownerEmail;
  throw new AppError("FORBIDDEN", policy.subjectAccess.dpoMayClose ? `Only ${owner}, who owns ${sar.reference}, or the Data Protection Officer (${dpoNames(policy)}) can do that.` : `Only ${owner}, who owns ${sar.reference}, can do that.`);
}

/** Stored descriptions as JSON for Prisma. */
export function descriptionsJson(descriptions: readonly CallDescription[]): Prisma.InputJsonArray {
  return descriptions.map((d) => ({ on: d.on, at: d.at, direction: d.direction, extension: d.extension }));
}

/** How the subject's identity was verified, as typed (masked for numbers); "" when left out. */
export function readIdentityVerification(text: string | undefined): string {
  return text === undefined ? "" : maskNumbersIn(cleanFreeText(text, "identityVerification"));
}

/** The day information for a request arrived: `today` unless a day is given, never after today. */
export function readArrivedOn(text: string | undefined, today: Date): Date {
  if (!text?.trim()) return today;
  const parsed = parseCalendarDate(text);
  if (!parsed) throw new AppError("INVALID_INPUT", "Give the date the information arrived as a real date, for example 25/11/2026.", "receivedOn");
  if (parsed.getTime() > today.getTime()) throw new AppError("DATE_IN_FUTURE", `The date the information arrived cannot be after today (${calendarText(today)}).`, "receivedOn");
  return parsed;
}

