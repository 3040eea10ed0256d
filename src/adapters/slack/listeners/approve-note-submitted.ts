/**
 * The approval-note form is submitted: one recordDecision with the note. A
 * note the purpose finds too short comes back beside the field; a refusal
 * replaces the form with why nothing changed; success says what follows.
 */
import { recordDecision } from "../../../core/requests/record-decision.ts";
import { REASON_FORMS, reasonDoneView } from "../render/reason-form.ts";
import { approvedText } from "./approve-clicked.ts";
import { submitsReasonForm } from "./reason-form.ts";

export const approveNoteSubmitted = submitsReasonForm(REASON_FORMS.approveWithNote, {
  failure: "an approval with a note could not be recorded",
  async act(deps, { subjectId, email, reason: note }) {
    const request = await recordDecision(deps.ctx, { requestId: subjectId, deciderEmail: email, outcome: "approve", note });
    return reasonDoneView("Approved", approvedText(request));
  },
});
