/**
 * Hands an open subject access request to another person who holds one of
 * the policy's owner roles (`subjectAccess.ownerRoles`; for a member of
 * staff's request for their own calls, `employeeOwnerRoles` where the policy
 * names them): the owner going on leave, or a conflict of interest. Only the
 * request's owner or a Data Protection Officer may; the reason is recorded.
 * In one transaction the owner changes, the transfer is audited and the new
 * owner is told (with the previous owner and the DPOs). From then on the
 * reminders, the closing and the extensions are the new owner's.
 */
import type { SubjectAccessRequest } from "../../generated/prisma/client.ts";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { calendarText } from "../calendar.ts";
import { AppError } from "../errors.ts";
import { withRefusalAudit } from "../guards.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { dpoNames, findPerson, holdsRole, isDpo, peopleWithRoles, personByEmail } from "../policy/access.ts";
import type { Person, Policy } from "../policy/schema.ts";
import { buildSubjectAccessView, loadSubjectAccess, type SubjectAccessView } from "./subject-access-view.ts";
import { findSubjectAccess, lockSubjectAccess, maskNumbersIn, requireOpen, subjectAccessTeam } from "./subject-access-rules.ts";
import { cleanFreeText } from "../validation.ts";

export interface TransferSubjectAccessInput {
  actorEmail: string;
  reference: string;
  /** The e-mail of the person taking it over. */
  toEmail: string;
  /** Why it changes hands (leave, a conflict of interest…). */
  reason: string;
}

export async function transferSubjectAccess(ctx: CoreContext, input: TransferSubjectAccessInput): Promise<SubjectAccessView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "subject-access.refused", command: "transfer-subject-access", reference: input.reference }, () => attemptTransferSubjectAccess(ctx, input));
}

/** The roles that may own this request: the staff owners for a member of staff's own calls where the policy names them. */
export function ownerRolesFor(policy: Policy, sar: Pick<SubjectAccessRequest, "subjectIsStaff">): readonly string[] {
  return sar.subjectIsStaff && policy.subjectAccess.employeeOwnerRoles ? policy.subjectAccess.employeeOwnerRoles : policy.subjectAccess.ownerRoles;
}

/** The request's owner, or any DPO; refused (FORBIDDEN) otherwise. */
function requireOwnerOrDpo(policy: Policy, email: string, sar: SubjectAccessRequest): Person {
  const person = personByEmail(policy, email);
  if (person.email === sar.ownerEmail || isDpo(policy, person)) return person;
  const owner = findPerson(policy, sar.ownerEmail)?.name ?? sar.ownerEmail;
  throw new AppError("FORBIDDEN", `Only ${owner}, who owns ${sar.reference}, or the Data Protection Officer (${dpoNames(policy)}) can hand it to someone else.`);
}

function requireNewOwner(policy: Policy, sar: SubjectAccessRequest, typed: string): Person {
  const roles = ownerRolesFor(policy, sar);
  const holders = peopleWithRoles(policy, roles).filter((p) => p.email !== sar.ownerEmail);
  const who = holders.length > 0 ? ` It can go to ${holders.map((p) => `${p.name} (${p.email})`).join(" or ")}.` : " Nobody else holds a role that owns it, so it cannot be handed on.";
  const email = typed.trim();
  if (!email) throw new AppError("INVALID_INPUT", `Say who takes it over, by e-mail.${who}`, "toEmail");
  const person = findPerson(policy, email);
  if (!person) throw new AppError("INVALID_INPUT", `${email.slice(0, 80)} is not in the policy.${who}`, "toEmail");
  if (person.email === sar.ownerEmail) throw new AppError("ALREADY_DONE", `${person.name} already owns ${sar.reference}.`, "toEmail");
  if (!holdsRole(policy, person, roles)) {
    const what = roles === policy.subjectAccess.ownerRoles ? "subject access requests" : "staff members' requests for their own calls";
    throw new AppError("INVALID_INPUT", `${person.name} does not handle ${what} under the policy.${who}`, "toEmail");
  }
  return person;
}

async function attemptTransferSubjectAccess(ctx: CoreContext, input: TransferSubjectAccessInput): Promise<SubjectAccessView> {
  const seen = await findSubjectAccess(ctx.db, input.reference);
  requireOwnerOrDpo(ctx.policy, input.actorEmail, seen);
  requireOpen(seen);
  requireNewOwner(ctx.policy, seen, input.toEmail ?? "");
  const reason = maskNumbersIn(cleanFreeText(input.reason ?? "", "reason"));
  if (reason.length < 10) throw new AppError("REASON_REQUIRED", "Say why it changes hands (at least 10 characters), for the record.", "reason");
  if (reason.length > 1000) throw new AppError("INVALID_INPUT", "The reason is too long (at most 1,000 characters).", "reason");

  const id = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const sar = await lockSubjectAccess(tx, seen.id);
    // Decided again on the locked row: someone may have handed it on or closed it meanwhile.
    const actor = requireOwnerOrDpo(ctx.policy, input.actorEmail, sar);
    requireOpen(sar);
    const to = requireNewOwner(ctx.policy, sar, input.toEmail);
    const { count } = await tx.subjectAccessRequest.updateMany({ where: { id: sar.id, status: "OPEN", ownerEmail: sar.ownerEmail }, data: { ownerEmail: to.email } });
    if (count !== 1) throw new AppError("CONFLICT", `${sar.reference} changed while you were handing it on. Look at it again and retry.`);
    const from = findPerson(ctx.policy, sar.ownerEmail);
    await appendAudit(tx, {
      at: now,
      actor: actor.email,
      action: "subject-access.transferred",
      subjectType: "subject-access",
      subjectId: sar.id,
      details: { reference: sar.reference, from: sar.ownerEmail, to: to.email, reason },
    });
    const handedBy = actor.email === sar.ownerEmail ? actor.name : `${actor.name} (Data Protection Officer)`;
    const due = sar.pausedSince ? "The clock is paused until the information it waits for arrives." : `It is due by ${calendarText(sar.dueOn)}.`;
    const newOwnerLines = [`${handedBy} handed it to you${from && from.email !== actor.email ? ` from ${from.name}` : ""}: ${reason}`, "You own it now: the reminders come to you, and you close it.", due];
    const othersLines = [`${handedBy} handed it ${from && from.email !== actor.email ? `from ${from.name} ` : ""}to ${to.name}: ${reason}`, due];
    const others = [...new Set([sar.ownerEmail, ...subjectAccessTeam(ctx.policy, to.email, actor.email)])].filter((e) => e !== actor.email && e !== to.email);
    await enqueueNotices(tx, now, [
      ...(to.email !== actor.email ? [{ to: to.email, kind: "compliance-notice" as const, payload: { title: `Subject access request ${sar.reference} is yours`, lines: newOwnerLines } }] : []),
      ...others.map((email) => ({ to: email, kind: "compliance-notice" as const, payload: { title: `Subject access request ${sar.reference} handed to ${to.name}`, lines: othersLines } })),
    ]);
    return sar.id;
  });
  return buildSubjectAccessView(ctx, await loadSubjectAccess(ctx.db, id));
}
