/**
 * Choosing a purpose in the request form redraws it with that purpose's own
 * reason prompt, its request types, and the recorded employee's field where
 * the purpose needs consent. What the person already typed is carried over.
 */
import { acknowledge, type ListenerRegistration } from "../deps.ts";
import { ACTIONS } from "../ids.ts";
import { blockAction, firstAction, parsePayload } from "../payloads.ts";
import { formValues } from "../request-form-state.ts";
import { slackErrorCode } from "../web-client.ts";
import { requestForm } from "./request-recording-command.ts";

export const purposeChosen: ListenerRegistration = {
  kind: "action",
  id: ACTIONS.choosePurpose,
  register(app, deps) {
    app.action(ACTIONS.choosePurpose, async ({ ack, body }) => {
      await acknowledge(ack);
      const payload = parsePayload(blockAction, body);
      if (!payload.view) return;
      const person = await deps.directory.personFor(payload.user.id);
      const values = { ...formValues(payload.view.state?.values ?? {}), purposeId: firstAction(payload).selected_option?.value };
      try {
        await deps.client.views.update({ view_id: payload.view.id, ...(payload.view.hash ? { hash: payload.view.hash } : {}), view: requestForm(deps.ctx, person, values) });
      } catch (error) {
        // The person changed the form again meanwhile; the newer change redraws it.
        if (slackErrorCode(error) !== "hash_conflict") throw error;
      }
    });
  },
};
