/**
 * A member of staff asks to hear (or see the log of) one call. The policy
 * decides whether they may, for which purpose, and who must authorise it.
 */
import { z } from "zod";
import type { CoreContext, Tx } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { parseInput, withRefusalAudit } from "../guards.ts";
import { addDays, daysBetween, isoDate, parseCalendarDate, todayIn } from "../calendar.ts";
import { zonedInstant } from "../format.ts";
import { nextReference } from "../references.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { maskPhoneNumber, normalisePhoneNumber } from "../phone.ts";
import { authorisersFor, conflictedPeople, dpoNames, filledSlots, findPerson, mayRequest, personByEmail, purposeById } from "../policy/access.ts";
import { subtractDuration } from "../policy/duration.ts";
import { retentionFor } from "../policy/retention.ts";
import { DISCLOSURE_PURPOSE_ID, type Person, type Policy, type Purpose } from "../policy/schema.ts";
import { cleanFreeText, cleanText } from "../validation.ts";
import { loadRequestView, type RequestView } from "./request-view.ts";
import { afterAuthorisation } from "./fulfilment-steps.ts";
import { loadRequest } from "./load-request.ts";

export const submitRequestInput = z.object({
  requesterEmail: z.string().min(1).max(320),
  purposeId: z.string().min(1).max(100),
  type: z.enum(["recording", "call-log"]).default("recording"),
  siteId: z.string().max(100).optional(),
  /** The call's date, YYYY-MM-DD, in the organisation's time zone. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Give the date as a calendar date."),
  /**
   * Approximate time, HH:MM (24-hour), in the organisation's time zone. Left
   * out (or empty) only where `requesting.callTime` is `if-known`: then the
   * whole day is searched.
   */
  time: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Give the time as HH:MM, for example 14:30.").optional()),
  /**
   * The last day of a range (YYYY-MM-DD), where the requester knows only
   * that the call was between `date` and this day; allowed up to
   * `requesting.maxRangeDays` days. Whole days are searched.
   */
  dateTo: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Give the last day as a calendar date.").optional()),
  /** How far either side of `time` the call may have been. */
  windowMinutes: z.number().int().min(5, "The window must be at least 5 minutes either side.").max(24 * 60).default(30),
  direction: z.enum(["inbound", "outbound", "internal"]).optional(),
  number: z.string().max(40).optional(),
  extension: z.string().max(20).optional(),
  parties: z.string().max(500).optional(),
  reason: z.string().max(2000, "Keep the reason under 2,000 characters."),
  /** The recorded employee, where the purpose needs their consent. */
  employeeEmail: z.string().max(320).optional(),
  /** The member of staff the request concerns, where the purpose asks (purpose.concernsStaffMember). */
  concernsEmail: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().trim().max(320).optional()),
  /** The platform's id for this submission; a retry with the same key returns the same request. */
  submissionKey: z.string().regex(/^[\x21-\x7E]{1,200}$/, "The submission key must be printable ASCII.").optional(),
});

export type SubmitRequestInput = z.input<typeof submitRequestInput>;
export type ParsedRequestInput = z.output<typeof submitRequestInput>;

export async function submitRequest(ctx: CoreContext, raw: SubmitRequestInput): Promise<RequestView> {
  return withRefusalAudit(ctx, { actorEmail: raw.requesterEmail, action: "request.refused", command: "submit-request" }, () => attemptSubmitRequest(ctx, raw));
}

async function attemptSubmitRequest(ctx: CoreContext, raw: SubmitRequestInput): Promise<RequestView> {
  const input = parseRequestInput(raw);
  const { policy } = ctx;
  const requester = personByEmail(policy, input.requesterEmail);
  const earlier = input.submissionKey ? await findSubmission(ctx, input.submissionKey, requester.email) : undefined;
  if (earlier) return earlier;
  const purpose = purposeById(policy, input.purposeId);
  if (purpose.internal) {
    // Built-in purposes have their own form (a disclosure records far more than a reason).
    throw new AppError("UNKNOWN_PURPOSE", `"${purpose.label}" is not asked for with this form. Use the disclosure form (\`disclosure new\`) instead.`, "purpose");
  }
  const draft = prepareRequest(ctx, requester, purpose, input);
  const { id } = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const created = await createRequest(tx, draft, now);
    if (created.created && draft.selfAuthorisedRole) await selfAuthorise(tx, ctx, created.id, draft, now);
    return created;
  });
  return loadRequestView(ctx.db, policy, id);
}

/**
 * A purpose the requester's own role authorises (`authorisation: requester`):
 * recorded as authorised by that role's decision, then on to consent or the
 * fulfillers as any authorised request. Nobody else is asked to approve.
 */
async function selfAuthorise(tx: Tx, ctx: CoreContext, requestId: string, draft: RequestDraft, now: Date): Promise<void> {
  const request = await loadRequest(tx, requestId);
  await appendAudit(tx, {
    at: now,
    actor: draft.requester.email,
    action: "request.self-authorised",
    subjectType: "request",
    subjectId: request.id,
    requestId: request.id,
    purposeId: draft.purpose.id,
    details: { reference: request.reference, role: draft.selfAuthorisedRole, rule: "The requester's own role decides for this purpose (authorisation: requester)" },
  });
  await afterAuthorisation(tx, ctx, request, now);
}

/** Validates raw form input, or throws INVALID_INPUT naming the field. */
export function parseRequestInput(raw: SubmitRequestInput): ParsedRequestInput {
  return parseInput(submitRequestInput, raw);
}

/** A request checked against the policy, ready to be written by createRequest. */
export interface RequestDraft {
  requester: Person;
  purpose: Purpose;
  type: "recording" | "call-log";
  siteId: string | null;
  windowStart: Date;
  windowEnd: Date;
  direction: "INBOUND" | "OUTBOUND" | "INTERNAL" | null;
  /** E.164; never audited in full. */
  number: string | null;
  extension: string | null;
  parties: string | null;
  reason: string;
  employeeEmail: string | null;
  /** The member of staff the request concerns (never its authoriser), where the purpose asks. */
  concernsEmail: string | null;
  /** The requester's role label, where the purpose is authorised by the requester's own role. */
  selfAuthorisedRole: string | null;
  /** Everyone asked to authorise (never the requester, the staff member concerned or a party to the call). */
  authorisers: Person[];
  submissionKey: string | null;
}

export interface PrepareOptions {
  /**
   * Where the site cannot be worked out, leave it open (the call is searched
   * for at every site) rather than ask: a disclosure is made by the DPO, who
   * may belong to no site.
   */
  siteMayBeOpen?: boolean;
  /**
   * The requester may also authorise: a disclosure an outside party asked
   * for, recorded by a sole DPO whom the policy lets decide it
   * (`disclosure.recorderMayAuthorise`).
   */
  requesterMayAuthorise?: boolean;
  /** People who may not authorise this request although their role could (a member of staff who asked for the disclosure). */
  excludeAuthorisers?: readonly string[];
}

/**
 * Every check a request must pass before it is written: the person may ask
 * for this purpose at this site; the call is in the past and within
 * retention; the window is narrow enough; the number parses; something
 * says which call it was (the number or extension, or where the policy takes
 * them "if known", the parties); the reason is long enough; someone other
 * than the requester can give every approval.
 * Throws the first problem, naming the form field.
 */
export function prepareRequest(ctx: CoreContext, requester: Person, purpose: Purpose, input: ParsedRequestInput, options: PrepareOptions = {}): RequestDraft {
  const { policy } = ctx;
  const now = ctx.clock.now();
  const siteId = resolveSite(policy, requester, input.siteId, options.siteMayBeOpen ?? false);
  if (!mayRequest(policy, requester, purpose, siteId)) {
    throw new AppError("FORBIDDEN", `You cannot request recordings for "${purpose.label}"${siteId ? ` at ${siteName(policy, siteId)}` : ""}. Ask your Data Protection Officer if you think you should.`, "purpose");
  }
  if (!purpose.requestTypes.includes(input.type)) {
    throw new AppError("INVALID_INPUT", `"${purpose.label}" allows only ${purpose.requestTypes.join(" or ")} requests.`, "type");
  }

  const { windowStart, windowEnd } = searchWindow(policy, input, now);
  const oldest = subtractDuration(now, retentionFor(policy, { siteId }));
  if (windowEnd < oldest) {
    throw new AppError("DATE_TOO_OLD", "That call is older than the organisation keeps recordings, so it will have been deleted.", "date");
  }

  if (policy.requesting.callDirection === "required" && !input.direction && !purpose.internal) {
    throw new AppError("INVALID_INPUT", "Say whether the call was inbound or outbound: the organisation's policy asks for it, so the call can be found.", "direction");
  }
  const number = input.number?.trim() ? normalisePhoneNumber(input.number, "number") : null;
  const extension = cleanText(input.extension ?? "") || null;
  if (extension && !/^[0-9*#]{1,10}$/.test(extension)) throw new AppError("INVALID_INPUT", "An extension is digits only, for example 201.", "extension");
  const parties = cleanFreeText(input.parties ?? "", "parties") || null;
  // A disclosure form follows disclosure.callNumber (NWH release form: "telephone number (if known)"); its day and time and the
  // form's details are then all the fulfillers have, and they pick the call. Other requests follow requesting.callNumber.
  const disclosureForm = purpose.id === DISCLOSURE_PURPOSE_ID;
  const callNumber = disclosureForm ? policy.disclosure.callNumber : policy.requesting.callNumber;
  if (!number && !extension && !purpose.ownCallsOnly) {
    if (callNumber !== "if-known") throw new AppError("INVALID_INPUT", "Give the external number or the extension, so the call can be found.", "number");
    // "If known" (ECS): the names of the parties may be all the requester has, but something must say which call it was.
    if (!parties && !disclosureForm) {
      throw new AppError("INVALID_INPUT", "Nothing in the request says which call it was: give the external number, the extension or the names of the people on the call (any one of them will do), so it can be found.", "number");
    }
  }
  const reason = cleanFreeText(input.reason, "reason");
  if (reason.length < purpose.minReasonLength) {
    throw new AppError("REASON_TOO_SHORT", `Please explain a little more: "${purpose.label}" needs a reason of at least ${purpose.minReasonLength} characters (you wrote ${reason.length}).`, "reason");
  }

  let employeeEmail: string | null = null;
  if (purpose.consent === "recorded-employee") {
    const employee = input.employeeEmail ? findPerson(policy, input.employeeEmail) : undefined;
    if (!employee) throw new AppError("INVALID_INPUT", `"${purpose.label}" needs the recorded employee's consent: choose the member of staff on the call.`, "employeeEmail");
    employeeEmail = employee.email;
  }

  const concernsEmail = concernedStaffMember(policy, purpose, input.concernsEmail);
  const extensionOfCall = purpose.ownCallsOnly && !extension ? null : extension;
  const conflicted = conflictedPeople(policy, { concernsEmail, employeeEmail, parties, extension: extensionOfCall });
  const excluded = new Set([...(options.requesterMayAuthorise ? [] : [requester.email]), ...(options.excludeAuthorisers ?? [])]);
  const eligible = authorisersFor(policy, purpose, siteId).filter((p) => !excluded.has(p.email));
  const authorisers = eligible.filter((p) => !conflicted.has(p.email));
  if (filledSlots(policy, purpose.approvals, authorisers, siteId) < purpose.approvals.length) {
    if (filledSlots(policy, purpose.approvals, eligible, siteId) === purpose.approvals.length) {
      throw new AppError("CONFLICT_OF_INTEREST", deadEndMessage(policy, purpose, siteId, requester, conflicted, options.excludeAuthorisers ?? []), concernsEmail ? "concernsEmail" : "parties");
    }
    throw new AppError("FORBIDDEN", `Nobody other than you can authorise "${purpose.label}" requests${siteId ? ` for ${siteName(policy, siteId)}` : ""}, and you cannot authorise your own. Ask your Data Protection Officer.`, "purpose");
  }
  const selfAuthorisedRole = purpose.authorisation === "requester" ? requesterRoleLabel(policy, requester, purpose) : null;
  return {
    requester,
    purpose,
    type: input.type,
    siteId,
    windowStart,
    windowEnd,
    direction: input.direction ? (input.direction.toUpperCase() as "INBOUND" | "OUTBOUND" | "INTERNAL") : null,
    number,
    extension: extensionOfCall,
    parties,
    reason,
    employeeEmail,
    concernsEmail,
    selfAuthorisedRole,
    authorisers,
    submissionKey: input.submissionKey ?? null,
  };
}

/**
 * Writes a prepared request inside the caller's transaction: the row (with
 * its CG reference), the audit entry, and the notices to the requester and
 * every authoriser. A retried submission (same key) returns the request the
 * first try made, with `created: false`.
 */
export async function createRequest(tx: Tx, draft: RequestDraft, now: Date): Promise<{ id: string; reference: string; created: boolean }> {
  if (draft.submissionKey) {
    // Serialise retries of one submission so exactly one of them creates the request.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${draft.submissionKey}))`;
    const existing = await tx.recordingRequest.findUnique({ where: { submissionKey: draft.submissionKey }, select: { id: true, reference: true, requesterEmail: true } });
    if (existing) {
      if (existing.requesterEmail !== draft.requester.email) throw new AppError("CONFLICT", "That form was already submitted by someone else.");
      return { id: existing.id, reference: existing.reference, created: false };
    }
  }
  const reference = await nextReference(tx, "CG");
  const request = await tx.recordingRequest.create({
    data: {
      reference,
      submissionKey: draft.submissionKey,
      requesterEmail: draft.requester.email,
      purposeId: draft.purpose.id,
      type: draft.type === "recording" ? "RECORDING" : "CALL_LOG",
      status: "PENDING_APPROVAL",
      siteId: draft.siteId,
      windowStart: draft.windowStart,
      windowEnd: draft.windowEnd,
      direction: draft.direction,
      externalNumber: draft.number,
      extension: draft.extension,
      parties: draft.parties,
      reason: draft.reason,
      employeeEmail: draft.employeeEmail,
      concernsEmail: draft.concernsEmail,
      selfAuthorisedRole: draft.selfAuthorisedRole,
      createdAt: now,
    },
  });
  await appendAudit(tx, {
    at: now,
    actor: draft.requester.email,
    action: "request.submitted",
    subjectType: "request",
    subjectId: request.id,
    requestId: request.id,
    purposeId: draft.purpose.id,
    details: {
      reference,
      type: draft.type,
      siteId: draft.siteId,
      number: maskPhoneNumber(draft.number),
      extension: draft.extension,
      windowStart: draft.windowStart.toISOString(),
      windowEnd: draft.windowEnd.toISOString(),
      authorisers: draft.authorisers.map((a) => a.email),
      ...(draft.concernsEmail ? { concerns: draft.concernsEmail } : {}),
      ...(draft.selfAuthorisedRole ? { authorisation: "requester" } : {}),
    },
  });
  await enqueueNotices(tx, now, [
    { to: draft.requester.email, kind: "request-submitted", requestId: request.id },
    ...draft.authorisers.map((a) => ({ to: a.email, kind: "approval-needed" as const, requestId: request.id })),
  ]);
  return { id: request.id, reference, created: true };
}

/**
 * The time window a request searches: `time` ± `windowMinutes` (capped by
 * `requesting.maxWindowHours`); or, where the policy lets the time be left
 * out ("date and time if known"), the whole day; or a range of whole days
 * from `date` to `dateTo`, capped by `requesting.maxRangeDays` rather than
 * by maxWindowHours (a range is the requester saying they do not know the
 * hour, so an hours cap would forbid what the policy allows).
 */
export function searchWindow(policy: Policy, input: ParsedRequestInput, now: Date): { windowStart: Date; windowEnd: Date } {
  const tz = policy.organisation.timeZone;
  const first = parseCalendarDate(input.date);
  if (!first) throw new AppError("INVALID_INPUT", "That date does not exist.", "date");
  if (input.dateTo !== undefined) {
    const { maxRangeDays } = policy.requesting;
    if (maxRangeDays === 0) throw new AppError("INVALID_INPUT", "This organisation asks for the day of the call, not a range of days: leave the last day empty.", "dateTo");
    const last = parseCalendarDate(input.dateTo);
    if (!last) throw new AppError("INVALID_INPUT", "That last day does not exist.", "dateTo");
    if (input.time !== undefined) throw new AppError("INVALID_INPUT", "With a range of days, leave the time empty: every call in those days is searched.", "time");
    const days = daysBetween(first, last) + 1;
    if (days < 1) throw new AppError("INVALID_INPUT", "The last day must be on or after the first day.", "dateTo");
    if (days > maxRangeDays) {
      throw new AppError("WINDOW_TOO_WIDE", `The range is too wide: this organisation allows at most ${maxRangeDays} day${maxRangeDays === 1 ? "" : "s"}. Narrow it down so only the call you need is found.`, "dateTo");
    }
    if (last.getTime() > todayIn(tz, now).getTime()) throw new AppError("DATE_IN_FUTURE", "The last day is in the future.", "dateTo");
    return { windowStart: zonedInstant(input.date, "00:00", tz), windowEnd: zonedInstant(isoDate(addDays(last, 1)), "00:00", tz) };
  }
  if (input.time === undefined) {
    if (policy.requesting.callTime !== "if-known") throw new AppError("INVALID_INPUT", "Give the approximate time of the call as HH:MM, for example 14:30.", "time");
    const windowStart = zonedInstant(input.date, "00:00", tz);
    if (windowStart > now) throw new AppError("DATE_IN_FUTURE", "That date is in the future.", "date");
    return { windowStart, windowEnd: zonedInstant(isoDate(addDays(first, 1)), "00:00", tz) };
  }
  const centre = zonedInstant(input.date, input.time, tz);
  if (Number.isNaN(centre.getTime())) throw new AppError("INVALID_INPUT", "That date does not exist.", "date");
  const windowStart = new Date(centre.getTime() - input.windowMinutes * 60_000);
  const windowEnd = new Date(centre.getTime() + input.windowMinutes * 60_000);
  if ((input.windowMinutes * 2) / 60 > policy.requesting.maxWindowHours) {
    throw new AppError("WINDOW_TOO_WIDE", `The time window is too wide: this organisation allows at most ${policy.requesting.maxWindowHours} hours in all. Narrow it down so only the call you need is found.`, "windowMinutes");
  }
  if (windowStart > now) throw new AppError("DATE_IN_FUTURE", "That date and time are in the future.", "date");
  return { windowStart, windowEnd };
}

/** The request an earlier try of this submission created, if any. */
async function findSubmission(ctx: CoreContext, submissionKey: string, requesterEmail: string): Promise<RequestView | undefined> {
  const existing = await ctx.db.recordingRequest.findUnique({ where: { submissionKey }, select: { id: true, requesterEmail: true } });
  if (!existing) return undefined;
  if (existing.requesterEmail !== requesterEmail) throw new AppError("CONFLICT", "That form was already submitted by someone else.");
  return loadRequestView(ctx.db, ctx.policy, existing.id);
}

/** The site a request is about: given, the organisation's only one, or the requester's only one. */
function resolveSite(policy: Policy, requester: Person, siteId: string | undefined, mayBeOpen: boolean): string | null {
  const wanted = siteId?.trim();
  if (wanted) {
    if (!policy.sites.some((s) => s.id === wanted)) {
      throw new AppError("UNKNOWN_SITE", `"${wanted.slice(0, 40)}" is not one of this organisation's sites. Choose one of: ${policy.sites.map((s) => s.name).join(", ")}.`, "siteId");
    }
    return wanted;
  }
  if (policy.sites.length === 1) return policy.sites[0]!.id;
  if (requester.sites.length === 1) return requester.sites[0]!;
  if (mayBeOpen) return null;
  throw new AppError("INVALID_INPUT", `Choose the site the call was made to or from: ${policy.sites.map((s) => s.name).join(", ")}.`, "siteId");
}

/** The member of staff a request concerns: asked for, or refused, as the purpose says. */
function concernedStaffMember(policy: Policy, purpose: Purpose, given: string | undefined): string | null {
  if (purpose.concernsStaffMember === "none") {
    if (given) throw new AppError("INVALID_INPUT", `"${purpose.label}" requests do not name a member of staff they concern: leave that empty.`, "concernsEmail");
    return null;
  }
  if (!given) {
    if (purpose.concernsStaffMember === "required") throw new AppError("INVALID_INPUT", `"${purpose.label}" requests must name the member of staff they concern: choose them by e-mail.`, "concernsEmail");
    return null;
  }
  const person = findPerson(policy, given);
  if (!person) throw new AppError("INVALID_INPUT", `${given.slice(0, 80)} is not one of the people in the organisation's policy: choose the member of staff the request concerns by their work e-mail.`, "concernsEmail");
  return person.email;
}

/** The label of the requester's role that lets them decide for this purpose ("Senior Leadership Team"). */
function requesterRoleLabel(policy: Policy, requester: Person, purpose: Purpose): string {
  const roles = purpose.requestableBy ?? policy.requesting.roles;
  const roleId = requester.roles.find((r) => roles.includes(r)) ?? roles[0]!;
  return policy.roles.find((r) => r.id === roleId)?.label ?? roleId;
}

/**
 * Why nobody can authorise a request, person by person (LIFE §2: the CEO
 * asking about a call the principal took part in): who the policy names for
 * the purpose, why each of them cannot, and that the DPO must be asked.
 * `policy check` warns of these cases in advance (authorisation-dead-ends.ts).
 */
function deadEndMessage(policy: Policy, purpose: Purpose, siteId: string | null, requester: Person, conflicted: Map<string, string>, excluded: readonly string[]): string {
  const authorisers = authorisersFor(policy, purpose, siteId);
  const why = authorisers.map((p) => {
    if (p.email === requester.email) return "you cannot authorise your own request";
    if (excluded.includes(p.email)) return `${p.name} asked for it`;
    const reason = conflicted.get(p.email);
    if (reason === "the request concerns you") return `the request concerns ${p.name}`;
    if (reason) return `${p.name} was a party to the call`;
    return `${p.name} cannot give the approval still needed`;
  });
  return `Nobody could authorise this request: "${purpose.label}" requests${siteId ? ` for ${siteName(policy, siteId)}` : ""} are authorised only by ${joinOr(authorisers.map((p) => p.name))}: ${why.join("; ")}. Nobody may authorise their own request, one about themselves, or a call they took part in. Ask the Data Protection Officer (${dpoNames(policy)}) how it can be authorised.`;
}

function joinOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

function siteName(policy: Policy, siteId: string): string {
  return policy.sites.find((s) => s.id === siteId)?.name ?? siteId;
}
