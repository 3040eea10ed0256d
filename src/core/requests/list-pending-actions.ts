/**
 * What is waiting for this person: requests to authorise, consents to give,
 * recordings to find. For `pending` in chat and the Slack App Home. Nobody's
 * own requests are listed, except a disclosure they recorded for an outside
 * party where the policy lets the recorder decide and complete it (a sole
 * DPO or data controller: recorderMayAct).
 */
import type { CoreContext } from "../context.ts";
import { filledSlots, holdsRole, personByEmail, purposeById } from "../policy/access.ts";
import { DISCLOSURE_PURPOSE_ID, type Person } from "../policy/schema.ts";
import { recorderMayAct } from "../disclosure/disclosure-decision.ts";
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
    where: { status: { in: [...OPEN_STATUSES] }, OR: [{ requesterEmail: { not: me.email } }, { purposeId: DISCLOSURE_PURPOSE_ID, disclosure: { requestedByEmail: null } }] },
    include: { decisions: true, disclosure: { select: { requestedByEmail: true } } },
    orderBy: { createdAt: "asc" },
    take: 500,
  });
  const actionable = open.filter((r) => r.requesterEmail !== me.email || (r.disclosure !== null && recorderMayAct(policy, r.disclosure)));
  const views = (filter: (r: (typeof open)[number]) => boolean) => actionable.filter(filter).map((r) => buildRequestView(policy, r));
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
