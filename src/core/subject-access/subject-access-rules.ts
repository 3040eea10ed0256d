/**
 * What every subject access command shares: who may handle a request, who
 * hears about it, how a reference is looked up, and the clock (today's date
 * where the organisation is, the current deadline, the end of the first month).
 */
import type { SubjectAccessRequest } from "../../generated/prisma/client.ts";
import type { CoreContext, Tx } from "../context.ts";
import { AppError } from "../errors.ts";
import { dpoNames, holdsRole, peopleWithRoles, personByEmail } from "../policy/access.ts";
import type { Person, Policy } from "../policy/schema.ts";
import { parseReference } from "../references.ts";
import { daysBetween, todayIn } from "../calendar.ts";
import { subjectAccessDeadline, wholeMonths, type Nation } from "./deadline.ts";

/** How a request's pause reads while it waits for proof of identity ("waiting for identity: ..."). */
export const IDENTITY_PAUSE_REASON = "waiting for identity";

/** UK GDPR Article 12(3) allows at most two further months, whatever a policy says. */
export const LEGAL_MAX_EXTENSION_MONTHS = 2;

/** The acting person, if they are a DPO or hold one of the policy's subject access owner roles. */
export function requireSubjectAccessOwner(policy: Policy, email: string): Person {
  const person = personByEmail(policy, email);
  const roles = [...new Set([...policy.compliance.dpoRoles, ...policy.subjectAccess.ownerRoles, ...(policy.subjectAccess.employeeOwnerRoles ?? [])])];
  if (!holdsRole(policy, person, roles)) {
    throw new AppError("FORBIDDEN", `Only the Data Protection Officer (${dpoNames(policy)}) or the people who handle subject access requests can do that.`);
  }
  return person;
}

/** The request's owner and every DPO, without `except` (the person who acted). */
export function subjectAccessTeam(policy: Policy, ownerEmail: string, except?: string): string[] {
  const emails = new Set([ownerEmail, ...peopleWithRoles(policy, policy.compliance.dpoRoles).map((p) => p.email)]);
  if (except) emails.delete(except);
  return [...emails];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds a request by reference ("SAR-000004", "sar-4") or id, or NOT_FOUND. */
export async function findSubjectAccess(tx: Pick<Tx, "subjectAccessRequest">, key: string): Promise<SubjectAccessRequest> {
  const trimmed = key.trim();
  const reference = parseReference("SAR", trimmed);
  const where = reference ? { reference } : UUID.test(trimmed) ? { id: trimmed } : undefined;
  const sar = where ? await tx.subjectAccessRequest.findUnique({ where }) : null;
  if (!sar) throw new AppError("NOT_FOUND", `There is no subject access request ${trimmed.slice(0, 30)}. References look like SAR-000004.`, "reference");
  return sar;
}

/**
 * Locks the request's row for the rest of the transaction and returns it as
 * it is now, so a change is decided on the state no one else is changing.
 */
export async function lockSubjectAccess(tx: Tx, key: string): Promise<SubjectAccessRequest> {
  const found = await findSubjectAccess(tx, key);
  await tx.$queryRaw`SELECT id FROM "SubjectAccessRequest" WHERE id = ${found.id}::uuid FOR UPDATE`;
  return (await tx.subjectAccessRequest.findUnique({ where: { id: found.id } }))!;
}

export function requireOpen(sar: SubjectAccessRequest): void {
  if (sar.status !== "OPEN") throw new AppError("WRONG_STATE", `${sar.reference} is already closed (${sar.status.toLowerCase().replace(/_/g, " ")}).`);
}

export function nationOf(policy: Policy): Nation {
  return policy.organisation.nation;
}

/** Today's calendar date where the organisation is. */
export function todayFor(ctx: Pick<CoreContext, "clock" | "policy">): Date {
  return todayIn(ctx.policy.organisation.timeZone, ctx.clock.now());
}

/** The most further months this organisation may add (the policy's limit, never more than the law's). */
export function maxExtensionMonths(policy: Policy): number {
  return Math.min(wholeMonths(policy.subjectAccess.maxExtension), LEGAL_MAX_EXTENSION_MONTHS);
}

/** The deadline for these clock facts under the policy. */
export function dueOnFor(policy: Policy, clock: { receivedOn: Date; pausedDays: number; extendedByMonths: number }): Date {
  return subjectAccessDeadline({ receivedOn: clock.receivedOn, nation: nationOf(policy), pausedDays: clock.pausedDays, extensionMonths: clock.extendedByMonths, period: policy.subjectAccess.deadline });
}

/** Days the clock has stood still, counting a pause still running up to `today`. */
export function pausedDaysSoFar(sar: Pick<SubjectAccessRequest, "pausedDays" | "pausedSince">, today: Date): number {
  return sar.pausedDays + (sar.pausedSince ? Math.max(0, daysBetween(sar.pausedSince, today)) : 0);
}

/** When the first (unextended) period ends, counting any pause so far. */
export function firstPeriodEnds(policy: Policy, sar: SubjectAccessRequest, today: Date): Date {
  return dueOnFor(policy, { receivedOn: sar.receivedOn, pausedDays: pausedDaysSoFar(sar, today), extendedByMonths: 0 });
}

/**
 * Free text (a reason, a note, a clarification) with anything that looks like
 * a phone number masked, for audit entries and chat: people sometimes type
 * the number they are writing about.
 */
export function maskNumbersIn(text: string): string {
  // Nine digits or more, spaced or bracketed as numbers are written (dates have eight).
  return text.replace(/\+?\d[\d ()]{7,}\d/g, (run) => {
    const digits = run.replace(/\D/g, "");
    return digits.length >= 9 ? `${"•".repeat(3)}${digits.slice(-3)}` : run;
  });
}
