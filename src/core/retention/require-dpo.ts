/**
 * The guard every retention, hold and erasure command starts with: the person
 * must be in the policy and hold one of its DPO roles.
 */
import { AppError } from "../errors.ts";
import { cleanText } from "../validation.ts";
import { dpoNames, isDpo, personByEmail } from "../policy/access.ts";
import type { Person, Policy } from "../policy/schema.ts";

/** The acting person, if they are a DPO; FORBIDDEN naming the DPOs otherwise. `what` completes "Only ... can ...". */
export function requireDpo(policy: Policy, email: string, what: string): Person {
  const person = personByEmail(policy, email);
  if (!isDpo(policy, person)) {
    throw new AppError("FORBIDDEN", `Only the Data Protection Officer (${dpoNames(policy)}) can ${what}.`);
  }
  return person;
}

/** The shortest reason worth keeping in the audit log. */
export const MIN_REASON_LENGTH = 5;

/** The reason, cleaned; REASON_REQUIRED (with `prompt` as the message) when it is missing or too short. */
export function requireReason(text: string | undefined, prompt: string): string {
  const reason = cleanText(text ?? "").slice(0, 2_000);
  if (reason.length < MIN_REASON_LENGTH) throw new AppError("REASON_REQUIRED", prompt, "reason");
  return reason;
}
