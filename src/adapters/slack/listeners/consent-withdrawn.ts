/** The recorded employee withdraws their consent (after Slack's confirmation dialog): one withdrawConsent. */
import { withdrawConsent } from "../../../core/requests/withdraw-consent.ts";
import { acknowledge, tellPrivately, type ListenerRegistration } from "../deps.ts";
import { ACTIONS } from "../ids.ts";
import { blockAction, firstAction, parsePayload } from "../payloads.ts";

export const consentWithdrawn: ListenerRegistration = {
  kind: "action",
  id: ACTIONS.consentWithdraw,
  register(app, deps) {
    app.action(ACTIONS.consentWithdraw, async ({ ack, body, respond }) => {
      await acknowledge(ack);
      const payload = parsePayload(blockAction, body);
      const person = await deps.directory.personFor(payload.user.id);
      const request = await withdrawConsent(deps.ctx, { requestId: firstAction(payload).value ?? "", employeeEmail: person.email });
      await tellPrivately(respond, {
        text: `You withdrew your consent to ${request.reference}. The recording will no longer be used, and the requester has been told.`,
      });
    });
  },
};
