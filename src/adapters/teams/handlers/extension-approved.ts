/** An authoriser gives more time with a recording: one decideAccessExtension. */
import { decideAccessExtension } from "../../../core/playback/decide-access-extension.ts";
import { parseActionData } from "../activities.ts";
import { confirmationCard } from "../cards/lists.ts";
import { cardData, currentCardFor } from "../card-data.ts";
import type { VerbHandler } from "../deps.ts";
import { VERBS } from "../ids.ts";

const extensionData = cardData.required({ extensionId: true });

export const extensionApproved: VerbHandler = {
  kind: "verb",
  verb: VERBS.extensionApprove,
  async handle(turn, deps) {
    const data = parseActionData(extensionData, turn.data);
    await decideAccessExtension(deps.ctx, { extensionId: data.extensionId, deciderEmail: turn.person.email, outcome: "approve" });
    return confirmationCard("You gave more time. The requester gets a new link.", await currentCardFor(deps, data, { email: turn.person.email, userId: turn.activity.from.id }));
  },
};
