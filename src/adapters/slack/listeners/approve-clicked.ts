/**
 * Approve: one recordDecision. The person gets a private confirmation; every
 * authoriser's message is then redrawn in place by the outbox
 * (refresh-messages), the single writer of message state. A refusal (second
 * click, the requester, someone not entitled) is told privately by the
 * central error handler and changes nothing.
 *
 * Where the purpose asks every approval for a note (purpose.approvalNote),
 * Approve opens a small form asking the policy's prompt instead; the
 * approval is recorded when it is submitted (approve-note-submitted.ts).
 */
import { approvalNoteHint } from "../../../core/notify/request-wording.ts";
import { recordDecision } from "../../../core/requests/record-decision.ts";
import { loadRequestView, type RequestView } from "../../../core/requests/request-view.ts";
import { acknowledge, tellPrivately, type ListenerRegistration } from "../deps.ts";
import { ACTIONS } from "../ids.ts";
import { blockAction, firstAction, parsePayload } from "../payloads.ts";
import { REASON_FORMS } from "../render/reason-form.ts";
import { openReasonForm } from "./reason-form.ts";

export const approveClicked: ListenerRegistration = {
  kind: "action",
  id: ACTIONS.approve,
  register(app, deps) {
    app.action(ACTIONS.approve, async ({ ack, body, respond }) => {
      await acknowledge(ack);
      const payload = parsePayload(blockAction, body);
      const person = await deps.directory.personFor(payload.user.id);
      const requestId = firstAction(payload).value ?? "";
      const asked = requestId ? await loadRequestView(deps.ctx.db, deps.ctx.policy, requestId) : undefined;
      if (asked?.approvalNote && asked.status === "PENDING_APPROVAL") {
        const { prompt, minLength } = asked.approvalNote;
        await openReasonForm(deps, payload, REASON_FORMS.approveWithNote, {
          intro: `“${asked.purposeLabel}” needs a note with every approval of ${asked.reference}. ${approvalNoteHint({ prompt, minLength })}`,
          label: prompt,
        });
        return;
      }
      const request = await recordDecision(deps.ctx, { requestId, deciderEmail: person.email, outcome: "approve" });
      await tellPrivately(respond, { text: approvedText(request) });
    });
  },
};

/** "You approved CG-000123. The requester has been told." */
export function approvedText(request: RequestView): string {
  const { given, needed } = request.approvals;
  const progress = request.status === "PENDING_APPROVAL" ? ` That is ${given} of ${needed} approvals; the others have been told.` : " The requester has been told.";
  return `You approved ${request.reference}.${progress}`;
}
