/**
 * What `callgate policy check` says about a valid policy beyond its shape:
 * contradictions (rules nobody could ever carry out, so the check fails) and
 * warnings (assumptions to confirm, a review date passed; the check passes).
 * One small function per concern, so a new part of the policy adds its own.
 */
import { calendarText, todayIn } from "../calendar.ts";
import { addCalendarDuration } from "../calendar.ts";
import { addDuration, type PolicyDuration } from "./duration.ts";
import { authorisersFor, filledSlots, holdsRole, mayRequest, peopleWithRoles } from "./access.ts";
import { authorisationDeadEnds, describeDeadEnds } from "./authorisation-dead-ends.ts";
import type { Policy } from "./schema.ts";

export interface PolicyReview {
  /** The policy cannot work as written: `policy check` fails. */
  contradictions: string[];
  /** To confirm or to act on: `policy check` passes and prints them. */
  warnings: string[];
}

/** Reviews a validated policy against the clock (`now`, for its review date). */
export function reviewPolicy(policy: Policy, now: Date): PolicyReview {
  const review: PolicyReview = { contradictions: [], warnings: [] };
  for (const check of [purposes, deadEnds, disclosure, subjectAccess, covertMonitoring, oversight, timings]) check(policy, review);
  assumptions(policy, review);
  reviewDate(policy, now, review);
  return review;
}

/** When the policy's own review falls due: `due`, or `every` after `adopted`. */
export function reviewDue(policy: Policy): Date | undefined {
  const review = policy.organisation.review;
  if (!review) return undefined;
  if (review.due) return review.due;
  if (review.adopted && review.every) return addCalendarDuration(review.adopted, review.every);
  return undefined;
}

function holders(policy: Policy, roles: readonly string[]): number {
  return peopleWithRoles(policy, roles).length;
}

function purposes(policy: Policy, { contradictions, warnings }: PolicyReview): void {
  for (const purpose of policy.purposes) {
    const requesters = purpose.requestableBy ?? policy.requesting.roles;
    if (holders(policy, requesters) === 0) contradictions.push(`Nobody can ask for "${purpose.label}": nobody holds a role that may request it.`);
    for (const site of policy.sites) {
      const authorisers = authorisersFor(policy, purpose, site.id);
      const empty = purpose.approvals.findIndex((slot) => !authorisers.some((p) => holdsRole(policy, p, slot.anyOf, site.id)));
      if (empty >= 0) {
        const slot = purpose.approvals[empty]!;
        const which = purpose.approvals.length > 1 ? `approval ${empty + 1} of "${purpose.label}"` : `"${purpose.label}"`;
        contradictions.push(`Nobody can authorise ${which} for calls at ${site.name}: nobody there holds ${slot.anyOf.map((r) => roleLabel(policy, r)).join(" or ")}.`);
      } else if (filledSlots(policy, purpose.approvals, authorisers, site.id) < purpose.approvals.length) {
        contradictions.push(`"${purpose.label}" needs ${purpose.approvals.length} different people to authorise calls at ${site.name}, but not enough different people hold the roles.`);
      } else if (authorisers.some((r) => mayRequest(policy, r, purpose, site.id) && filledSlots(policy, purpose.approvals, authorisers.filter((p) => p.email !== r.email), site.id) < purpose.approvals.length)) {
        warnings.push(`At ${site.name}, someone who may ask for "${purpose.label}" is also the only one who could authorise it, and nobody authorises their own request: such a request could never be authorised.`);
      }
    }
    if (purpose.ownCallsOnly && !peopleWithRoles(policy, requesters).some((p) => p.extensions.length > 0)) {
      warnings.push(`"${purpose.label}" is for a requester's own calls, but nobody who may ask for it has an extension listed, so their calls can be found only by number.`);
    }
  }
}

/** Requests that can never be authorised for some calls (one authoriser on the call): a warning, since other calls are fine. */
function deadEnds(policy: Policy, { warnings }: PolicyReview): void {
  warnings.push(...describeDeadEnds(policy, authorisationDeadEnds(policy)));
}

function disclosure(policy: Policy, { contradictions }: PolicyReview): void {
  const internal = policy.internalPurposes.find((p) => p.id === "third-party-disclosure");
  if (holders(policy, policy.disclosure.authoriserRoles) === 0) contradictions.push("Nobody can decide a disclosure to a third party: nobody holds a role under disclosure.authoriserRoles.");
  if (internal?.requestableBy && holders(policy, internal.requestableBy) === 0) contradictions.push("Nobody can record a disclosure request: nobody holds a role under disclosure.requestableBy.");
  if (!policy.disclosure.recorderMayAuthorise && internal?.requestableBy && holders(policy, policy.disclosure.authoriserRoles) > 0) {
    const recorders = peopleWithRoles(policy, internal.requestableBy);
    const deciders = peopleWithRoles(policy, policy.disclosure.authoriserRoles);
    if (recorders.length === 1 && deciders.length === 1 && recorders[0]!.email === deciders[0]!.email) {
      contradictions.push(`${recorders[0]!.name} is the only person who records a disclosure and the only one who decides it; so no disclosure could ever be decided unless disclosure.recorderMayAuthorise is true (set it where the policy lets one person do both).`);
    }
  }
}

function subjectAccess(policy: Policy, { contradictions, warnings }: PolicyReview): void {
  const { ownerRoles, employeeOwnerRoles } = policy.subjectAccess;
  if (holders(policy, ownerRoles) === 0) contradictions.push("Nobody owns subject access requests: nobody holds a role under subjectAccess.ownerRoles, so a request anyone logs would go nowhere.");
  if (employeeOwnerRoles && holders(policy, employeeOwnerRoles) === 0) {
    contradictions.push("Nobody owns a member of staff's request for their own calls: nobody holds a role under subjectAccess.employeeOwnerRoles, so such a request would go nowhere.");
  }
  // A role listed but held by nobody is never given a request, and cannot be handed one (sar transfer): the file says something that cannot happen.
  for (const [setting, roles] of [["ownerRoles", ownerRoles], ["employeeOwnerRoles", employeeOwnerRoles ?? []]] as const) {
    if (holders(policy, roles) === 0) continue;
    for (const role of roles.filter((r) => holders(policy, [r]) === 0)) {
      contradictions.push(`subjectAccess.${setting} names ${roleLabel(policy, role)} (${role}), but nobody in people holds that role, so no subject access request can go to it: give the role to someone, or take it out of the list.`);
    }
  }
  if (longer(policy.subjectAccess.deadline, { amount: 1, unit: "months" })) warnings.push("subjectAccess.deadline is longer than the one month UK GDPR Article 12(3) allows.");
  if (longer(policy.subjectAccess.maxExtension, { amount: 2, unit: "months" })) contradictions.push("subjectAccess.maxExtension is longer than the two further months UK GDPR Article 12(3) allows.");
}

function covertMonitoring(policy: Policy, { contradictions }: PolicyReview): void {
  const covert = policy.covertMonitoring;
  if (covert.allowed && holders(policy, covert.authoriserRoles) === 0) contradictions.push("Covert monitoring is allowed, but nobody holds a role that may authorise it.");
}

function oversight(policy: Policy, { contradictions }: PolicyReview): void {
  if (holders(policy, policy.compliance.dpoRoles) === 0) contradictions.push("Nobody holds the Data Protection Officer's role (compliance.dpoRoles).");
  if (holders(policy, policy.fulfilment.roles) === 0) contradictions.push("Nobody can find recordings for authorised requests: nobody holds a role under fulfilment.roles.");
}

function timings(policy: Policy, { contradictions, warnings }: PolicyReview): void {
  if (!longer(policy.requesting.expireAfter, policy.requesting.remindAfter)) {
    contradictions.push("requesting.remindAfter is not shorter than requesting.expireAfter, so authorisers would never be reminded before a request closes.");
  }
  const shortestKept = [policy.retention.default, ...Object.values(policy.retention.sites), ...Object.values(policy.retention.classes)].sort((a, b) => (longer(a, b) ? 1 : -1))[0]!;
  for (const purpose of policy.purposes) {
    const window = purpose.accessWindow ?? policy.playback.accessWindow;
    if (longer(window, shortestKept)) warnings.push(`"${purpose.label}" gives a playback link longer than some recordings are kept; the link ends when its recording is deleted.`);
  }
}

/** Every value the file marks as assumed: confirm it against the organisation's own documents. */
function assumptions(policy: Policy, { warnings }: PolicyReview): void {
  for (const note of Object.values(policy.provenance.notes)) {
    if (note.assumed) warnings.push(`${note.where} is assumed (${note.assumed}): confirm it against the written policy and the privacy notice.`);
  }
}

function reviewDate(policy: Policy, now: Date, { warnings }: PolicyReview): void {
  const due = reviewDue(policy);
  const today = todayIn(policy.organisation.timeZone, now);
  if (due && due.getTime() < today.getTime()) {
    warnings.push(`The written policy was due for review on ${calendarText(due)}; ask for the current version and update this file from it.`);
  } else if (!policy.organisation.review) {
    warnings.push("The file does not say when the written policy is next reviewed (organisation.review).");
  }
}

/** Whether `a` is longer than `b`, counted from one fixed day (calendar durations have no single length). */
function longer(a: PolicyDuration, b: PolicyDuration): boolean {
  const from = new Date(Date.UTC(2026, 0, 1));
  return addDuration(from, a).getTime() > addDuration(from, b).getTime();
}

function roleLabel(policy: Policy, roleId: string): string {
  return policy.roles.find((r) => r.id === roleId)?.label ?? roleId;
}
