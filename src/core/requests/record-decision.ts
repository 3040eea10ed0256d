/**
 * An authoriser approves or denies a request. The core alone decides whether
 * they may: never the requester, only a role the purpose names (for the
 * request's site), each approval from a distinct person filling a slot that is
 * still open, and a denial always with its reason.
 */
import { z } from "zod";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { parseInput, withRefusalAudit } from "../guards.ts";
import { formatDateTime } from "../format.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { conflictedPeople, describeSlot, filledSlots, findPerson, holdsRole, personByEmail, purposeById } from "../policy/access.ts";
import type { Person, Purpose } from "../policy/schema.ts";
import { cleanFreeText } from "../validation.ts";
import { disclosureDecisionRule } from "../disclosure/disclosure-decision.ts";
import { afterAuthorisation } from "./fulfilment-steps.ts";
import { lockRequest, moveRequest } from "./request-lifecycle.ts";
import type { RequestWithDecisions } from "./load-request.ts";
import { buildRequestView, loadRequestView, type RequestView } from "./request-view.ts";

export const recordDecisionInput = z.object({
  requestId: z.string().min(1).max(100),
  deciderEmail: z.string().min(1).max(320),
  outcome: z.enum(["approve", "deny"]),
  reason: z.string().max(2000, "Keep the reason under 2,000 characters.").optional(),
  /** The approval's note, where the purpose asks for one (purpose.approvalNote). */
  note: z.string().max(2000, "Keep the note under 2,000 characters.").optional(),
});

export type RecordDecisionInput = z.input<typeof recordDecisionInput>;

/** The shortest denial reason worth recording. */
export const MIN_DENIAL_REASON = 5;

export async function recordDecision(ctx: CoreContext, raw: RecordDecisionInput): Promise<RequestView> {
  return withRefusalAudit(ctx, { actorEmail: raw.deciderEmail, action: "decision.refused", command: "record-decision", requestId: raw.requestId }, () => attemptRecordDecision(ctx, raw));
}

async function attemptRecordDecision(ctx: CoreContext, raw: RecordDecisionInput): Promise<RequestView> {
  const input = parseInput(recordDecisionInput, raw);
  const { policy } = ctx;
  const decider = personByEmail(policy, input.deciderEmail);
  const reason = cleanFreeText(input.reason ?? "", "reason") || null;
  const givenNote = input.outcome === "approve" ? cleanFreeText(input.note ?? "", "note") || null : null;
  if (input.outcome === "deny" && (reason ?? "").length < MIN_DENIAL_REASON) {
    throw new AppError("REASON_REQUIRED", "Please give a reason for the denial; the requester and the audit log will see it.", "reason");
  }

  const requestId = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const request = await lockRequest(tx, input.requestId);
    // A disclosure's own rules: never by the member of staff who asked; by its recorder only where the policy allows.
    const disclosureRule = request.status === "PENDING_APPROVAL" ? await disclosureDecisionRule(tx, policy, request, decider, input.outcome) : { recorderDecides: null };
    guardDecision(ctx, request, decider, disclosureRule.recorderDecides !== null);
    const purpose = purposeById(policy, request.purposeId);
    guardConflict(ctx, request, decider);
    const approvers = approversOf(ctx, request);

    if (input.outcome === "approve" && filledSlots(policy, purpose.approvals, [...approvers, decider], request.siteId) <= filledSlots(policy, purpose.approvals, approvers, request.siteId)) {
      const view = buildRequestView(policy, request);
      throw new AppError("APPROVAL_NOT_NEEDED", `Your approval is not needed: ${view.approvals.waitingFor.length ? `the remaining approval must come from the ${view.approvals.waitingFor.join(" or the ")}` : "the approvals are complete"}.`);
    }

    const note = input.outcome === "approve" ? requireApprovalNote(purpose, givenNote) : null;
    await tx.decision.create({ data: { requestId: request.id, deciderEmail: decider.email, outcome: input.outcome === "approve" ? "APPROVED" : "DENIED", reason, note, decidedAt: now } });
    await appendAudit(tx, {
      at: now,
      actor: decider.email,
      action: input.outcome === "approve" ? "request.approved" : "request.denied",
      subjectType: "request",
      subjectId: request.id,
      requestId: request.id,
      purposeId: request.purposeId,
      details: { reference: request.reference, ...(reason ? { reason } : {}), ...(note ? { note } : {}), ...(disclosureRule.recorderDecides ? { recordedAndDecidedBy: disclosureRule.recorderDecides } : {}) },
    });

    if (input.outcome === "deny") {
      await moveRequest(tx, request, { status: "DENIED", decidedAt: now, closedAt: now });
      await enqueueNotices(tx, now, [
        { to: request.requesterEmail, kind: "request-outcome", requestId: request.id },
        { to: "system", kind: "refresh-messages", requestId: request.id },
      ]);
      return request.id;
    }

    const approved = filledSlots(policy, purpose.approvals, [...approvers, decider], request.siteId) === purpose.approvals.length;
    if (!approved) {
      await enqueueNotices(tx, now, [{ to: "system", kind: "refresh-messages", requestId: request.id }]);
      return request.id;
    }
    await appendAudit(tx, { at: now, actor: "system", action: "request.authorised", subjectType: "request", subjectId: request.id, requestId: request.id, purposeId: request.purposeId, details: { approvers: [...approvers, decider].map((p) => p.email) } });
    await enqueueNotices(tx, now, [{ to: request.requesterEmail, kind: "request-outcome", requestId: request.id }]);
    await afterAuthorisation(tx, ctx, request, now);
    return request.id;
  });
  return loadRequestView(ctx.db, policy, requestId);
}

/** Throws the specific reason this person cannot decide this request now. */
function guardDecision(ctx: CoreContext, request: RequestWithDecisions, decider: Person, requesterMayDecide = false): void {
  const { policy } = ctx;
  const tz = policy.organisation.timeZone;
  if (request.status !== "PENDING_APPROVAL") {
    const last = request.decisions.slice().sort((a, b) => b.decidedAt.getTime() - a.decidedAt.getTime())[0];
    const by = last ? ` by ${findPerson(policy, last.deciderEmail)?.name ?? last.deciderEmail} on ${formatDateTime(last.decidedAt, tz)}` : "";
    throw new AppError("ALREADY_DECIDED", `Request ${request.reference} has already been decided${by}: ${buildRequestView(policy, request).statusText.toLowerCase()}.`);
  }
  if (decider.email === request.requesterEmail && !requesterMayDecide) {
    throw new AppError("SELF_APPROVAL", "You cannot authorise your own request. Another authoriser has been asked.");
  }
  const purpose = purposeById(policy, request.purposeId);
  const roles = [...new Set(purpose.approvals.flatMap((slot) => slot.anyOf))];
  if (!holdsRole(policy, decider, roles, request.siteId)) {
    throw new AppError("FORBIDDEN", `You are not an authoriser for "${purpose.label}" requests${request.siteId ? " at this site" : ""}. The policy names: ${purpose.approvals.map((s) => describeSlot(policy, s)).join("; ")}.`);
  }
  const mine = request.decisions.find((d) => d.deciderEmail === decider.email);
  if (mine) {
    throw new AppError("ALREADY_DONE", `You already ${mine.outcome === "APPROVED" ? "approved" : "denied"} request ${request.reference} on ${formatDateTime(mine.decidedAt, tz)}.`);
  }
}

/**
 * The member of staff a request concerns, and anyone who was a party to its
 * call, may never authorise it (North Wales Housing Appendix 1 row 4).
 */
function guardConflict(ctx: CoreContext, request: RequestWithDecisions, decider: Person): void {
  const why = conflictedPeople(ctx.policy, request).get(decider.email);
  if (!why) return;
  throw new AppError(
    "CONFLICT_OF_INTEREST",
    `You cannot decide request ${request.reference}: ${why}, and nobody may authorise a request about themselves or a call they took part in. Another authoriser has been asked.`,
  );
}

/** The note the purpose asks every approval to carry, long enough; else the approver's optional note. */
function requireApprovalNote(purpose: Purpose, note: string | null): string | null {
  const rule = purpose.approvalNote;
  if (!rule) return note;
  const length = note?.length ?? 0;
  if (length < rule.minLength) {
    throw new AppError("INVALID_INPUT", `"${purpose.label}" needs a note with your approval: ${rule.prompt} (at least ${rule.minLength} characters${length > 0 ? `; you wrote ${length}` : ""}).`, "note");
  }
  return note;
}

function approversOf(ctx: CoreContext, request: RequestWithDecisions): Person[] {
  return request.decisions
    .filter((d) => d.outcome === "APPROVED")
    .map((d) => findPerson(ctx.policy, d.deciderEmail))
    .filter((p): p is Person => p !== undefined);
}
