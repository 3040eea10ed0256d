/**
 * The routes a policy names for things Callgate does not do itself (card
 * payments, complaints, the disciplinary policy, the ICO), worded once so
 * every message that mentions one says it the same way. Each returns "" when
 * the policy names no route, so callers can append it unconditionally.
 */
import type { Policy } from "./schema.ts";

/** " Card payments are taken through Allpay: …" after the card-number refusal. */
export function cardPaymentRoute(policy: Policy): string {
  const card = policy.routes.cardPayments;
  if (!card) return "";
  return ` Card payments are never taken on a recorded line: they are taken through ${card.handledBy}.${card.instructions ? ` ${card.instructions}` : ""}`;
}

/** "Misuse is dealt with under the Trust Disciplinary policy." */
export function disciplinaryRoute(policy: Policy): string {
  const disciplinary = policy.routes.disciplinary;
  return disciplinary ? ` Misuse of recordings is dealt with under the ${disciplinary.policy}.` : "";
}

/** "the Information Commissioner's Office (Wycliffe House, …, telephone 0303 123 1113, casework@ico.org.uk, https://ico.org.uk)". */
export function icoContactDetails(policy: Policy): string {
  const ico = policy.routes.ico;
  if (!ico) return "";
  const parts = [ico.address, ico.phone ? `telephone ${ico.phone}` : undefined, ico.email, ico.website].filter((p): p is string => Boolean(p));
  return `${ico.name}${parts.length > 0 ? ` (${parts.join(", ")})` : ""}`;
}

/** One line naming the ICO and how to reach it, for letters and refusals that must say where to complain. */
export function icoContactLine(policy: Policy): string {
  return policy.routes.ico ? `If you are unhappy with how we have handled this, you may complain to ${icoContactDetails(policy)}.` : "";
}

/** "Complaints: the Complaints Procedure (Customer Service Team Leader and Data Protection Officer)." */
export function complaintsRoute(policy: Policy): string {
  const complaints = policy.routes.complaints;
  if (!complaints) return "";
  const handlers = complaints.handledBy.map((r) => policy.roles.find((role) => role.id === r)?.label ?? r);
  return `Complaints are handled under the ${complaints.procedure}${handlers.length > 0 ? ` by the ${handlers.join(" and the ")}` : ""}${complaints.contact ? ` (${complaints.contact})` : ""}.`;
}
