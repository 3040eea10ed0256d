/**
 * Questions the core asks of a policy: who is this, may they request, may they
 * authorise, and have enough of the right people approved.
 */
import { AppError } from "../errors.ts";
import type { ApprovalSlot, Person, Policy, Purpose } from "./schema.ts";

/** The person a chat identity's e-mail maps to, or NOT_SET_UP. */
export function personByEmail(policy: Policy, email: string): Person {
  const person = policy.people.find((p) => p.email === email.trim().toLowerCase());
  if (!person) {
    throw new AppError("NOT_SET_UP", `You are not set up in Callgate yet. Ask your Data Protection Officer (${dpoNames(policy)}) to add you to the organisation's policy.`);
  }
  return person;
}

export function findPerson(policy: Policy, email: string): Person | undefined {
  return policy.people.find((p) => p.email === email.trim().toLowerCase());
}

export function dpoNames(policy: Policy): string {
  const dpos = peopleWithRoles(policy, policy.compliance.dpoRoles);
  return dpos.map((p) => p.name).join(", ") || "your Data Protection Officer";
}

/**
 * Whether the person holds one of `roles` in a way that covers `siteId`:
 * organisation-wide roles always do; site roles only for the person's sites.
 */
export function holdsRole(policy: Policy, person: Person, roles: readonly string[], siteId?: string | null): boolean {
  return person.roles.some((roleId) => {
    if (!roles.includes(roleId)) return false;
    const role = policy.roles.find((r) => r.id === roleId);
    if (role?.scope !== "site" || !siteId) return true;
    return person.sites.includes(siteId);
  });
}

export function peopleWithRoles(policy: Policy, roles: readonly string[], siteId?: string | null): Person[] {
  return policy.people.filter((p) => holdsRole(policy, p, roles, siteId));
}

export function isDpo(policy: Policy, person: Person): boolean {
  return holdsRole(policy, person, policy.compliance.dpoRoles);
}

/** A purpose from the policy file, or one Callgate builds in (the disclosure purpose). */
export function purposeById(policy: Policy, purposeId: string): Purpose {
  const purpose = policy.purposes.find((p) => p.id === purposeId) ?? policy.internalPurposes.find((p) => p.id === purposeId);
  if (!purpose) {
    throw new AppError("UNKNOWN_PURPOSE", `"${truncate(purposeId, 40)}" is not one of this organisation's purposes. Choose one of: ${policy.purposes.map((p) => p.label).join(", ")}.`, "purpose");
  }
  return purpose;
}

/** The purposes this person may request for (for a form's choice list); never an internal one. */
export function requestablePurposes(policy: Policy, person: Person): Purpose[] {
  return policy.purposes.filter((purpose: Purpose) => !purpose.internal && holdsRole(policy, person, purpose.requestableBy ?? policy.requesting.roles));
}

export function mayRequest(policy: Policy, person: Person, purpose: Purpose, siteId?: string | null): boolean {
  return holdsRole(policy, person, purpose.requestableBy ?? policy.requesting.roles, siteId);
}

/** Everyone who could give at least one of the purpose's approvals for this site. */
export function authorisersFor(policy: Policy, purpose: Purpose, siteId?: string | null): Person[] {
  const roles = [...new Set(purpose.approvals.flatMap((slot) => slot.anyOf))];
  return peopleWithRoles(policy, roles, siteId);
}

/**
 * The most slots that distinct approvers can fill, by bipartite matching
 * (augmenting paths). With at most five slots this is instant.
 */
export function filledSlots(policy: Policy, slots: readonly ApprovalSlot[], approvers: readonly Person[], siteId?: string | null): number {
  const slotOwner: (number | undefined)[] = slots.map(() => undefined);
  const canFill = (a: number, s: number) => holdsRole(policy, approvers[a]!, slots[s]!.anyOf, siteId);
  const tryAssign = (a: number, seen: boolean[]): boolean => {
    for (let s = 0; s < slots.length; s++) {
      if (seen[s] || !canFill(a, s)) continue;
      seen[s] = true;
      const owner = slotOwner[s];
      if (owner === undefined || tryAssign(owner, seen)) {
        slotOwner[s] = a;
        return true;
      }
    }
    return false;
  };
  let filled = 0;
  for (let a = 0; a < approvers.length; a++) if (tryAssign(a, slots.map(() => false))) filled++;
  return filled;
}

/** Labels of the slots still open, for "waiting for the Data Controller". */
export function describeSlot(policy: Policy, slot: ApprovalSlot): string {
  return slot.label ?? slot.anyOf.map((r) => policy.roles.find((role) => role.id === r)?.label ?? r).join(" or ");
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** What a request says about who was on its call and whom it concerns. */
export interface ConflictFacts {
  concernsEmail?: string | null;
  employeeEmail?: string | null;
  parties?: string | null;
  extension?: string | null;
}

/**
 * The people who may never authorise a request (North Wales Housing
 * Appendix 1 row 4): the member of staff it concerns, the recorded
 * employee, anyone the parties name (by e-mail or full name, as whole
 * words) and anyone who answers the call's extension.
 */
export function conflictedPeople(policy: Policy, facts: ConflictFacts): Map<string, string> {
  const conflicted = new Map<string, string>();
  if (facts.concernsEmail) conflicted.set(facts.concernsEmail, "the request concerns you");
  if (facts.employeeEmail && !conflicted.has(facts.employeeEmail)) conflicted.set(facts.employeeEmail, "you were a party to the call");
  const named = new Set(peopleNamed(policy, facts.parties).map((p) => p.email));
  for (const person of policy.people) {
    if (conflicted.has(person.email)) continue;
    const onExtension = facts.extension ? person.extensions.includes(facts.extension) : false;
    if (named.has(person.email) || onExtension) conflicted.set(person.email, "you were a party to the call");
  }
  return conflicted;
}

/** The people in the policy a request's parties name, by e-mail or full name (as whole words). */
export function peopleNamed(policy: Policy, parties: string | null | undefined): Person[] {
  if (!parties) return [];
  const text = ` ${words(parties)} `;
  const lower = parties.toLowerCase();
  return policy.people.filter((person) => lower.includes(person.email) || text.includes(` ${words(person.name)} `));
}

function words(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
