/**
 * The calls the trial's /trial page offers to ask for: the newest in the
 * catalogue (on a fresh clone, the demo's synthetic recordings), with their
 * number as people dial it.
 */
import type { CoreContext } from "../../core/context.ts";
import { formatPhoneNumber } from "../../core/phone.ts";

export interface CatalogueCall {
  startedAt: Date;
  direction: string;
  number?: string;
  extension?: string;
  siteId?: string;
}

export async function trialCalls(ctx: CoreContext, limit = 8): Promise<CatalogueCall[]> {
  const rows = await ctx.db.recording.findMany({ where: { blobName: { not: null } }, orderBy: { startedAt: "desc" }, take: limit });
  return rows.map((r) => {
    const number = formatPhoneNumber(r.externalNumber);
    return { startedAt: r.startedAt, direction: r.direction.toLowerCase(), ...(number ? { number } : {}), ...(r.extension ? { extension: r.extension } : {}), ...(r.siteId ? { siteId: r.siteId } : {}) };
  });
}
