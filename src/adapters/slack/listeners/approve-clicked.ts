/**
 * Approve: one recordDecision. The person gets a private confirmation; every
 * authoriser's message is then redrawn in place by the outbox
 * (refresh-messages), the single writer of message state. A refusal (second
 * click, the requester, someone not entitled) is told privately by the
 * central error handler and changes nothing.
 */
import { recordDecision } from "../../../core/requests/record-decision.ts";
import { acknowledge, tellPrivately, type ListenerRegistration } from "../deps.ts";
import { ACTIONS } from "../ids.ts";
import { blockAction, firstAction, parsePayload } from "../payloads.ts";

export const approveClicked: ListenerRegistration = {
  kind: "action",
  id: ACTIONS.approve,
  register(app, deps) {
    app.action(ACTIONS.approve, async ({ ack, body, respond }) => {
      await acknowledge(ack);
      const payload = parsePayload(blockAction, body);
      const person = await deps.directory.personFor(payload.user.id);
      const request = await recordDecision(deps.ctx, { requestId: firstAction(payload).value ?? "", deciderEmail: person.email, outcome: "approve" });
      const { given, needed } = request.approvals;
      const progress = request.status === "PENDING_APPROVAL" ? ` That is ${given} of ${needed} approvals; the others have been told.` : " The requester has been told.";
      await tellPrivately(respond, { text: `You approved ${request.reference}.${progress}` });
    });
  },
};
