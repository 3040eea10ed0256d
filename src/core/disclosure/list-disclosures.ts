/**
 * Disclosures to third parties, newest first, for the DPO, the people who
 * authorise disclosures and the people who may record them.
 */
import type { CoreContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { holdsRole, isDpo, personByEmail, purposeById } from "../policy/access.ts";
import { DISCLOSURE_PURPOSE_ID } from "../policy/schema.ts";
import { buildDisclosureView, type DisclosureView } from "./disclosure-view.ts";
import { withRefusalAudit } from "../guards.ts";

export interface ListDisclosuresInput {
  actorEmail: string;
  /** Only those not yet disclosed (waiting for authorisation or for the call to be found). */
  openOnly?: boolean;
  limit?: number;
}

export async function listDisclosures(ctx: CoreContext, input: ListDisclosuresInput): Promise<DisclosureView[]> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "disclosure.refused", command: "list-disclosures" }, () => attemptListDisclosures(ctx, input));
}

async function attemptListDisclosures(ctx: CoreContext, input: ListDisclosuresInput): Promise<DisclosureView[]> {
  const { policy } = ctx;
  const actor = personByEmail(policy, input.actorEmail);
  const purpose = purposeById(policy, DISCLOSURE_PURPOSE_ID);
  const roles = [...policy.disclosure.authoriserRoles, ...(purpose.requestableBy ?? [])];
  if (!isDpo(policy, actor) && !holdsRole(policy, actor, roles)) {
    throw new AppError("FORBIDDEN", "Only the Data Protection Officer and the people who authorise disclosures can see them.");
  }
  const rows = await ctx.db.disclosure.findMany({
    where: input.openOnly ? { disclosedAt: null, request: { status: { in: ["PENDING_APPROVAL", "AWAITING_FULFILMENT"] } } } : {},
    include: { request: { include: { decisions: true } } },
    orderBy: { request: { createdAt: "desc" } },
    take: Math.min(Math.max(input.limit ?? 20, 1), 100),
  });
  return rows.map((row) => buildDisclosureView(policy, row));
}
