/**
 * A DPO command's form is submitted (a SAR, a hold, an erasure, a
 * disclosure, covert monitoring): the same command as the typed one, run as
 * the person who submitted it (the core checks their role). Problems come
 * back beside their field and Slack keeps every value; success closes the
 * form and the answer goes to the person's DM, as a typed command's would.
 * A submission naming no known form (private_metadata) runs nothing and
 * says so in the modal.
 */
import { DPO_FORMS } from "../../../commands/index.ts";
import { runForm } from "../../../commands/form.ts";
import { consoleActor, postConsoleReply } from "../console-dm.ts";
import type { ListenerRegistration } from "../deps.ts";
import { friendlyMessage } from "../friendly-errors.ts";
import { VIEWS } from "../ids.ts";
import { errorReference } from "../middleware.ts";
import { parsePayload, viewSubmission } from "../payloads.ts";
import { dpoFormErrors, dpoFormOutOfDateView, dpoFormValues } from "../render/dpo-form.ts";

export const dpoFormSubmitted: ListenerRegistration = {
  kind: "view",
  id: VIEWS.dpoForm,
  register(app, deps) {
    app.view(VIEWS.dpoForm, async ({ ack, body }) => {
      const submission = parsePayload(viewSubmission, body);
      const form = DPO_FORMS.get(submission.view.private_metadata ?? "");
      if (!form) {
        // A modal must be answered (or Slack shows a time-out), and there is no field to put this beside.
        deps.logger.info("a DPO form was submitted that names no known form");
        await ack({ response_action: "update", view: dpoFormOutOfDateView() });
        return;
      }
      let reply;
      try {
        const session = { ctx: deps.ctx, actorEmail: await consoleActor(deps, submission.user.id), publicUrl: deps.publicUrl };
        const outcome = await runForm(session, form, dpoFormValues(form, submission.view.state.values));
        if (!outcome.ok) {
          await ack({ response_action: "errors", errors: dpoFormErrors(form, outcome.errors) });
          return;
        }
        reply = outcome.reply;
      } catch (error) {
        // A form must be answered, or Slack shows a time-out: the failure is reported here.
        const reference = errorReference();
        deps.logger.error({ err: error, reference }, "a DPO form could not be submitted");
        await ack({ response_action: "errors", errors: { [form.fields[0]!.key]: friendlyMessage(error, reference) } });
        return;
      }
      await ack({ response_action: "clear" });
      await postConsoleReply(deps, submission.user.id, reply);
    });
  },
};
