/**
 * The words for how a request was authorised, written once so Slack and
 * Teams say the same thing: the requester's own decision (authorisation:
 * requester), the note an approval carried (approvalNote), and the member of
 * staff the request concerns (concernsStaffMember). Plain text; each
 * platform escapes or draws it literally.
 */
import type { DecisionView, RequestView } from "../requests/request-view.ts";

/** The label of the request's staff member concerned, on forms and in messages. */
export const CONCERNS_LABEL = "Member of staff this concerns";

/**
 * For a request the requester's own role authorised: "Authorised by the
 * requester's own decision, as Senior Leadership Team: …". Null otherwise.
 */
export function selfAuthorisedLine(request: Pick<RequestView, "selfAuthorisedBy" | "purposeLabel">): string | null {
  if (!request.selfAuthorisedBy) return null;
  return `Authorised by the requester's own decision, as ${request.selfAuthorisedBy}: the policy lets that role decide “${request.purposeLabel}” requests, so nobody else was asked to approve.`;
}

/** What the requester is told when their own decision authorised the request. */
export function selfAuthorisedForRequester(request: Pick<RequestView, "selfAuthorisedBy" | "purposeLabel">): string | null {
  if (!request.selfAuthorisedBy) return null;
  return `Authorised by your own decision, as ${request.selfAuthorisedBy}: the policy lets that role decide “${request.purposeLabel}” requests, so nobody else is asked to approve. The decision is yours and is recorded in the audit log.`;
}

/** The note an approval carried, as a label and its literal text; null where it had none. */
export function approvalNoteOf(decision: Pick<DecisionView, "note" | "outcome">): { label: string; text: string } | null {
  if (decision.outcome !== "APPROVED" || !decision.note) return null;
  return { label: "Note with the approval", text: decision.note };
}

/** The approval form's words for a purpose that asks every approval for a note. */
export function approvalNoteHint(note: { prompt: string; minLength: number }): string {
  return `The requester, the other authorisers and the audit log will see your note (at least ${note.minLength} characters).`;
}

/** On an authoriser's message: "Approving asks for a note: Record the Data Controller's agreement." */
export function approvalNoteAsk(note: { prompt: string }): string {
  return `Approving asks for a note: ${note.prompt}${/[.?!:]$/.test(note.prompt) ? "" : "."}`;
}
