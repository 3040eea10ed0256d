/**
 * Approve: one recordDecision, with the note typed into the card's Approve
 * panel where the purpose asks for one. The clicker's card comes back redrawn
 * for them (their buttons gone, the progress shown); every other authoriser's
 * card is redrawn in place by the outbox (refresh-messages), the single
 * writer of message state. A note the core refuses (missing, too short) comes
 * back in the card beside the field with what was typed; other refusals are
 * answered by the dispatcher and change nothing.
 */
import { z } from "zod";
import { isAppError } from "../../../core/errors.ts";
import { recordDecision } from "../../../core/requests/record-decision.ts";
import { parseActionData } from "../activities.ts";
import { APPROVAL_NOTE_INPUT } from "../cards/approval-card.ts";
import { confirmationCard, refusalCard } from "../cards/lists.ts";
import { cardData, currentCardFor } from "../card-data.ts";
import type { VerbHandler } from "../deps.ts";
import { friendlyMessage } from "../friendly-errors.ts";
import { VERBS } from "../ids.ts";

const approveData = cardData.extend({ [APPROVAL_NOTE_INPUT]: z.string().max(2000, "Keep the note under 2,000 characters.").optional() });

export const approveClicked: VerbHandler = {
  kind: "verb",
  verb: VERBS.approve,
  async handle(turn, deps) {
    const data = parseActionData(approveData, turn.data);
    const viewer = { email: turn.person.email, userId: turn.activity.from.id };
    const notice = data.notice === "approval-reminder" ? "approval-reminder" : "approval-needed";
    let request;
    try {
      request = await recordDecision(deps.ctx, { requestId: data.requestId, deciderEmail: turn.person.email, outcome: "approve", ...(data.note !== undefined ? { note: data.note } : {}) });
    } catch (error) {
      if (!isAppError(error) || error.field !== APPROVAL_NOTE_INPUT) throw error;
      const message = friendlyMessage(error, "");
      return refusalCard(message, await currentCardFor(deps, { ...data, notice }, viewer, { errors: { note: message }, values: { note: data.note ?? "" } }));
    }
    const { given, needed } = request.approvals;
    const progress = request.status === "PENDING_APPROVAL" ? ` That is ${given} of ${needed} approvals; the others have been told.` : " The requester has been told.";
    return confirmationCard(`You approved ${request.reference}.${progress}`, await currentCardFor(deps, { ...data, notice }, viewer));
  },
};
