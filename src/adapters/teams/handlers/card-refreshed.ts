/**
 * Universal Actions refresh: Teams asks for the current card whenever a
 * person looks at it, so each viewer sees the request's state now and only
 * the buttons they may use (an authoriser who has decided sees none).
 */
import { parseActionData } from "../activities.ts";
import { cardData, currentCardFor } from "../card-data.ts";
import type { VerbHandler } from "../deps.ts";
import { VERBS } from "../ids.ts";

export const cardRefreshed: VerbHandler = {
  kind: "verb",
  verb: VERBS.refresh,
  async handle(turn, deps) {
    return currentCardFor(deps, parseActionData(cardData, turn.data), { email: turn.person.email, userId: turn.activity.from.id });
  },
};
