/**
 * A button on `pending`: posts the card for one waiting request into this
 * chat (the approval, consent or fulfilment card, drawn as it is now and kept
 * current by its refresh), so the person can act on it right there, even if
 * the card first sent never reached them. Only what listPendingActions says
 * is waiting for this person can be shown.
 */
import { z } from "zod";
import { listPendingActions } from "../../../core/requests/list-pending-actions.ts";
import { parseActionData } from "../activities.ts";
import { confirmationCard, pendingCard, refusalCard } from "../cards/lists.ts";
import { currentCardFor } from "../card-data.ts";
import type { VerbHandler } from "../deps.ts";
import { VERBS } from "../ids.ts";

const shownData = z.object({ requestId: z.string().min(1).max(100), notice: z.enum(["approval-needed", "consent-needed", "fulfilment-needed"]) });

const GROUP = { "approval-needed": "toAuthorise", "consent-needed": "toConsent", "fulfilment-needed": "toFulfil" } as const;

export const pendingCardShown: VerbHandler = {
  kind: "verb",
  verb: VERBS.showPendingCard,
  async handle(turn, deps) {
    const data = parseActionData(shownData, turn.data);
    const pending = await listPendingActions(deps.ctx, { email: turn.person.email });
    const request = pending[GROUP[data.notice]].find((r) => r.id === data.requestId);
    if (!request) return refusalCard("That request is no longer waiting for you. Nothing was changed. Here is what is waiting for you now.", pendingCard(pending));
    await turn.send(await currentCardFor(deps, data, { email: turn.person.email, userId: turn.activity.from.id }));
    return confirmationCard(`The card for ${request.reference} is below: act on it there.`, pendingCard(pending));
  },
};
