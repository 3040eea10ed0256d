/**
 * Deny, with the reason typed into the card's Deny panel: one recordDecision.
 * A missing or short reason comes back on the card and changes nothing.
 */
import { z } from "zod";
import { recordDecision } from "../../../core/requests/record-decision.ts";
import { parseActionData } from "../activities.ts";
import { DENY_REASON_INPUT } from "../cards/approval-card.ts";
import { confirmationCard } from "../cards/lists.ts";
import { cardData, currentCardFor } from "../card-data.ts";
import type { VerbHandler } from "../deps.ts";
import { VERBS } from "../ids.ts";

const denyData = cardData.extend({ [DENY_REASON_INPUT]: z.string().max(2000).optional() });

export const denyClicked: VerbHandler = {
  kind: "verb",
  verb: VERBS.deny,
  async handle(turn, deps) {
    const data = parseActionData(denyData, turn.data);
    const request = await recordDecision(deps.ctx, { requestId: data.requestId, deciderEmail: turn.person.email, outcome: "deny", reason: data.reason ?? "" });
    const viewer = { email: turn.person.email, userId: turn.activity.from.id };
    return confirmationCard(`You denied ${request.reference}. The requester and the other authorisers have been told.`, await currentCardFor(deps, { ...data, notice: data.notice === "approval-reminder" ? "approval-reminder" : "approval-needed" }, viewer));
  },
};
