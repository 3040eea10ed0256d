/** The recorded employee withdraws their consent (confirmed in the card first): one withdrawConsent. */
import { withdrawConsent } from "../../../core/requests/withdraw-consent.ts";
import { parseActionData } from "../activities.ts";
import { confirmationCard } from "../cards/lists.ts";
import { cardData, currentCardFor } from "../card-data.ts";
import type { VerbHandler } from "../deps.ts";
import { VERBS } from "../ids.ts";

export const consentWithdrawn: VerbHandler = {
  kind: "verb",
  verb: VERBS.consentWithdraw,
  async handle(turn, deps) {
    const data = parseActionData(cardData, turn.data);
    const request = await withdrawConsent(deps.ctx, { requestId: data.requestId, employeeEmail: turn.person.email });
    return confirmationCard(`You withdrew your consent to ${request.reference}. The recording will no longer be used, and the requester has been told.`, await currentCardFor(deps, data, { email: turn.person.email, userId: turn.activity.from.id }));
  },
};
