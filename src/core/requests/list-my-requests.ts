/** A person's own requests, newest first, for `mine` in chat. */
import type { CoreContext } from "../context.ts";
import { personByEmail } from "../policy/access.ts";
import { buildRequestView, type RequestView } from "./request-view.ts";

export async function listMyRequests(ctx: CoreContext, input: { email: string; limit?: number }): Promise<RequestView[]> {
  const person = personByEmail(ctx.policy, input.email);
  const rows = await ctx.db.recordingRequest.findMany({
    where: { requesterEmail: person.email },
    include: { decisions: true },
    orderBy: { createdAt: "desc" },
    take: Math.min(input.limit ?? 10, 50),
  });
  return rows.map((r) => buildRequestView(ctx.policy, r));
}
