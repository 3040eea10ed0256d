/** The deny form is submitted: one recordDecision with the reason, then the form closes. */
import { recordDecision } from "../../../core/requests/record-decision.ts";
import { REASON_FORMS } from "../render/reason-form.ts";
import { submitsReasonForm } from "./reason-form.ts";

export const denyReasonSubmitted = submitsReasonForm(REASON_FORMS.denyRequest, {
  failure: "a denial could not be recorded",
  async act(deps, { subjectId, email, reason }) {
    await recordDecision(deps.ctx, { requestId: subjectId, deciderEmail: email, outcome: "deny", reason });
    return undefined;
  },
});
