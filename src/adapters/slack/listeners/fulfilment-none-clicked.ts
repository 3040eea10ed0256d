/** A fulfiller says no call in the catalogue matches: one fulfilRequest (not found). */
import { fulfilRequest } from "../../../core/requests/fulfil-request.ts";
import { acknowledge, tellPrivately, type ListenerRegistration } from "../deps.ts";
import { ACTIONS } from "../ids.ts";
import { blockAction, firstAction, parsePayload } from "../payloads.ts";

export const fulfilmentNoneClicked: ListenerRegistration = {
  kind: "action",
  id: ACTIONS.fulfilNone,
  register(app, deps) {
    app.action(ACTIONS.fulfilNone, async ({ ack, body, respond }) => {
      await acknowledge(ack);
      const payload = parsePayload(blockAction, body);
      const person = await deps.directory.personFor(payload.user.id);
      const request = await fulfilRequest(deps.ctx, { requestId: firstAction(payload).value ?? "", fulfillerEmail: person.email, notFound: true });
      await tellPrivately(respond, { text: `Thank you. ${request.reference} is closed as "no matching call"; the requester has been told.` });
    });
  },
};
