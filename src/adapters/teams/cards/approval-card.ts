/**
 * The authoriser's card: the request's facts with Approve and Deny (Deny
 * opens a reason field), kept up to date in place. Once the viewer has
 * decided, or the request has left PENDING_APPROVAL, the buttons go and the
 * card says who decided, when and what; once the recording is delivered it
 * offers Revoke access (with a reason), as Slack does. Its refresh asks Callgate for the
 * current card whenever the authoriser looks at it. The buttons are exactly
 * the notice's actions, which the core chose for this viewer. Where the purpose asks
 * every approval for a note (purpose.approvalNote), Approve opens a panel
 * with the note's field, labelled with the policy's prompt; a note the core
 * refuses comes back in that panel, beside the field, with what was typed.
 */
import type { NoticeAction } from "../../../core/notify/notices.ts";
import { approvalNoteAsk, approvalNoteHint } from "../../../core/notify/request-wording.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { VERBS } from "../ids.ts";
import { attention, card, execute, heading, showCard, subtle, text, refresh, type Card, type Element } from "./elements.ts";
import type { Viewer } from "./render-context.ts";
import { decisionLines, progressLine, requestFacts } from "./request-facts.ts";

/** The Deny reason field's input id; the core's AppError.field for a missing reason. */
export const DENY_REASON_INPUT = "reason";
/** The Revoke access panel's reason input id. */
export const REVOKE_REASON_INPUT = "reason";
/** The Approve panel's note input id, where the purpose asks for one; the core's AppError.field. */
export const APPROVAL_NOTE_INPUT = "note";

/** What an authoriser typed into the card and the core refused, drawn back beside its field. */
export interface ApprovalForm {
  errors?: { reason?: string; note?: string };
  values?: { note?: string; reason?: string };
}

/**
 * @param options.actions what the core says this viewer may do (approve, deny, revoke-access).
 * @param options.errors a refused note, drawn beside its field.
 * @param options.values what the authoriser typed, kept when the card comes back with an error.
 */
export function approvalCard(request: RequestView, options: { actions: readonly NoticeAction[]; viewer: Viewer; reminder?: boolean; notice?: "approval-needed" | "approval-reminder"; errors?: { reason?: string; note?: string }; values?: { note?: string; reason?: string } }): Card {
  const pending = request.status === "PENDING_APPROVAL";
  const mine = options.viewer.email ? request.decisions.find((d) => d.email === options.viewer.email) : undefined;
  const title = pending ? `${options.reminder ? "Reminder: " : ""}${request.reference} needs your decision` : `${request.reference}: ${request.statusText}`;
  const body: Element[] = [heading(title), ...requestFacts(request, { showNumber: true })];
  if (request.approvals.needed > 1 || request.decisions.length > 0) {
    body.push(pending ? progressLine(request) : text(`**${request.statusText}**`), ...decisionLines(request));
  } else if (!pending) {
    body.push(text(`**${request.statusText}**`));
  }
  const data = { requestId: request.id, notice: options.notice ?? (options.reminder ? "approval-reminder" : "approval-needed") };
  const actions = [];
  const may = (action: NoticeAction) => options.actions.includes(action);
  if (may("approve") || may("deny")) {
    const denyCard = card([
      text("Why are you denying it? The requester and the audit log will see your reason."),
      {
        type: "Input.Text",
        id: DENY_REASON_INPUT,
        label: "Reason for denying",
        isMultiline: true,
        isRequired: true,
        maxLength: 2000,
        errorMessage: "Please give a reason for the denial.",
        placeholder: "For example: not a safeguarding matter; use the complaints procedure",
        ...(options.values?.reason ? { value: options.values.reason.slice(0, 2000) } : {}),
      } as Element,
      ...(options.errors?.reason ? [attention(options.errors.reason, "reasonError")] : []),
    ], { actions: [execute("Deny the request", VERBS.deny, data, "destructive")] });
    if (may("approve")) actions.push(request.approvalNote ? showCard("Approve", approveWithNoteCard(request, request.approvalNote, data, options), "positive") : execute("Approve", VERBS.approve, data, "positive"));
    if (may("deny")) actions.push(showCard("Deny", denyCard, "destructive"));
    body.push(subtle(`Only approve if the reason justifies listening to this call. Your decision is recorded in the audit log.${request.approvalNote ? ` ${approvalNoteAsk(request.approvalNote)}` : ""}`));
    if (options.errors?.note) body.push(attention("Your approval was not recorded: open Approve to change your note.", "noteRefused"));
    if (options.errors?.reason) body.push(attention("Your denial was not recorded: open Deny to change your reason.", "reasonRefused"));
  } else if (pending && mine) {
    body.push(subtle(`You ${mine.outcome === "APPROVED" ? "approved" : "denied"} this on ${mine.atText}. Waiting for the other approvals.`));
  }
  if (may("revoke-access")) {
    // As on Slack: an authoriser can end the requester's access once the recording is delivered.
    const revokeCard = card([
      text("The requester's link will stop working at once. Why are you revoking access? The requester and the audit log will see your reason."),
      { type: "Input.Text", id: REVOKE_REASON_INPUT, label: "Reason for revoking access", isMultiline: true, isRequired: true, maxLength: 2000, errorMessage: "Please give a reason for revoking access." } as Element,
    ], { actions: [execute("Revoke access now", VERBS.revokeAccess, data, "destructive")] });
    actions.push(showCard("Revoke access", revokeCard, "destructive"));
    body.push(subtle("If the recording should no longer be available to the requester, revoke their access. It is recorded in the audit log."));
  }
  const fallbackText = pending ? `${request.requester.name} asks to access a call recording (${request.reference}). Please approve or deny.` : `${request.reference}: ${request.statusText}.`;
  return card(body, { actions, fallbackText, ...(options.viewer.userId ? { refresh: refresh(VERBS.refresh, data, [options.viewer.userId]) } : {}) });
}

/** The Approve panel where every approval carries a note: the policy's prompt as the field's label. */
function approveWithNoteCard(request: RequestView, note: { prompt: string; minLength: number }, data: Record<string, unknown>, options: { errors?: { note?: string }; values?: { note?: string } }): Card {
  return card(
    [
      text(`“${request.purposeLabel}” needs a note with every approval. ${approvalNoteHint(note)}`),
      {
        type: "Input.Text",
        id: APPROVAL_NOTE_INPUT,
        label: note.prompt,
        isMultiline: true,
        isRequired: true,
        maxLength: 2000,
        errorMessage: `Please write the note (at least ${note.minLength} characters).`,
        ...(options.values?.note ? { value: options.values.note.slice(0, 2000) } : {}),
      } as Element,
      ...(options.errors?.note ? [attention(options.errors.note, "noteError")] : []),
    ],
    { actions: [execute("Approve the request", VERBS.approve, data, "positive")] },
  );
}
