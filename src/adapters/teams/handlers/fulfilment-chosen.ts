/** A fulfiller picks the matching call from the card's list: one fulfilRequest. */
import { z } from "zod";
import { fulfilRequest } from "../../../core/requests/fulfil-request.ts";
import { parseActionData } from "../activities.ts";
import { RECORDING_INPUT } from "../cards/fulfilment-card.ts";
import { confirmationCard } from "../cards/lists.ts";
import { cardData, currentCardFor } from "../card-data.ts";
import type { VerbHandler } from "../deps.ts";
import { VERBS } from "../ids.ts";

const chosen = cardData.extend({ [RECORDING_INPUT]: z.string().min(1, "Choose the call that matches.").max(100) });

export const fulfilmentChosen: VerbHandler = {
  kind: "verb",
  verb: VERBS.fulfilChoose,
  async handle(turn, deps) {
    const data = parseActionData(chosen, turn.data);
    const request = await fulfilRequest(deps.ctx, { requestId: data.requestId, fulfillerEmail: turn.person.email, recordingId: data.recordingId });
    return confirmationCard(`Thank you. ${request.reference} is matched to the call you chose; the requester has been told.`, await currentCardFor(deps, data, { email: turn.person.email, userId: turn.activity.from.id }));
  },
};
