/**
 * An authoriser answers a request for more time. Approve is one
 * decideAccessExtension with a private confirmation; Refuse opens the reason
 * form first (the requester is told why). Every authoriser's message is then
 * redrawn in place by the outbox, and a refusal (the requester, a second
 * click, someone not entitled) is told privately and changes nothing.
 */
import { decideAccessExtension } from "../../../core/playback/decide-access-extension.ts";
import { acknowledge, tellPrivately, type ListenerRegistration } from "../deps.ts";
import { ACTIONS } from "../ids.ts";
import { blockAction, firstAction, parsePayload } from "../payloads.ts";
import { REASON_FORMS } from "../render/reason-form.ts";
import { opensReasonForm, submitsReasonForm } from "./reason-form.ts";

export const extensionApproveClicked: ListenerRegistration = {
  kind: "action",
  id: ACTIONS.approveExtension,
  register(app, deps) {
    app.action(ACTIONS.approveExtension, async ({ ack, body, respond }) => {
      await acknowledge(ack);
      const payload = parsePayload(blockAction, body);
      const person = await deps.directory.personFor(payload.user.id);
      await decideAccessExtension(deps.ctx, { extensionId: firstAction(payload).value ?? "", deciderEmail: person.email, outcome: "approve" });
      await tellPrivately(respond, { text: "You gave more time. The requester gets a new link by direct message, and the other authorisers have been told." });
    });
  },
};

export const refuseExtensionClicked = opensReasonForm(ACTIONS.refuseExtension, REASON_FORMS.refuseExtension);

export const extensionRefusalSubmitted = submitsReasonForm(REASON_FORMS.refuseExtension, {
  failure: "a refusal of more time could not be recorded",
  async act(deps, { subjectId, email, reason }) {
    await decideAccessExtension(deps.ctx, { extensionId: subjectId, deciderEmail: email, outcome: "deny", reason });
    return undefined;
  },
});
