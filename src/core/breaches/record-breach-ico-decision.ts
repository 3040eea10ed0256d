/**
 * Someone the policy lets close breaches (the DPO by default) records the ICO
 * decision: reported (with the ICO's case reference) or judged not reportable
 * (with the reason, kept as Article 33(5) asks). This stops the reminders; the
 * breach stays open, and in every audit summary, until it is closed.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { requireReason, withRefusalAudit } from "../guards.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { cleanFreeText } from "../validation.ts";
import { breachRecipients } from "./breach-rules.ts";
import { breachReference, loadBreachView, type BreachView } from "./breach-view.ts";
import { requireBreachCloser } from "./require-breach-closer.ts";

export interface RecordBreachIcoDecisionInput {
  actorEmail: string;
  reference: string;
  decision: "reported" | "not-reportable";
  /** The ICO's case reference, when reported. */
  icoReference?: string;
  /** Why it need not be reported, when not reportable. */
  reason?: string;
}

export async function recordBreachIcoDecision(ctx: CoreContext, input: RecordBreachIcoDecisionInput): Promise<BreachView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "breach.refused", command: "record-breach-ico-decision", reference: input.reference }, () => attempt(ctx, input));
}

async function attempt(ctx: CoreContext, input: RecordBreachIcoDecisionInput): Promise<BreachView> {
  const actor = requireBreachCloser(ctx, input.actorEmail, "record the ICO decision on a breach");
  const reference = breachReference(input.reference);
  let icoReference: string | null = null;
  let reason: string | null = null;
  if (input.decision === "reported") {
    icoReference = cleanFreeText(input.icoReference ?? "", "icoReference").slice(0, 100);
    if (icoReference.length < 3) throw new AppError("INVALID_INPUT", "Give the ICO's case reference for the report.", "icoReference");
  } else {
    reason = requireReason(input.reason, "Say why the breach need not be reported to the ICO (at least 5 characters); the reason is kept.");
  }
  const now = ctx.clock.now();
  await transact(ctx, async (tx) => {
    const row = await tx.breach.findUnique({ where: { reference } });
    if (!row) throw new AppError("NOT_FOUND", `There is no breach ${reference}.`, "reference");
    const { count } = await tx.breach.updateMany({
      where: { id: row.id, status: "OPEN", icoDecision: null },
      data: { icoDecision: input.decision === "reported" ? "REPORTED" : "NOT_REPORTABLE", icoReference, icoReason: reason, icoRecordedAt: now, icoRecordedBy: actor.email },
    });
    if (count !== 1) throw new AppError("ALREADY_DONE", row.status === "CLOSED" ? `${reference} is already closed.` : `The ICO decision on ${reference} is already recorded.`, "reference");
    await appendAudit(tx, {
      at: now,
      actor: actor.email,
      action: "breach.ico-recorded",
      subjectType: "breach",
      subjectId: row.id,
      details: { reference, decision: input.decision, icoReference, reason, late: now.getTime() > row.deadlineAt.getTime() },
    });
    const line = input.decision === "reported" ? `${actor.name} recorded that it was reported to the ICO (reference ${icoReference}).` : `${actor.name} judged that it need not be reported to the ICO: ${reason}`;
    await enqueueNotices(tx, now, breachRecipients(ctx.policy, row.reportedBy).map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `ICO decision recorded (${reference})`, lines: [line, `Close it when it is dealt with: breach close ${reference} <note>`] } })));
  });
  return loadBreachView(ctx.db, ctx.policy, reference, now);
}
