/**
 * Deny, with the reason typed into the card's Deny panel: one recordDecision.
 * A missing or short reason comes back in the card beside the field, with
 * what was typed kept, and changes nothing; other refusals are answered by
 * the dispatcher.
 */
import { z } from "zod";
import { isAppError } from "../../../core/errors.ts";
import { recordDecision } from "../../../core/requests/record-decision.ts";
import { parseActionData } from "../activities.ts";
import { DENY_REASON_INPUT } from "../cards/approval-card.ts";
import { confirmationCard, refusalCard } from "../cards/lists.ts";
import { cardData, currentCardFor } from "../card-data.ts";
import type { VerbHandler } from "../deps.ts";
import { friendlyMessage } from "../friendly-errors.ts";
import { VERBS } from "../ids.ts";

const denyData = cardData.extend({ [DENY_REASON_INPUT]: z.string().max(2000).optional() });

export const denyClicked: VerbHandler = {
  kind: "verb",
  verb: VERBS.deny,
  async handle(turn, deps) {
    const data = parseActionData(denyData, turn.data);
    const viewer = { email: turn.person.email, userId: turn.activity.from.id };
    const notice = data.notice === "approval-reminder" ? "approval-reminder" : "approval-needed";
    let request;
    try {
      request = await recordDecision(deps.ctx, { requestId: data.requestId, deciderEmail: turn.person.email, outcome: "deny", reason: data.reason ?? "" });
    } catch (error) {
      if (!isAppError(error) || error.field !== DENY_REASON_INPUT) throw error;
      const message = friendlyMessage(error, "");
      return refusalCard(message, await currentCardFor(deps, { ...data, notice }, viewer, { errors: { reason: message }, values: { reason: data.reason ?? "" } }));
    }
    return confirmationCard(`You denied ${request.reference}. The requester and the other authorisers have been told.`, await currentCardFor(deps, { ...data, notice }, viewer));
  },
};
