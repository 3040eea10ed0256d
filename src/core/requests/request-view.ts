/**
 * A request as people see it: names instead of e-mails, dates in the
 * organisation's time zone, approval progress. Built fresh from the database
 * whenever a notice is delivered, so a message always shows the current state.
 * The read side only: states change in request-lifecycle.ts.
 */
import type { RecordingRequest } from "../../generated/prisma/client.ts";
import type { Db, Tx } from "../context.ts";
import { formatDateTime, formatWindow } from "../format.ts";
import { formatPhoneNumber, maskPhoneNumber } from "../phone.ts";
import { authorisersFor, conflictedPeople, describeSlot, filledSlots, findPerson, purposeById } from "../policy/access.ts";
import type { Policy } from "../policy/schema.ts";
import { loadRequest, type RequestWithDecisions } from "./load-request.ts";
import { OPEN_STATUSES, type RequestStatus } from "./request-lifecycle.ts";

export interface DecisionView {
  name: string;
  email: string;
  outcome: "APPROVED" | "DENIED";
  reason: string | null;
  /** The approval's note (purpose.approvalNote), for the requester and later authorisers. */
  note: string | null;
  atText: string;
}

export interface RequestView {
  id: string;
  reference: string;
  status: RequestStatus;
  statusText: string;
  isOpen: boolean;
  type: "recording" | "call-log";
  purposeId: string;
  purposeLabel: string;
  lawfulBasis: string;
  requester: { email: string; name: string };
  site: { id: string; name: string } | null;
  windowText: string;
  direction: string | null;
  /** Full number, for the direct messages of people entitled to it. */
  number: string | null;
  maskedNumber: string;
  extension: string | null;
  parties: string | null;
  reason: string;
  employee: { email: string; name: string } | null;
  /** The member of staff the request concerns, where the purpose asks. */
  concerns: { email: string; name: string } | null;
  /** Set where the requester's own role authorised it: the role's label ("Senior Leadership Team"). */
  selfAuthorisedBy: string | null;
  /** What an approval must say, where the purpose asks for a note (purpose.approvalNote). */
  approvalNote: { prompt: string; minLength: number } | null;
  createdAtText: string;
  approvals: { needed: number; given: number; waitingFor: string[] };
  decisions: DecisionView[];
  /** Everyone who may decide this request (never the requester). */
  authoriserEmails: string[];
}

const STATUS_TEXT: Record<RequestStatus, string> = {
  PENDING_APPROVAL: "Waiting for authorisation",
  AWAITING_CONSENT: "Authorised; waiting for the recorded employee's consent",
  AWAITING_FULFILMENT: "Authorised; waiting for the recording to be found",
  FULFILLED: "Authorised and delivered",
  DENIED: "Denied",
  CONSENT_REFUSED: "The recorded employee did not consent",
  NOT_FOUND: "Authorised, but no matching call was found",
  WITHDRAWN: "Withdrawn by the requester",
  EXPIRED: "Closed: nobody decided in time",
};

const RECORDING_DELETED_TEXT = "Authorised and delivered; the recording has since been deleted (retention or erasure)";

export function buildRequestView(policy: Policy, request: RequestWithDecisions): RequestView {
  const tz = policy.organisation.timeZone;
  const purpose = purposeById(policy, request.purposeId);
  const nameOf = (email: string) => findPerson(policy, email)?.name ?? email;
  const approvers = request.decisions
    .filter((d) => d.outcome === "APPROVED")
    .map((d) => findPerson(policy, d.deciderEmail))
    .filter((p) => p !== undefined);
  const given = filledSlots(policy, purpose.approvals, approvers, request.siteId);
  const site = request.siteId ? policy.sites.find((s) => s.id === request.siteId) : undefined;
  const conflicted = conflictedPeople(policy, request);
  return {
    id: request.id,
    reference: request.reference,
    status: request.status,
    // A delivered request whose recording has since been deleted (retention or erasure) has no recording left.
    statusText: request.status === "FULFILLED" && request.recordingId === null ? RECORDING_DELETED_TEXT : STATUS_TEXT[request.status],
    isOpen: OPEN_STATUSES.includes(request.status),
    type: request.type === "RECORDING" ? "recording" : "call-log",
    purposeId: purpose.id,
    purposeLabel: purpose.label,
    lawfulBasis: purpose.lawfulBasis,
    requester: { email: request.requesterEmail, name: nameOf(request.requesterEmail) },
    site: site ? { id: site.id, name: site.name } : null,
    windowText: formatWindow(request.windowStart, request.windowEnd, tz),
    direction: request.direction ? request.direction.toLowerCase() : null,
    number: formatPhoneNumber(request.externalNumber),
    maskedNumber: maskPhoneNumber(request.externalNumber),
    extension: request.extension,
    parties: request.parties,
    reason: request.reason,
    employee: request.employeeEmail ? { email: request.employeeEmail, name: nameOf(request.employeeEmail) } : null,
    concerns: request.concernsEmail ? { email: request.concernsEmail, name: nameOf(request.concernsEmail) } : null,
    selfAuthorisedBy: request.selfAuthorisedRole,
    approvalNote: purpose.approvalNote ?? null,
    createdAtText: formatDateTime(request.createdAt, tz),
    approvals: {
      needed: purpose.approvals.length,
      given,
      waitingFor: request.status === "PENDING_APPROVAL" ? openSlotLabels(policy, request, approvers) : [],
    },
    decisions: request.decisions
      .slice()
      .sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime())
      .map((d) => ({ name: nameOf(d.deciderEmail), email: d.deciderEmail, outcome: d.outcome, reason: d.reason, note: d.note ?? null, atText: formatDateTime(d.decidedAt, tz) })),
    authoriserEmails: authorisersFor(policy, purpose, request.siteId)
      .map((p) => p.email)
      .filter((e) => e !== request.requesterEmail && !conflicted.has(e)),
  };
}

/** Labels of the approvals still to collect, e.g. ["Data Controller"]. */
function openSlotLabels(policy: Policy, request: RecordingRequest, approvers: Parameters<typeof filledSlots>[2]): string[] {
  const purpose = purposeById(policy, request.purposeId);
  // A slot is open if removing it would not lower the number filled.
  const full = filledSlots(policy, purpose.approvals, approvers, request.siteId);
  return purpose.approvals
    .filter((_, i) => filledSlots(policy, purpose.approvals.filter((__, j) => j !== i), approvers, request.siteId) === full)
    .map((slot) => describeSlot(policy, slot));
}

export async function loadRequestView(db: Db | Tx, policy: Policy, idOrReference: string): Promise<RequestView> {
  return buildRequestView(policy, await loadRequest(db, idOrReference));
}
