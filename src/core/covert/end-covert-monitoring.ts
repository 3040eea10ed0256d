/**
 * Ends a covert monitoring authorisation before its investigation closes:
 * the authoriser who set it up, or the DPO, with a reason. (Closing the
 * investigation itself ends every authorisation linked to it; see
 * release-hold.ts.) A conditional update makes a second end a no-op refusal.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { formatDateTime } from "../format.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { findPerson, isDpo, peopleWithRoles, personByEmail } from "../policy/access.ts";
import { cleanFreeText } from "../validation.ts";
import { loadCovertView, lockCovert, type CovertView } from "./covert-view.ts";
import { withRefusalAudit } from "../guards.ts";

export interface EndCovertMonitoringInput {
  /** COV-000001 */
  reference: string;
  actorEmail: string;
  reason: string;
}

export async function endCovertMonitoring(ctx: CoreContext, input: EndCovertMonitoringInput): Promise<CovertView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "covert.refused", command: "end-covert-monitoring", reference: input.reference }, () => attemptEndCovertMonitoring(ctx, input));
}

async function attemptEndCovertMonitoring(ctx: CoreContext, input: EndCovertMonitoringInput): Promise<CovertView> {
  const { policy } = ctx;
  const actor = personByEmail(policy, input.actorEmail);
  const reason = cleanFreeText(input.reason, "reason").slice(0, 2000);
  if (reason.length < 5) throw new AppError("REASON_REQUIRED", "Please say why the monitoring is ending; it is kept in the audit log.", "reason");
  const id = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const row = await lockCovert(tx, input.reference);
    if (row.authorisedBy !== actor.email && !isDpo(policy, actor)) {
      throw new AppError("FORBIDDEN", `Only ${findPerson(policy, row.authorisedBy)?.name ?? "the authoriser"}, who authorised ${row.reference}, or the Data Protection Officer can end it.`);
    }
    if (row.status !== "ACTIVE") {
      const by = row.endedBy ? ` by ${findPerson(policy, row.endedBy)?.name ?? row.endedBy}` : "";
      throw new AppError("ALREADY_DONE", `${row.reference} already ended${by}${row.endedAt ? ` on ${formatDateTime(row.endedAt, policy.organisation.timeZone)}` : ""}.`);
    }
    const { count } = await tx.covertAuthorisation.updateMany({ where: { id: row.id, status: "ACTIVE" }, data: { status: "ENDED", endedAt: now, endedBy: actor.email, endReason: reason } });
    if (count !== 1) throw new AppError("CONFLICT", `${row.reference} changed while you were acting on it. Please look again.`);
    await appendAudit(tx, { at: now, actor: actor.email, action: "covert.ended", subjectType: "covert", subjectId: row.id, details: { reference: row.reference, reason, investigation: row.investigation.reference } });
    const tell = new Set([row.authorisedBy, ...peopleWithRoles(policy, policy.compliance.dpoRoles).map((p) => p.email)]);
    tell.delete(actor.email);
    for (const monitored of row.staffEmails) tell.delete(monitored);
    const lines = [`${actor.name} ended covert monitoring ${row.reference}.`, `Reason: ${reason}`, `Investigation ${row.investigation.reference} stays open until it is closed separately.`];
    await enqueueNotices(tx, now, [...tell].map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `Covert monitoring ended (${row.reference})`, lines } })));
    return row.id;
  });
  return loadCovertView(ctx, id);
}
