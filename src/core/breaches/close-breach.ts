/**
 * Someone the policy lets close breaches closes one, with a note of what was
 * done. The ICO decision must be on record first, so no breach is closed
 * without anyone having judged whether the ICO must be told.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { requireReason, withRefusalAudit } from "../guards.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { breachRecipients } from "./breach-rules.ts";
import { breachReference, loadBreachView, type BreachView } from "./breach-view.ts";
import { requireBreachCloser } from "./require-breach-closer.ts";

export interface CloseBreachInput {
  actorEmail: string;
  reference: string;
  /** What was done: containment, who was told, lessons learnt. */
  note: string;
}

export async function closeBreach(ctx: CoreContext, input: CloseBreachInput): Promise<BreachView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "breach.refused", command: "close-breach", reference: input.reference }, () => attempt(ctx, input));
}

async function attempt(ctx: CoreContext, input: CloseBreachInput): Promise<BreachView> {
  const actor = requireBreachCloser(ctx, input.actorEmail, "close a breach");
  const reference = breachReference(input.reference);
  const note = requireReason(input.note, "Say what was done about the breach (at least 5 characters); the note is kept.");
  const now = ctx.clock.now();
  await transact(ctx, async (tx) => {
    const row = await tx.breach.findUnique({ where: { reference } });
    if (!row) throw new AppError("NOT_FOUND", `There is no breach ${reference}.`, "reference");
    if (row.status === "CLOSED") throw new AppError("ALREADY_DONE", `${reference} is already closed.`, "reference");
    if (row.icoDecision === null) {
      throw new AppError("WRONG_STATE", `Record the ICO decision on ${reference} first (breach ico ${reference} --reported <ICO reference>, or --not-reportable <reason>).`, "reference");
    }
    const { count } = await tx.breach.updateMany({ where: { id: row.id, status: "OPEN" }, data: { status: "CLOSED", closedAt: now, closedBy: actor.email, closeNote: note } });
    if (count !== 1) throw new AppError("CONFLICT", `${reference} changed while it was being closed; try again.`);
    await appendAudit(tx, { at: now, actor: actor.email, action: "breach.closed", subjectType: "breach", subjectId: row.id, details: { reference, note } });
    await enqueueNotices(tx, now, breachRecipients(ctx.policy, row.reportedBy).map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `Breach closed (${reference})`, lines: [`${actor.name} closed it: ${note}`] } })));
  });
  return loadBreachView(ctx.db, ctx.policy, reference, now);
}
