/**
 * An authoriser gives or refuses more time. One decision from anyone who could
 * authorise the original request settles it (never the requester). Approval
 * issues a fresh grant, so the requester receives a new link and the old one
 * ends on its own schedule.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { formatDateTime } from "../format.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { authorisersFor, findPerson, personByEmail, purposeById } from "../policy/access.ts";
import { MIN_DENIAL_REASON } from "../requests/record-decision.ts";
import { loadRequest } from "../requests/load-request.ts";
import { cleanFreeText } from "../validation.ts";
import { issuePlaybackGrant } from "./issue-playback-grant.ts";
import { withRefusalAudit } from "../guards.ts";

export interface DecideAccessExtensionInput {
  extensionId: string;
  deciderEmail: string;
  outcome: "approve" | "deny";
  reason?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function decideAccessExtension(ctx: CoreContext, input: DecideAccessExtensionInput): Promise<{ status: "APPROVED" | "DENIED" }> {
  return withRefusalAudit(ctx, { actorEmail: input.deciderEmail, action: "extension.refused", command: "decide-access-extension" }, () => attemptDecideAccessExtension(ctx, input));
}

async function attemptDecideAccessExtension(ctx: CoreContext, input: DecideAccessExtensionInput): Promise<{ status: "APPROVED" | "DENIED" }> {
  const decider = personByEmail(ctx.policy, input.deciderEmail);
  const reason = cleanFreeText(input.reason ?? "", "reason").slice(0, 2000) || null;
  if (input.outcome === "deny" && (reason ?? "").length < MIN_DENIAL_REASON) {
    throw new AppError("REASON_REQUIRED", "Please give a reason for refusing more time; the requester will see it.", "reason");
  }
  if (!UUID.test(input.extensionId)) throw new AppError("NOT_FOUND", "There is no such request for more time.");

  return transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    await tx.$queryRaw`SELECT id FROM "AccessExtension" WHERE id = ${input.extensionId}::uuid FOR UPDATE`;
    const extension = await tx.accessExtension.findUnique({ where: { id: input.extensionId }, include: { grant: { include: { recording: true } } } });
    if (!extension) throw new AppError("NOT_FOUND", "There is no such request for more time.");
    if (extension.status !== "PENDING") {
      const by = extension.decidedBy ? findPerson(ctx.policy, extension.decidedBy)?.name ?? extension.decidedBy : "someone";
      throw new AppError("ALREADY_DECIDED", `This request for more time was already ${extension.status === "APPROVED" ? "approved" : "refused"} by ${by}${extension.decidedAt ? ` on ${formatDateTime(extension.decidedAt, ctx.policy.organisation.timeZone)}` : ""}.`);
    }
    if (extension.requesterEmail === decider.email) throw new AppError("SELF_APPROVAL", "You cannot decide your own request for more time.");
    const request = await loadRequest(tx, extension.requestId);
    const purpose = purposeById(ctx.policy, request.purposeId);
    if (!authorisersFor(ctx.policy, purpose, request.siteId).some((p) => p.email === decider.email)) {
      throw new AppError("FORBIDDEN", `You are not an authoriser for "${purpose.label}" requests${request.siteId ? " at this site" : ""}.`);
    }

    const status = input.outcome === "approve" ? "APPROVED" : "DENIED";
    const { count } = await tx.accessExtension.updateMany({ where: { id: extension.id, status: "PENDING" }, data: { status, decidedBy: decider.email, decidedAt: now, decisionReason: reason } });
    if (count !== 1) throw new AppError("CONFLICT", "This request for more time changed while you were acting on it.");
    await appendAudit(tx, { at: now, actor: decider.email, action: status === "APPROVED" ? "extension.approved" : "extension.denied", subjectType: "extension", subjectId: extension.id, requestId: request.id, purposeId: request.purposeId, details: { grantId: extension.grantId, ...(reason ? { reason } : {}) } });
    if (status === "APPROVED") {
      const recording = extension.grant.recording;
      if (!recording) throw new AppError("NOT_FOUND", "The recording has since been deleted under the organisation's retention rules, so no more time can be given.");
      await issuePlaybackGrant(tx, ctx, request, recording, decider.email, now);
    }
    await enqueueNotices(tx, now, [
      { to: extension.requesterEmail, kind: "extension-outcome", requestId: request.id, payload: { extensionId: extension.id } },
      { to: "system", kind: "refresh-messages", requestId: request.id },
    ]);
    return { status };
  });
}
