/**
 * Compliance powers the policy may give to roles besides the DPO: erasure
 * (`compliance.erasureRoles`, LIFE: the CEO), portability
 * (`compliance.portabilityRoles`) and preservation
 * (`retention.preservation.roles`). Where the policy names no roles for a
 * power, it stays the DPO's, refused exactly as `requireDpo` refuses.
 */
import type { CoreContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { requireDpo } from "../guards.ts";
import { holdsRole, isDpo, peopleWithRoles, personByEmail } from "../policy/access.ts";
import type { Person, Policy } from "../policy/schema.ts";

export type CompliancePower = "erasure" | "portability";

/** The roles holding a power: the ones the policy names, else the DPO's. */
export function rolesFor(policy: Policy, power: CompliancePower): readonly string[] {
  const named = power === "erasure" ? policy.compliance.erasureRoles : policy.compliance.portabilityRoles;
  return named ?? policy.compliance.dpoRoles;
}

/**
 * The acting person if they hold the power (the DPO always does). Someone in
 * the policy without it gets FORBIDDEN naming who has it (the caller's
 * withRefusalAudit records the refusal); someone not in the policy NOT_SET_UP.
 * `what` completes "Only … can …".
 */
export async function requireCompliancePower(ctx: CoreContext, actorEmail: string, power: CompliancePower, what: string): Promise<Person> {
  const named = power === "erasure" ? ctx.policy.compliance.erasureRoles : ctx.policy.compliance.portabilityRoles;
  if (!named) return requireDpo(ctx, actorEmail, what);
  const person = personByEmail(ctx.policy, actorEmail);
  if (isDpo(ctx.policy, person) || holdsRole(ctx.policy, person, named)) return person;
  throw new AppError("FORBIDDEN", `Only ${holdersText(ctx.policy, named)} can ${what}.`);
}

/** "the Data Protection Officer or Chief Executive (Carys Evans, Farid Khan)". */
export function holdersText(policy: Policy, roles: readonly string[]): string {
  const all = [...new Set([...policy.compliance.dpoRoles, ...roles])];
  const labels = all.map((id) => policy.roles.find((r) => r.id === id)?.label ?? id);
  const names = peopleWithRoles(policy, all).map((p) => p.name);
  return `the ${labels.join(" or ")}${names.length ? ` (${names.join(", ")})` : ""}`;
}
