/**
 * A disclosure as the DPO and authorisers see it: the form's details with
 * names and dates in the organisation's time zone, and where its request
 * stands. Numbers are masked; the full number is only on the form itself.
 */
import type { Decision, Disclosure, RecordingRequest } from "../../generated/prisma/client.ts";
import type { CoreContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { formatDateTime, formatWindow } from "../format.ts";
import { maskPhoneNumber } from "../phone.ts";
import { authorisersFor, findPerson, purposeById } from "../policy/access.ts";
import type { Policy } from "../policy/schema.ts";
import { buildRequestView, type DecisionView } from "../requests/request-view.ts";
import { describeAskingParty, disclosureDetails, type DisclosureDetails } from "./disclosure-details.ts";
import { findRecipientEntry, RECIPIENT_CATEGORY_LABELS } from "./permitted-recipients.ts";

export interface DisclosureView extends DisclosureDetails {
  requestId: string;
  reference: string;
  status: RecordingRequest["status"];
  statusText: string;
  requesterName: string;
  windowText: string;
  maskedNumber: string;
  extension: string | null;
  createdAtText: string;
  /** Who asked: "Sgt Alun Jones (Custody Sergeant), North Wales Police", or the member of staff who asked on its behalf. */
  requestedByText: string;
  /** The permitted recipient matched, e.g. "Police forces (law enforcement)"; null where the policy names none. */
  recipientText: string | null;
  /** Whether the person who recorded it may decide it too (the policy's `disclosure.recorderMayAuthorise`, an outside party's request). */
  recorderMayDecide: boolean;
  /**
   * Who may decide it: the purpose's authorisers for its site, less the member
   * of staff who asked, and less its recorder unless `recorderMayDecide`.
   */
  authoriserEmails: string[];
  /** Who authorised it, once authorised. */
  authorisedBy: string[];
  /**
   * Every decision in order, each with its reason or note: an approval's note
   * is the assessment `disclosure.assessUnder` asks for (LIFE §8), or any note
   * the authoriser gave.
   */
  decisions: DecisionView[];
  /** Who found the call and completed it, once done: a name, "Callgate" when it matched the only call. */
  fulfilledByText: string | null;
  /** Set when its recorder also decided or completed it (`recorderMayDecide`), e.g. "recorded, authorised and completed by Carys Evans". */
  recorderActedText: string | null;
  disclosedAtText: string | null;
  formSha256: string | null;
}

export type DisclosureRow = Disclosure & { request: RecordingRequest & { decisions: Decision[] } };

export function buildDisclosureView(policy: Policy, row: DisclosureRow): DisclosureView {
  const tz = policy.organisation.timeZone;
  const request = buildRequestView(policy, row.request);
  return {
    requestId: row.requestId,
    reference: request.reference,
    status: request.status,
    // Between the fulfilment and its file job (deliver-disclosure-files.ts) the form is still being made.
    statusText: row.disclosedAt ? "Authorised and disclosed" : request.status === "FULFILLED" ? "Authorised; the disclosure form is being prepared" : request.statusText,
    requesterName: request.requester.name,
    ...disclosureDetails(row),
    requestedByText: row.requestedByEmail ? `${findPerson(policy, row.requestedByEmail)?.name ?? row.requestedByEmail} (staff) for ${describeAskingParty(row)}` : describeAskingParty(row),
    recipientText: recipientText(policy, row),
    recorderMayDecide: policy.disclosure.recorderMayAuthorise && !row.requestedByEmail,
    authoriserEmails: disclosureAuthoriserEmails(policy, row.request, row),
    windowText: formatWindow(row.request.windowStart, row.request.windowEnd, tz),
    maskedNumber: maskPhoneNumber(row.request.externalNumber),
    extension: row.request.extension,
    createdAtText: request.createdAtText,
    authorisedBy: row.request.decisions.filter((d) => d.outcome === "APPROVED").map((d) => findPerson(policy, d.deciderEmail)?.name ?? d.deciderEmail),
    decisions: request.decisions,
    fulfilledByText: row.fulfilledBy ? (row.fulfilledBy === "system" ? "Callgate (the only call matching the details)" : (findPerson(policy, row.fulfilledBy)?.name ?? row.fulfilledBy)) : null,
    recorderActedText: recorderActed(policy, row),
    disclosedAtText: row.disclosedAt ? formatDateTime(row.disclosedAt, tz) : null,
    formSha256: row.formSha256,
  };
}

export async function loadDisclosureView(ctx: CoreContext, requestId: string): Promise<DisclosureView> {
  const row = await ctx.db.disclosure.findUnique({ where: { requestId }, include: { request: { include: { decisions: true } } } });
  if (!row) throw new AppError("NOT_FOUND", "There is no such disclosure.");
  return buildDisclosureView(ctx.policy, row);
}

/** What its recorder did besides recording it, where the policy lets them: "recorded and authorised by …", "recorded, authorised and completed by …". */
function recorderActed(policy: Policy, row: DisclosureRow): string | null {
  if (row.requestedByEmail) return null;
  const recorder = row.request.requesterEmail;
  const did = [
    ...(row.request.decisions.some((d) => d.deciderEmail === recorder) ? [row.request.decisions.find((d) => d.deciderEmail === recorder)!.outcome === "APPROVED" ? "authorised" : "refused"] : []),
    ...(row.fulfilledBy === recorder ? ["completed"] : []),
  ];
  if (did.length === 0) return null;
  return `recorded${did.length > 1 ? ", " : " and "}${did.join(" and ")} by ${findPerson(policy, recorder)?.name ?? recorder}`;
}

function recipientText(policy: Policy, row: Disclosure): string | null {
  if (!row.recipientEntryId) return null;
  const label = findRecipientEntry(policy.disclosure.permittedRecipients, row.recipientEntryId)?.label ?? row.recipientEntryId;
  const category = row.recipientCategory ? RECIPIENT_CATEGORY_LABELS[row.recipientCategory as keyof typeof RECIPIENT_CATEGORY_LABELS] : undefined;
  return category && row.recipientCategory !== "unspecified" ? `${label} (${category})` : label;
}

/**
 * Who may decide a disclosure: the purpose's authorisers for its site, less
 * the member of staff who asked, and less its recorder unless the policy lets
 * the recorder decide an outside party's request. Reminders go to these.
 */
export function disclosureAuthoriserEmails(policy: Policy, request: Pick<RecordingRequest, "purposeId" | "siteId" | "requesterEmail">, disclosure: Pick<Disclosure, "requestedByEmail">): string[] {
  const recorderMayDecide = policy.disclosure.recorderMayAuthorise && !disclosure.requestedByEmail;
  return authorisersFor(policy, purposeById(policy, request.purposeId), request.siteId)
    .map((p) => p.email)
    .filter((e) => e !== disclosure.requestedByEmail && (e !== request.requesterEmail || recorderMayDecide));
}
