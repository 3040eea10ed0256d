/**
 * Right to erasure, step one: the DPO names the number(s). Callgate finds
 * every recording and call log for them, splits them into those it would
 * delete and those a hold or an open request keeps, and records the proposal
 * (numbers only as SHA-256 and masked). Nothing is deleted until a DPO
 * confirms (confirm-erasure.ts), and then only the recordings listed here.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { maskPhoneNumber } from "../phone.ts";
import { nextReference } from "../references.ts";
import { sha256 } from "../retention/delete-recordings.ts";
import { protectionReasons } from "../retention/protection.ts";
import { recordingLine, type RecordingLine } from "../retention/recording-line.ts";
import { requireReason, withRefusalAudit } from "../guards.ts";
import { requireCompliancePower } from "../retention/compliance-roles.ts";
import { normaliseNumbers } from "../retention/subject-numbers.ts";
import { buildErasureView, OMIT_IDS, type ErasureView } from "./erasure-view.ts";

export interface ProposeErasureInput {
  actorEmail: string;
  /** The subject's phone numbers as typed. */
  numbers: string[];
  reason: string;
}

export interface ProposeErasureResult {
  erasure: ErasureView;
  /** Would be deleted on confirmation, oldest first. */
  toDelete: RecordingLine[];
  /** Kept, with why (holds, open requests). */
  kept: RecordingLine[];
}

/** More than this many recordings for one subject is not an erasure anyone should confirm from chat. */
const MAX_RECORDINGS = 50_000;

export async function proposeErasure(ctx: CoreContext, input: ProposeErasureInput): Promise<ProposeErasureResult> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "erasure.refused", command: "propose-erasure" }, () => attemptProposeErasure(ctx, input));
}

async function attemptProposeErasure(ctx: CoreContext, input: ProposeErasureInput): Promise<ProposeErasureResult> {
  const dpo = await requireCompliancePower(ctx, input.actorEmail, "erasure", "propose erasures");
  const numbers = normaliseNumbers(input.numbers);
  if (numbers.length === 0) throw new AppError("INVALID_INPUT", "Give the phone number whose recordings should be erased.", "number");
  const reason = requireReason(input.reason, "Give the reason for the erasure (at least 5 characters), for example how the request reached you; it is kept in the audit log.");
  const now = ctx.clock.now();

  const found = await ctx.db.recording.findMany({
    where: { externalNumber: { in: numbers } },
    select: { id: true, callId: true, startedAt: true, direction: true, externalNumber: true, siteId: true, blobName: true },
    orderBy: [{ startedAt: "asc" }, { id: "asc" }],
    take: MAX_RECORDINGS + 1,
  });
  if (found.length > MAX_RECORDINGS) {
    throw new AppError("INVALID_INPUT", `More than ${MAX_RECORDINGS.toLocaleString("en-GB")} recordings match; that is too many to erase in one request. Contact your administrator.`);
  }
  const reasons = await protectionReasons(ctx.db, found.map((r) => r.id), now);
  const toDelete = found.filter((r) => !reasons.has(r.id));
  const kept = found.filter((r) => reasons.has(r.id));
  const maskedNumbers = numbers.map(maskPhoneNumber);

  const row = await transact(ctx, async (tx) => {
    const reference = await nextReference(tx, "ERA");
    const created = await tx.erasureRequest.create({
      data: {
        reference,
        numberHashes: numbers.map(sha256),
        maskedNumbers,
        reason,
        recordingIds: toDelete.map((r) => r.id),
        heldCount: kept.length,
        requestedBy: dpo.email,
        createdAt: now,
      },
      omit: OMIT_IDS,
    });
    await appendAudit(tx, {
      at: now,
      actor: dpo.email,
      action: "erasure.proposed",
      subjectType: "erasure",
      subjectId: created.id,
      details: { reference, maskedNumbers, reason, wouldDelete: toDelete.length, kept: kept.length },
    });
    return created;
  });
  return {
    erasure: buildErasureView(ctx.policy, row, toDelete.length),
    toDelete: toDelete.map((r) => recordingLine(ctx.policy, r)),
    kept: kept.map((r) => recordingLine(ctx.policy, r, reasons.get(r.id))),
  };
}
