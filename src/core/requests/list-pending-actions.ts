/**
 * What is waiting for this person: requests to authorise, consents to give,
 * recordings to find. For `pending` in chat and the Slack App Home.
 */
import type { CoreContext } from "../context.ts";
import { filledSlots, holdsRole, personByEmail, purposeById } from "../policy/access.ts";
import type { Person } from "../policy/schema.ts";
import { OPEN_STATUSES } from "./request-lifecycle.ts";
import { buildRequestView, type RequestView } from "./request-view.ts";

export interface PendingActions {
  toAuthorise: RequestView[];
  toConsent: RequestView[];
  toFulfil: RequestView[];
}

export async function listPendingActions(ctx: CoreContext, input: { email: string }): Promise<PendingActions> {
  const { policy } = ctx;
  const me = personByEmail(policy, input.email);
  const open = await ctx.db.recordingRequest.findMany({
    where: { status: { in: [...OPEN_STATUSES] }, requesterEmail: { not: me.email } },
    include: { decisions: true },
    orderBy: { createdAt: "asc" },
    take: 500,
  });
  const views = (filter: (r: (typeof open)[number]) => boolean) => open.filter(filter).map((r) => buildRequestView(policy, r));
  return {
    toAuthorise: views((r) => {
      if (r.status !== "PENDING_APPROVAL" || r.decisions.some((d) => d.deciderEmail === me.email)) return false;
      const purpose = purposeById(policy, r.purposeId);
      const approvers = r.decisions.filter((d) => d.outcome === "APPROVED").map((d) => policy.people.find((p) => p.email === d.deciderEmail)).filter((p): p is Person => !!p);
      return filledSlots(policy, purpose.approvals, [...approvers, me], r.siteId) > filledSlots(policy, purpose.approvals, approvers, r.siteId);
    }),
    toConsent: views((r) => r.status === "AWAITING_CONSENT" && r.employeeEmail === me.email),
    toFulfil: views((r) => r.status === "AWAITING_FULFILMENT" && holdsRole(policy, me, policy.fulfilment.roles, r.siteId)),
  };
}
