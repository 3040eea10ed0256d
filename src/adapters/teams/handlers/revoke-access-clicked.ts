/**
 * "Revoke access now" in the Revoke access panel of an authoriser's card
 * about a delivered recording: one revokeGrant, with the reason typed there.
 * The core decides who may (the DPO and the request's authorisers).
 */
import { z } from "zod";
import { revokeGrant } from "../../../core/playback/revoke-grant.ts";
import { parseActionData } from "../activities.ts";
import { REVOKE_REASON_INPUT } from "../cards/approval-card.ts";
import { confirmationCard } from "../cards/lists.ts";
import { cardData, currentCardFor } from "../card-data.ts";
import type { VerbHandler } from "../deps.ts";
import { VERBS } from "../ids.ts";

const revokeData = cardData.extend({ [REVOKE_REASON_INPUT]: z.string().max(2000).optional() });

export const revokeAccessClicked: VerbHandler = {
  kind: "verb",
  verb: VERBS.revokeAccess,
  async handle(turn, deps) {
    const data = parseActionData(revokeData, turn.data);
    const { revoked } = await revokeGrant(deps.ctx, { grantOrRequestId: data.requestId, actorEmail: turn.person.email, reason: data.reason ?? "" });
    const message =
      revoked === 0
        ? "Someone else revoked this access a moment ago, so nothing more was needed."
        : `Access is revoked. ${revoked === 1 ? "The link no longer works" : `The ${revoked} links no longer work`}, and the requester has been told their access has ended.`;
    return confirmationCard(message, await currentCardFor(deps, data, { email: turn.person.email, userId: turn.activity.from.id }));
  },
};
