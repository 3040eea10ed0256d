/**
 * Closes a subject access request: answered in full, refused, partly refused
 * (on one of the grounds the policy lists, recorded), or withdrawn by the
 * subject. Answering records what the subject was given (an audio copy, a
 * transcript, links, hearing it in person: several may apply, from the
 * policy's `outputs`), and every close but a withdrawal records the owner's
 * assessment note. Only the request's owner, or a DPO where the policy's
 * `dpoMayClose` allows. In the same transaction the request's hold is
 * released, so its recordings return to the ordinary retention rules, and
 * where no bundle's letter already says how it was answered, a file job is
 * written for the outcome letter to the subject (needsOutcomeLetter).
 */
import type { SubjectAccessStatus } from "../../generated/prisma/client.ts";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { calendarText, isoDate } from "../calendar.ts";
import { AppError } from "../errors.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { cleanFreeText } from "../validation.ts";
import { buildSubjectAccessView, loadSubjectAccess, type SubjectAccessView } from "./subject-access-view.ts";
import { lockSubjectAccess, maskNumbersIn, requireOpen, requireSubjectAccessOwner, subjectAccessTeam, todayFor } from "./subject-access-rules.ts";
import { withRefusalAudit } from "../guards.ts";
import { SUBJECT_ACCESS_OUTPUTS } from "../policy/schema.ts";
import { findSubjectAccess } from "./subject-access-rules.ts";
import { requireCaseHandler } from "./subject-access-intake.ts";
import { enqueueFileJob } from "../files/file-jobs.ts";
import type { SubjectAccessLetterPayload } from "./deliver-subject-access-letter.ts";

export type CloseOutcome = "complete" | "refuse" | "partial" | "withdrawn";

/** Grounds for refusing in whole or part, as the DPO picks them (plus free text). */
export const REFUSAL_GROUNDS = {
  "others-rights": "Disclosure would prejudice the rights of others (third-party data)",
  investigation: "Disclosure would prejudice an ongoing investigation (prevention or detection of crime)",
  unfounded: "The request is manifestly unfounded",
  excessive: "The request is manifestly excessive",
  other: "Another exemption",
} as const;

export type RefusalGround = keyof typeof REFUSAL_GROUNDS;

export type SubjectAccessOutput = (typeof SUBJECT_ACCESS_OUTPUTS)[number];

/** What the subject may be given, in words. */
export const OUTPUT_TEXT: Record<SubjectAccessOutput, string> = {
  "audio-copy": "a copy of the recording",
  transcript: "a transcript",
  links: "playback links",
  "heard-in-person": "heard the recording in person",
};

export interface CloseSubjectAccessInput {
  actorEmail: string;
  reference: string;
  outcome: CloseOutcome;
  /** Required to refuse or partly refuse, unless `reason` says it all. */
  grounds?: RefusalGround;
  /** Free text: the detail of the grounds, or why the request was withdrawn. */
  reason?: string;
  /** What the subject was given (one or more of the policy's outputs); from the prepared bundle if left out. */
  outputs?: string[];
  /** The owner's assessment: what was searched, what was found and why the outcome. Required except for a withdrawal (for a refusal, the reason serves if it is given). */
  assessment?: string;
}

const STATUS: Record<CloseOutcome, SubjectAccessStatus> = { complete: "COMPLETED", refuse: "REFUSED", partial: "PARTIALLY_REFUSED", withdrawn: "WITHDRAWN" };
const OUTCOME_TEXT: Record<CloseOutcome, string> = { complete: "answered in full", refuse: "refused", partial: "partly refused", withdrawn: "withdrawn" };

export async function closeSubjectAccess(ctx: CoreContext, input: CloseSubjectAccessInput): Promise<SubjectAccessView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "subject-access.refused", command: "close-subject-access", reference: input.reference }, () => attemptCloseSubjectAccess(ctx, input));
}

async function attemptCloseSubjectAccess(ctx: CoreContext, input: CloseSubjectAccessInput): Promise<SubjectAccessView> {
  requireSubjectAccessOwner(ctx.policy, input.actorEmail);
  const actor = requireCaseHandler(ctx.policy, input.actorEmail, await findSubjectAccess(ctx.db, input.reference));
  if (!(input.outcome in STATUS)) throw new AppError("INVALID_INPUT", "Close it as complete, refuse, partial or withdrawn.", "outcome");
  const allowedGrounds = ctx.policy.subjectAccess.refusalGrounds;
  if (input.grounds !== undefined && !(allowedGrounds as readonly string[]).includes(input.grounds)) {
    throw new AppError("INVALID_INPUT", `The policy lets a request be refused only on these grounds: ${allowedGrounds.map((g) => `${g} (${REFUSAL_GROUNDS[g]})`).join("; ")}.`, "grounds");
  }
  const reason = maskNumbersIn(cleanFreeText(input.reason ?? "", "reason"));
  if (reason.length > 1000) throw new AppError("INVALID_INPUT", "The reason is too long (at most 1,000 characters).", "reason");
  const refusing = input.outcome === "refuse" || input.outcome === "partial";
  const policyGroundsOnly = !allowedGrounds.includes("other");
  if (refusing && !input.grounds && (reason.length < 10 || policyGroundsOnly)) {
    throw new AppError("REASON_REQUIRED", policyGroundsOnly ? `Give the grounds for refusing, one of the policy's: ${allowedGrounds.join(", ")}.` : `Give the grounds for refusing (${allowedGrounds.join(", ")}) and, for "other", the reason in a sentence.`, "grounds");
  }
  if (refusing && input.grounds === "other" && reason.length < 10) {
    throw new AppError("REASON_REQUIRED", "Say which exemption applies and why (at least 10 characters).", "reason");
  }
  const outputs = readOutputs(ctx.policy.subjectAccess.outputs, input.outputs);
  if (outputs.length > 0 && (input.outcome === "refuse" || input.outcome === "withdrawn")) {
    throw new AppError("INVALID_INPUT", `A request ${OUTCOME_TEXT[input.outcome]} gives the subject nothing: leave out what was given.`, "outputs");
  }
  const typedAssessment = maskNumbersIn(cleanFreeText(input.assessment ?? "", "assessment"));
  if (typedAssessment.length > 2000) throw new AppError("INVALID_INPUT", "The assessment is too long (at most 2,000 characters).", "assessment");
  const assessment = typedAssessment || (refusing ? reason : "");
  const outcomeReason = refusing ? [input.grounds ? REFUSAL_GROUNDS[input.grounds] : undefined, reason || undefined].filter(Boolean).join(": ") : reason || null;

  const id = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const today = todayFor(ctx);
    const sar = await lockSubjectAccess(tx, input.reference);
    requireOpen(sar);
    if (input.outcome === "complete") {
      const items = await tx.subjectAccessItem.findMany({ where: { sarId: sar.id }, select: { withheld: true } });
      if (items.some((i) => i.withheld)) {
        throw new AppError("WRONG_STATE", `Some of ${sar.reference}'s calls are withheld, so it was not answered in full: close it as partial with the grounds.`, "outcome");
      }
      // Heard in person (ECS: "access to hear the recording") needs no bundle: the owner played the calls to the subject.
      if (items.length > 0 && !sar.deliveryMode && !outputs.includes("heard-in-person")) {
        throw new AppError("WRONG_STATE", `${sar.reference} found ${items.length} call${items.length === 1 ? "" : "s"} but no bundle has been prepared. Prepare the bundle first.`, "outcome");
      }
    }
    // After the state checks: a request that cannot close this way says so first.
    if (input.outcome !== "withdrawn" && assessment.length < 10) {
      throw new AppError("REASON_REQUIRED", "Write the assessment note (at least 10 characters): what was searched, what was found and why this outcome.", "assessment");
    }
    const given = outputs.length > 0 ? outputs : input.outcome === "complete" || input.outcome === "partial" ? outputsFromBundle(sar.deliveryMode) : [];
    if (input.outcome === "complete" && given.length === 0 && (await tx.subjectAccessItem.count({ where: { sarId: sar.id, withheld: false } })) > 0) {
      throw new AppError("INVALID_INPUT", `Say what the subject was given: ${ctx.policy.subjectAccess.outputs.join(", ")}.`, "outputs");
    }
    const status = STATUS[input.outcome];
    const { count } = await tx.subjectAccessRequest.updateMany({ where: { id: sar.id, status: "OPEN" }, data: { status, closedAt: now, closedBy: actor.email, outcomeReason, outputs: given, assessment: assessment || null, refusalGround: refusing ? (input.grounds ?? null) : null } });
    if (count !== 1) throw new AppError("CONFLICT", `${sar.reference} was closed by someone else a moment ago.`);
    const hold = await tx.hold.findUnique({ where: { subjectAccessId: sar.id } });
    const releaseReason = `${sar.reference} ${OUTCOME_TEXT[input.outcome]}`;
    const released = hold ? (await tx.hold.updateMany({ where: { id: hold.id, releasedAt: null }, data: { releasedAt: now, releasedBy: actor.email, releaseReason } })).count === 1 : false;

    const late = today.getTime() > sar.dueOn.getTime();
    await appendAudit(tx, {
      at: now,
      actor: actor.email,
      action: "subject-access.closed",
      subjectType: "subject-access",
      subjectId: sar.id,
      details: { reference: sar.reference, status, outputs: given, ...(assessment ? { assessment } : {}), ...(input.grounds ? { grounds: input.grounds } : {}), ...(outcomeReason ? { reason: outcomeReason } : {}), dueOn: isoDate(sar.dueOn), late, holdReference: hold?.reference ?? null },
    });
    if (hold && released) {
      await appendAudit(tx, { at: now, actor: actor.email, action: "hold.released", subjectType: "hold", subjectId: hold.id, details: { reference: hold.reference, kind: hold.kind, subjectAccess: sar.reference, reason: releaseReason } });
    }
    const letter = needsOutcomeLetter(input.outcome, given, sar.deliveryMode);
    if (letter) await enqueueFileJob(tx, now, { kind: "subject-access-letter", ownerEmail: actor.email, payload: { subjectAccessId: sar.id } satisfies SubjectAccessLetterPayload });
    const lines = [
      `${actor.name} closed it: ${OUTCOME_TEXT[input.outcome]}${outcomeReason ? ` (${outcomeReason})` : ""}.`,
      ...(given.length > 0 ? [`Given: ${given.map((o) => OUTPUT_TEXT[o as SubjectAccessOutput] ?? o).join(", ")}.`] : []),
      ...(letter ? [`The letter to the subject is being prepared; it will come to ${actor.name} as a download to check and send.`] : []),
      late ? `It was due by ${calendarText(sar.dueOn)}, so it was answered late.` : `It was due by ${calendarText(sar.dueOn)}.`,
      ...(hold && released ? [`Hold ${hold.reference} is released; its recordings follow the normal retention rules again.`] : []),
    ];
    await enqueueNotices(tx, now, subjectAccessTeam(ctx.policy, sar.ownerEmail, actor.email).map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `Subject access request ${sar.reference} closed`, lines } })));
    return sar.id;
  });
  return buildSubjectAccessView(ctx, await loadSubjectAccess(ctx.db, id));
}

function readOutputs(allowed: readonly SubjectAccessOutput[], typed: readonly string[] | undefined): SubjectAccessOutput[] {
  const out: SubjectAccessOutput[] = [];
  for (const raw of typed ?? []) {
    const value = raw.trim().toLowerCase();
    if (!(allowed as readonly string[]).includes(value)) {
      throw new AppError("INVALID_INPUT", `What the subject was given must be one of the policy's: ${allowed.map((o) => `${o} (${OUTPUT_TEXT[o]})`).join(", ")}.`, "outputs");
    }
    if (!out.includes(value as SubjectAccessOutput)) out.push(value as SubjectAccessOutput);
  }
  return out;
}

/**
 * Whether closing makes an outcome letter to the subject: always for a
 * refusal in whole or part (the subject must be told why and of their right
 * to complain: UK GDPR Article 12(4)); for a full answer only where the
 * bundle's covering letter does not already say what was given (a
 * transcript, the calls heard in person, or nothing found and no bundle);
 * never for a withdrawal.
 */
export function needsOutcomeLetter(outcome: CloseOutcome, given: readonly string[], deliveryMode: string | null): boolean {
  if (outcome === "withdrawn") return false;
  if (outcome === "refuse" || outcome === "partial") return true;
  const bundled = outputsFromBundle(deliveryMode);
  return bundled.length === 0 || given.some((o) => !bundled.includes(o as SubjectAccessOutput));
}

/** What a prepared bundle gave: the zip holds the audio, links play it. */
function outputsFromBundle(deliveryMode: string | null): SubjectAccessOutput[] {
  if (deliveryMode === "bundle") return ["audio-copy"];
  if (deliveryMode === "links") return ["links"];
  return [];
}
