/**
 * Who a personal data breach concerns under the policy: who is told of a
 * report (breaches.notifyRoles, the DPOs by default, plus the reporter's line
 * manager where breaches.notifyLineManager says), who may record the ICO
 * decision and close it (breaches.closeRoles, the DPOs by default), and when
 * the ICO must be told (discovery + breaches.reportWithin: 72 hours under
 * UK GDPR Article 33).
 */
import { addDuration } from "../policy/duration.ts";
import { holdsRole, peopleWithRoles } from "../policy/access.ts";
import type { Person, Policy } from "../policy/schema.ts";

/** Roles that may record the ICO decision and close a breach. */
export function breachCloserRoles(policy: Policy): string[] {
  return policy.breaches.closeRoles ?? policy.compliance.dpoRoles;
}

export function mayCloseBreach(policy: Policy, person: Person): boolean {
  return holdsRole(policy, person, breachCloserRoles(policy));
}

/** Everyone told of a breach reported by `reporterEmail` (the reporter too, with a copy), each once. */
export function breachRecipients(policy: Policy, reporterEmail: string): string[] {
  const notifyRoles = policy.breaches.notifyRoles ?? policy.compliance.dpoRoles;
  const emails = new Set<string>(peopleWithRoles(policy, notifyRoles).map((p) => p.email));
  for (const p of peopleWithRoles(policy, breachCloserRoles(policy))) emails.add(p.email);
  if (policy.breaches.notifyLineManager) {
    const manager = policy.people.find((p) => p.email === reporterEmail)?.lineManager;
    if (manager) emails.add(manager);
  }
  emails.add(reporterEmail);
  return [...emails];
}

/** The ICO deadline for a breach discovered at `discoveredAt`. */
export function breachDeadline(policy: Policy, discoveredAt: Date): Date {
  return addDuration(discoveredAt, policy.breaches.reportWithin);
}

/** Whole hours from `now` to `deadline` (negative once it has passed). */
export function hoursLeft(now: Date, deadline: Date): number {
  return Math.floor((deadline.getTime() - now.getTime()) / 3_600_000);
}
