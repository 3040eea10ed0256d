/**
 * Breaches for the people who handle them (breaches.closeRoles, the DPOs by
 * default): the open ones, soonest ICO deadline first, or every one. The
 * reporter of a breach may see their own.
 */
import type { CoreContext } from "../context.ts";
import { withRefusalAudit } from "../guards.ts";
import { personByEmail } from "../policy/access.ts";
import { mayCloseBreach } from "./breach-rules.ts";
import { buildBreachView, breachReference, type BreachView } from "./breach-view.ts";
import { AppError } from "../errors.ts";
import { requireBreachCloser } from "./require-breach-closer.ts";

export async function listBreaches(ctx: CoreContext, input: { actorEmail: string; all?: boolean }): Promise<BreachView[]> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "breach.refused", command: "list-breaches" }, async () => {
    requireBreachCloser(ctx, input.actorEmail, "list breaches");
    const rows = await ctx.db.breach.findMany({ where: input.all ? {} : { status: "OPEN" }, orderBy: [{ deadlineAt: "asc" }, { reference: "asc" }], take: 200 });
    const now = ctx.clock.now();
    return rows.map((r) => buildBreachView(ctx.policy, r, now));
  });
}

export async function showBreach(ctx: CoreContext, input: { actorEmail: string; reference: string }): Promise<BreachView> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "breach.refused", command: "show-breach", reference: input.reference }, async () => {
    const person = personByEmail(ctx.policy, input.actorEmail);
    const reference = breachReference(input.reference);
    const row = await ctx.db.breach.findUnique({ where: { reference } });
    if (!row || (!mayCloseBreach(ctx.policy, person) && row.reportedBy !== person.email)) throw new AppError("NOT_FOUND", `There is no breach ${reference} you can see.`, "reference");
    return buildBreachView(ctx.policy, row, ctx.clock.now());
  });
}
