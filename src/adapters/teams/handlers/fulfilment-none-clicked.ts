/** A fulfiller says no call matches: one fulfilRequest with notFound. */
import { fulfilRequest } from "../../../core/requests/fulfil-request.ts";
import { parseActionData } from "../activities.ts";
import { confirmationCard } from "../cards/lists.ts";
import { cardData, currentCardFor } from "../card-data.ts";
import type { VerbHandler } from "../deps.ts";
import { VERBS } from "../ids.ts";

export const fulfilmentNoneClicked: VerbHandler = {
  kind: "verb",
  verb: VERBS.fulfilNone,
  async handle(turn, deps) {
    const data = parseActionData(cardData, turn.data);
    const request = await fulfilRequest(deps.ctx, { requestId: data.requestId, fulfillerEmail: turn.person.email, notFound: true });
    return confirmationCard(`Thank you. ${request.reference} is closed as not found; the requester has been told.`, await currentCardFor(deps, data, { email: turn.person.email, userId: turn.activity.from.id }));
  },
};
