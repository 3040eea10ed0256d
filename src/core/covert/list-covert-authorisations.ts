/**
 * Covert monitoring authorisations, for the DPO (all of them) and for
 * authorisers (those they authorised). Active first, soonest review first.
 * Also used by the DPO's audit summary.
 */
import type { CoreContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { isDpo, personByEmail } from "../policy/access.ts";
import { buildCovertView, maySeeCovert, type CovertView } from "./covert-view.ts";
import { withRefusalAudit } from "../guards.ts";

export interface ListCovertInput {
  actorEmail: string;
  /** Include ended authorisations (default: active only). */
  all?: boolean;
  limit?: number;
}

export async function listCovertAuthorisations(ctx: CoreContext, input: ListCovertInput): Promise<CovertView[]> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "covert.refused", command: "list-covert-authorisations" }, () => attemptListCovertAuthorisations(ctx, input));
}

async function attemptListCovertAuthorisations(ctx: CoreContext, input: ListCovertInput): Promise<CovertView[]> {
  const { policy } = ctx;
  const actor = personByEmail(policy, input.actorEmail);
  if (!maySeeCovert(policy, actor)) throw new AppError("FORBIDDEN", "Only the Data Protection Officer and the people who authorise covert monitoring can see it.");
  const rows = await ctx.db.covertAuthorisation.findMany({
    where: { ...(input.all ? {} : { status: "ACTIVE" as const }), ...(isDpo(policy, actor) ? {} : { authorisedBy: actor.email }) },
    include: { investigation: true },
    orderBy: [{ status: "asc" }, { reviewOn: "asc" }, { createdAt: "desc" }],
    take: Math.min(Math.max(input.limit ?? 50, 1), 200),
  });
  const now = ctx.clock.now();
  return rows.map((row) => buildCovertView(policy, row, now));
}
