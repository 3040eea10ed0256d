/**
 * Who may decide a disclosure, beyond the ordinary rules of record-decision:
 * the member of staff who asked for it never may, and the person who recorded
 * it may only where the policy says `disclosure.recorderMayAuthorise` and the
 * outside party (the police, HMRC) asked directly. A small organisation's sole
 * DPO can then record and decide, and the decision's audit entry says so; the
 * same person may then complete it (find the call), and the fulfilment's audit
 * entry, the disclosure and its form say that too.
 */
import type { Tx } from "../context.ts";
import { AppError } from "../errors.ts";
import { findPerson } from "../policy/access.ts";
import type { Person, Policy } from "../policy/schema.ts";
import type { RequestWithDecisions } from "../requests/load-request.ts";
import { describeAskingParty } from "./disclosure-details.ts";
import { isDisclosureRequest } from "./release-disclosure.ts";

export interface DisclosureDecisionRule {
  /**
   * Set when the decider recorded the disclosure and may decide it: what the
   * record says, e.g. "requested by Sgt Alun Jones (Custody Sergeant), North
   * Wales Police; recorded and authorised by Carys Evans".
   */
  recorderDecides: string | null;
}

/**
 * Whether the person who recorded this disclosure may also act on it (decide
 * it, and find the call that completes it): the policy's
 * `disclosure.recorderMayAuthorise` (ECS: "forwarded to the Data Controller
 * who will complete the request"), and only for an outside party's own
 * request, never one a member of staff asked for.
 */
export function recorderMayAct(policy: Policy, disclosure: { requestedByEmail: string | null }): boolean {
  return policy.disclosure.recorderMayAuthorise && !disclosure.requestedByEmail;
}

/**
 * Whether `email` may fulfil this request although they made it: only the
 * recorder of a disclosure where recorderMayAct allows. Everyone else keeps
 * the separation of duties (nobody fulfils their own request).
 */
export async function recorderMayComplete(tx: Tx, policy: Policy, request: Pick<RequestWithDecisions, "id" | "purposeId" | "requesterEmail">, email: string): Promise<boolean> {
  if (email !== request.requesterEmail || !isDisclosureRequest(request)) return false;
  const disclosure = await tx.disclosure.findUnique({ where: { requestId: request.id }, select: { requestedByEmail: true } });
  return disclosure !== null && recorderMayAct(policy, disclosure);
}

/** Throws SELF_APPROVAL for the member of staff who asked; says whether the recorder may decide. */
export async function disclosureDecisionRule(tx: Tx, policy: Policy, request: RequestWithDecisions, decider: Person, outcome: "approve" | "deny"): Promise<DisclosureDecisionRule> {
  if (!isDisclosureRequest(request)) return { recorderDecides: null };
  const disclosure = await tx.disclosure.findUnique({ where: { requestId: request.id } });
  if (!disclosure) return { recorderDecides: null };
  if (disclosure.requestedByEmail === decider.email) {
    throw new AppError("SELF_APPROVAL", "You asked for this disclosure, so you cannot authorise it. Another authoriser has been asked.");
  }
  if (decider.email !== request.requesterEmail || !recorderMayAct(policy, disclosure)) return { recorderDecides: null };
  const recorder = findPerson(policy, request.requesterEmail)?.name ?? request.requesterEmail;
  return { recorderDecides: `requested by ${describeAskingParty(disclosure)}; recorded and ${outcome === "approve" ? "authorised" : "refused"} by ${recorder}` };
}
