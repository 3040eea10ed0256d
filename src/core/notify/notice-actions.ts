/**
 * Which actions a notice offers its viewer, decided once, here, for every
 * platform: the same rules the commands enforce (record-decision,
 * record-consent, fulfil-request, revoke-grant, decide-access-extension), read
 * from the request as it is now. A button shown is one the core would accept
 * from that person at this moment; anyone else (someone who has decided, a
 * person whose approval no open slot needs, someone the policy does not name)
 * gets the notice with no actions. The commands still check everything again.
 */
import { authorisersFor, filledSlots, findPerson, holdsRole, isDpo, purposeById } from "../policy/access.ts";
import type { Person, Policy } from "../policy/schema.ts";
import type { RequestView } from "../requests/request-view.ts";
import { consentInUse } from "../requests/withdraw-consent.ts";
import type { Notice, NoticeAction, NoticeBody } from "./notices.ts";

/** The notice built for `viewerEmail`: its body with the actions that person may take. */
export function noticeFor(policy: Policy, body: NoticeBody, viewerEmail: string): Notice {
  return { ...body, actions: noticeActions(policy, body, viewerEmail) };
}

/** The actions `viewerEmail` may take from this notice now, in the order they are offered. */
export function noticeActions(policy: Policy, body: NoticeBody, viewerEmail: string): NoticeAction[] {
  const viewer = findPerson(policy, viewerEmail);
  if (!viewer) return [];
  switch (body.kind) {
    case "approval-needed":
    case "approval-reminder":
      if (body.request.status === "PENDING_APPROVAL") return mayDecide(policy, body.request, viewer) ? ["approve", "deny"] : [];
      return body.request.status === "FULFILLED" && body.request.type === "recording" && mayRevoke(policy, body.request, viewer) ? ["revoke-access"] : [];
    case "consent-needed":
      if (body.request.employee?.email !== viewer.email) return [];
      if (body.request.status === "AWAITING_CONSENT") return ["consent-give", "consent-refuse"];
      return consentInUse(body.request) ? ["consent-withdraw"] : [];
    case "fulfilment-needed":
      if (body.request.status !== "AWAITING_FULFILMENT" || !holdsRole(policy, viewer, policy.fulfilment.roles, body.request.site?.id)) return [];
      return body.candidates.length ? ["fulfil-choose", "fulfil-none"] : ["fulfil-none"];
    case "access-granted":
      return isRequester(body.request, viewer) ? ["listen"] : [];
    case "playback-browser-pending":
      return isRequester(body.request, viewer) ? ["allow-browser"] : [];
    case "access-ended":
      return body.reason === "expired" && isRequester(body.request, viewer) ? ["ask-more-time"] : [];
    case "extension-needed":
      return body.extension.status === "PENDING" && !isRequester(body.request, viewer) && isAuthoriser(policy, body.request, viewer) ? ["extension-approve", "extension-refuse"] : [];
    case "file-ready":
      // A file is only ever made for, and sent to, the person it is for.
      return ["download"];
    case "request-submitted":
    case "request-outcome":
    case "call-log-ready":
    case "extension-outcome":
    case "delivery-failed":
    case "compliance-notice":
      return [];
  }
}

/**
 * An authoriser the request still needs: allowed to decide it (not the
 * requester, not conflicted), not decided yet, and their approval would fill
 * an approval slot still open (as listPendingActions counts it).
 */
function mayDecide(policy: Policy, request: RequestView, viewer: Person): boolean {
  if (!request.authoriserEmails.includes(viewer.email)) return false;
  if (request.decisions.some((d) => d.email === viewer.email)) return false;
  const slots = purposeById(policy, request.purposeId).approvals;
  const approvers = request.decisions.filter((d) => d.outcome === "APPROVED").map((d) => findPerson(policy, d.email)).filter((p): p is Person => p !== undefined);
  return filledSlots(policy, slots, [...approvers, viewer], request.site?.id) > filledSlots(policy, slots, approvers, request.site?.id);
}

/** revoke-grant's rule: the DPO or anyone who could authorise the request. */
function mayRevoke(policy: Policy, request: RequestView, viewer: Person): boolean {
  return isDpo(policy, viewer) || isAuthoriser(policy, request, viewer);
}

function isAuthoriser(policy: Policy, request: RequestView, viewer: Person): boolean {
  return authorisersFor(policy, purposeById(policy, request.purposeId), request.site?.id).some((p) => p.email === viewer.email);
}

function isRequester(request: RequestView, viewer: Person): boolean {
  return request.requester.email === viewer.email;
}
