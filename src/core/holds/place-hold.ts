/**
 * The DPO places a hold: every recording now in the catalogue for the given
 * numbers (and any calls named by id) is kept from deletion, by retention or
 * erasure, until the hold is released. A legal hold needs at least one number
 * or call; an investigation may start empty (covert monitoring links to it).
 *
 * Racing the retention sweep: the recordings are locked FOR KEY SHARE before
 * they are linked. A recording the sweep has already locked is waited for;
 * if the sweep deleted it, it is simply not in the hold (it was gone before
 * the hold existed). One the hold locks first is skipped by the sweep.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { maskPhoneNumber } from "../phone.ts";
import { nextReference } from "../references.ts";
import { requireDpo, requireReason, withRefusalAudit } from "../guards.ts";
import { normaliseNumbers } from "../retention/subject-numbers.ts";
import { loadHoldView, type HoldView } from "./hold-view.ts";

export interface PlaceHoldInput {
  actorEmail: string;
  /** Phone numbers as typed; every recording for them now in the catalogue is held. */
  numbers?: string[];
  /** Call ids as the catalogue has them. */
  callIds?: string[];
  /** LEGAL (default) or INVESTIGATION. Subject access holds are placed by subject access requests. */
  kind?: "LEGAL" | "INVESTIGATION";
  reason: string;
}

const MAX_CALL_IDS = 200;

export async function placeHold(ctx: CoreContext, input: PlaceHoldInput): Promise<HoldView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "hold.refused", command: "place-hold" }, () => attemptPlaceHold(ctx, input));
}

async function attemptPlaceHold(ctx: CoreContext, input: PlaceHoldInput): Promise<HoldView> {
  const dpo = await requireDpo(ctx, input.actorEmail, "place holds on recordings");
  const kind = input.kind ?? "LEGAL";
  const reason = requireReason(input.reason, "Give a reason for the hold (at least 5 characters); it is kept in the audit log.");
  const numbers = normaliseNumbers(input.numbers);
  const callIds = [...new Set((input.callIds ?? []).map((c) => c.trim()).filter((c) => c.length > 0))];
  if (callIds.length > MAX_CALL_IDS) throw new AppError("INVALID_INPUT", `Name at most ${MAX_CALL_IDS} calls at once.`, "call");
  if (kind === "LEGAL" && numbers.length === 0 && callIds.length === 0) {
    throw new AppError("INVALID_INPUT", "Say what to hold: at least one phone number or call id.", "number");
  }
  if (callIds.length > 0) {
    const known = new Set((await ctx.db.recording.findMany({ where: { callId: { in: callIds } }, select: { callId: true } })).map((r) => r.callId));
    const unknown = callIds.filter((c) => !known.has(c));
    if (unknown.length > 0) throw new AppError("NOT_FOUND", `There is no call ${unknown.slice(0, 3).join(", ")}${unknown.length > 3 ? ` (and ${unknown.length - 3} more)` : ""} in the catalogue.`, "call");
  }

  const reference = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const reference = await nextReference(tx, "HOLD");
    const maskedNumbers = numbers.map(maskPhoneNumber);
    const hold = await tx.hold.create({ data: { reference, kind, reason, maskedNumbers, createdBy: dpo.email, createdAt: now } });
    const held =
      numbers.length + callIds.length === 0
        ? []
        : await tx.$queryRaw<{ id: string }[]>`
            SELECT id::text AS id FROM "Recording"
            WHERE "externalNumber" = ANY(${numbers}::text[]) OR "callId" = ANY(${callIds}::text[])
            ORDER BY id
            FOR KEY SHARE`;
    if (held.length > 0) {
      await tx.$executeRaw`
        INSERT INTO "HeldRecording" ("holdId", "recordingId")
        SELECT ${hold.id}::uuid, unnest(${held.map((r) => r.id)}::text[]::uuid[])`;
    }
    await appendAudit(tx, {
      at: now,
      actor: dpo.email,
      action: "hold.placed",
      subjectType: "hold",
      subjectId: hold.id,
      details: { reference, kind, reason, maskedNumbers, callIds: callIds.slice(0, 50), recordings: held.length },
    });
    return reference;
  });
  return loadHoldView(ctx.db, ctx.policy, reference);
}
