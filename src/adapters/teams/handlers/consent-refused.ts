/** The recorded employee does not consent: one recordConsent; the request closes. */
import { recordConsent } from "../../../core/requests/record-consent.ts";
import { parseActionData } from "../activities.ts";
import { confirmationCard } from "../cards/lists.ts";
import { cardData, currentCardFor } from "../card-data.ts";
import type { VerbHandler } from "../deps.ts";
import { VERBS } from "../ids.ts";

export const consentRefused: VerbHandler = {
  kind: "verb",
  verb: VERBS.consentRefuse,
  async handle(turn, deps) {
    const data = parseActionData(cardData, turn.data);
    const request = await recordConsent(deps.ctx, { requestId: data.requestId, employeeEmail: turn.person.email, given: false });
    return confirmationCard(`You did not consent to ${request.reference}. The recording will not be used, and the requester has been told.`, await currentCardFor(deps, data, { email: turn.person.email, userId: turn.activity.from.id }));
  },
};
