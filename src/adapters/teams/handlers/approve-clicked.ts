/**
 * Approve: one recordDecision. The clicker's card comes back redrawn for them
 * (their buttons gone, the progress shown); every other authoriser's card is
 * redrawn in place by the outbox (refresh-messages), the single writer of
 * message state. Refusals are answered by the dispatcher and change nothing.
 */
import { recordDecision } from "../../../core/requests/record-decision.ts";
import { parseActionData } from "../activities.ts";
import { approvalCard } from "../cards/approval-card.ts";
import { confirmationCard } from "../cards/lists.ts";
import { cardData } from "../current-card.ts";
import type { VerbHandler } from "../deps.ts";
import { VERBS } from "../ids.ts";

export const approveClicked: VerbHandler = {
  kind: "verb",
  verb: VERBS.approve,
  async handle(turn, deps) {
    const data = parseActionData(cardData, turn.data);
    const request = await recordDecision(deps.ctx, { requestId: data.requestId, deciderEmail: turn.person.email, outcome: "approve" });
    const { given, needed } = request.approvals;
    const progress = request.status === "PENDING_APPROVAL" ? ` That is ${given} of ${needed} approvals; the others have been told.` : " The requester has been told.";
    const viewer = { email: turn.person.email, userId: turn.activity.from.id };
    return confirmationCard(`You approved ${request.reference}.${progress}`, approvalCard(request, { viewer, notice: data.notice === "approval-reminder" ? "approval-reminder" : "approval-needed" }));
  },
};
