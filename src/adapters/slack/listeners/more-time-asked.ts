/**
 * "Ask for more time" on the message saying access has expired: the reason
 * form, then one requestAccessExtension. The authorisers are asked by direct
 * message; the requester hears the outcome the same way.
 */
import { requestAccessExtension } from "../../../core/playback/request-access-extension.ts";
import { ACTIONS } from "../ids.ts";
import { REASON_FORMS, reasonDoneView } from "../render/reason-form.ts";
import { opensReasonForm, submitsReasonForm } from "./reason-form.ts";

export const askMoreTimeClicked = opensReasonForm(ACTIONS.askMoreTime, REASON_FORMS.askMoreTime);

export const moreTimeReasonSubmitted = submitsReasonForm(REASON_FORMS.askMoreTime, {
  failure: "a request for more time could not be sent",
  async act(deps, { subjectId, email, reason }) {
    await requestAccessExtension(deps.ctx, { requestId: subjectId, requesterEmail: email, reason });
    return reasonDoneView("Asked for more time", "Your request for more time has gone to the people who authorised the recording. You will hear back by direct message.");
  },
});
