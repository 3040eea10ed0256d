/**
 * Deny opens a small form for the reason (the core requires one). Nothing is
 * decided until that form is submitted, so opening it needs no check: a
 * refusal comes back when the form is sent.
 */
import { acknowledge, type ListenerRegistration } from "../deps.ts";
import { ACTIONS } from "../ids.ts";
import { AppError } from "../../../core/errors.ts";
import { blockAction, firstAction, parsePayload } from "../payloads.ts";
import { denyFormView } from "../render/deny-form.ts";

export const denyClicked: ListenerRegistration = {
  kind: "action",
  id: ACTIONS.deny,
  register(app, deps) {
    app.action(ACTIONS.deny, async ({ ack, body }) => {
      await acknowledge(ack);
      const payload = parsePayload(blockAction, body);
      const requestId = firstAction(payload).value;
      if (!payload.trigger_id || !requestId) throw new AppError("INVALID_INPUT", "Slack did not say which request to deny. Please try again.");
      await deps.client.views.open({ trigger_id: payload.trigger_id, view: denyFormView({ requestId }) });
    });
  },
};
