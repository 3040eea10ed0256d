/**
 * The request form is submitted: one submitRequest. Errors go back into the
 * form beside their field (`response_action: errors`); success replaces the
 * form with what happens next. The view id is the submission key, so a
 * retried delivery of the same submission returns the same request.
 */
import { AppError, isAppError } from "../../../core/errors.ts";
import { selfAuthorisedForRequester } from "../../../core/notify/request-wording.ts";
import { submitRequest } from "../../../core/requests/submit-request.ts";
import type { ListenerRegistration } from "../deps.ts";
import { friendlyMessage, isUserFacing } from "../friendly-errors.ts";
import { VIEWS } from "../ids.ts";
import { errorReference } from "../middleware.ts";
import { parsePayload, viewSubmission } from "../payloads.ts";
import { FORM_BLOCKS, requestSentView } from "../render/request-form.ts";
import { blockForField, formValues } from "../request-form-state.ts";

export const requestFormSubmitted: ListenerRegistration = {
  kind: "view",
  id: VIEWS.requestForm,
  register(app, deps) {
    app.view(VIEWS.requestForm, async ({ ack, body }) => {
      const submission = parsePayload(viewSubmission, body);
      const state = submission.view.state.values;
      try {
        const person = await deps.directory.personFor(submission.user.id);
        const values = formValues(state);
        const employeeEmail = values.employeeUserId ? await emailOfChosen(deps, values.employeeUserId, FORM_BLOCKS.employee, "the member of staff on the call") : undefined;
        const concernsEmail = values.concernsUserId ? await emailOfChosen(deps, values.concernsUserId, FORM_BLOCKS.concerns, "the member of staff it concerns") : undefined;
        const request = await submitRequest(deps.ctx, {
          requesterEmail: person.email,
          purposeId: values.purposeId ?? "",
          type: values.type === "call-log" ? "call-log" : "recording",
          siteId: values.siteId,
          date: values.date ?? "",
          dateTo: values.dateTo,
          time: values.time ?? "",
          windowMinutes: values.windowMinutes,
          direction: values.direction === "inbound" || values.direction === "outbound" || values.direction === "internal" ? values.direction : undefined,
          number: values.number,
          extension: values.extension,
          parties: values.parties,
          reason: values.reason ?? "",
          employeeEmail,
          concernsEmail,
          submissionKey: `slack:view:${submission.view.id}`,
        });
        const asked = request.authoriserEmails.map((e) => deps.render.nameOf(e));
        await ack({ response_action: "update", view: requestSentView(request.reference, asked, selfAuthorisedForRequester(request)) });
      } catch (error) {
        if (isUserFacing(error) && isAppError(error)) {
          await ack({ response_action: "errors", errors: { [blockForField(error.field, state)]: friendlyMessage(error, "") } });
          return;
        }
        // A form must be answered with its error, or Slack shows a time-out; so this
        // listener reports the failure itself, as the central handler would.
        const reference = errorReference();
        deps.logger.error({ err: error, reference }, "the request form could not be submitted");
        await ack({ response_action: "errors", errors: { [FORM_BLOCKS.purpose]: friendlyMessage(error, reference) } });
      }
    });
  },
};

/** The e-mail of a person chosen in a users_select; the core checks they are in the policy. */
async function emailOfChosen(deps: Parameters<ListenerRegistration["register"]>[1], userId: string, block: string, who: string): Promise<string> {
  try {
    return await deps.directory.emailOf(userId);
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_SET_UP") {
      throw new AppError("INVALID_INPUT", `Callgate cannot see that person's e-mail address in Slack. Choose ${who} again, or ask your Data Protection Officer.`, block);
    }
    throw error;
  }
}
