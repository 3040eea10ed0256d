/** The recorded employee consents: one recordConsent. */
import { recordConsent } from "../../../core/requests/record-consent.ts";
import { parseActionData } from "../activities.ts";
import { confirmationCard } from "../cards/lists.ts";
import { cardData, currentCardFor } from "../card-data.ts";
import type { VerbHandler } from "../deps.ts";
import { VERBS } from "../ids.ts";

export const consentGiven: VerbHandler = {
  kind: "verb",
  verb: VERBS.consentGive,
  async handle(turn, deps) {
    const data = parseActionData(cardData, turn.data);
    const request = await recordConsent(deps.ctx, { requestId: data.requestId, employeeEmail: turn.person.email, given: true });
    return confirmationCard(`Thank you. You consented to ${request.reference}.`, await currentCardFor(deps, data, { email: turn.person.email, userId: turn.activity.from.id }));
  },
};
