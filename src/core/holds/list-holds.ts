/** The DPO lists holds: those in force (newest first), or all of them. */
import type { CoreContext } from "../context.ts";
import { requireDpo } from "../guards.ts";
import { buildHoldView, listHoldRows, type HoldView } from "./hold-view.ts";

export const MAX_LISTED_HOLDS = 100;

export async function listHolds(ctx: CoreContext, input: { actorEmail: string; includeReleased?: boolean }): Promise<HoldView[]> {
  await requireDpo(ctx, input.actorEmail, "see holds");
  const rows = await listHoldRows(ctx.db, { includeReleased: input.includeReleased ?? false, take: MAX_LISTED_HOLDS });
  return rows.map((row) => buildHoldView(ctx.policy, row));
}
