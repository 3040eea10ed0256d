/**
 * The guard for the breach commands only the policy's breach closers may
 * use (breaches.closeRoles, the DPOs by default): FORBIDDEN, naming who can,
 * for anyone else in the policy; NOT_SET_UP for someone who is not. The
 * command's withRefusalAudit puts the refusal on record.
 */
import type { CoreContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { peopleWithRoles, personByEmail } from "../policy/access.ts";
import type { Person } from "../policy/schema.ts";
import { breachCloserRoles, mayCloseBreach } from "./breach-rules.ts";

export function requireBreachCloser(ctx: CoreContext, actorEmail: string, what: string): Person {
  const person = personByEmail(ctx.policy, actorEmail);
  if (mayCloseBreach(ctx.policy, person)) return person;
  const names = peopleWithRoles(ctx.policy, breachCloserRoles(ctx.policy)).map((p) => p.name).join(", ");
  throw new AppError("FORBIDDEN", `Only ${names || "the Data Protection Officer"} can ${what}. Anyone can report a breach (breach report).`);
}
