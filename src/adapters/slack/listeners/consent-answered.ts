/** The recorded employee answers: one recordConsent, yes or no. */
import { recordConsent } from "../../../core/requests/record-consent.ts";
import { acknowledge, tellPrivately, type ListenerRegistration } from "../deps.ts";
import { ACTIONS } from "../ids.ts";
import { blockAction, firstAction, parsePayload } from "../payloads.ts";

function consentListener(actionId: string, given: boolean): ListenerRegistration {
  return {
    kind: "action",
    id: actionId,
    register(app, deps) {
      app.action(actionId, async ({ ack, body, respond }) => {
        await acknowledge(ack);
        const payload = parsePayload(blockAction, body);
        const person = await deps.directory.personFor(payload.user.id);
        const request = await recordConsent(deps.ctx, { requestId: firstAction(payload).value ?? "", employeeEmail: person.email, given });
        await tellPrivately(respond, {
          text: given ? `Thank you. You consented to the use of the recording for ${request.reference}.` : `Thank you. The recording for ${request.reference} will not be used, and the requester has been told.`,
        });
      });
    },
  };
}

export const consentGiven = consentListener(ACTIONS.consentGive, true);
export const consentRefused = consentListener(ACTIONS.consentRefuse, false);
