/** An access extension as people see it: names, and dates in the organisation's zone. */
import type { Db, Tx } from "../context.ts";
import type { CoreContext } from "../context.ts";
import { formatDateTime } from "../format.ts";
import type { ExtensionView } from "../notify/notices.ts";
import { findPerson } from "../policy/access.ts";

export async function loadExtensionView(ctx: Pick<CoreContext, "policy"> & { db: Db | Tx }, extensionId: string): Promise<ExtensionView> {
  const e = await ctx.db.accessExtension.findUniqueOrThrow({ where: { id: extensionId } });
  const tz = ctx.policy.organisation.timeZone;
  const nameOf = (email: string) => findPerson(ctx.policy, email)?.name ?? email;
  return {
    id: e.id,
    status: e.status,
    reason: e.reason,
    requesterName: nameOf(e.requesterEmail),
    askedAtText: formatDateTime(e.createdAt, tz),
    decidedByName: e.decidedBy ? nameOf(e.decidedBy) : null,
    decidedAtText: e.decidedAt ? formatDateTime(e.decidedAt, tz) : null,
    decisionReason: e.decisionReason,
  };
}
