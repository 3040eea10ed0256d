/** An authoriser refuses more time, with a reason: one decideAccessExtension. */
import { z } from "zod";
import { decideAccessExtension } from "../../../core/playback/decide-access-extension.ts";
import { parseActionData } from "../activities.ts";
import { confirmationCard } from "../cards/lists.ts";
import { cardData, currentCardFor } from "../card-data.ts";
import type { VerbHandler } from "../deps.ts";
import { VERBS } from "../ids.ts";

const refusal = cardData.required({ extensionId: true }).extend({ reason: z.string().max(2000).optional() });

export const extensionDenied: VerbHandler = {
  kind: "verb",
  verb: VERBS.extensionDeny,
  async handle(turn, deps) {
    const data = parseActionData(refusal, turn.data);
    await decideAccessExtension(deps.ctx, { extensionId: data.extensionId, deciderEmail: turn.person.email, outcome: "deny", reason: data.reason ?? "" });
    return confirmationCard("You refused more time. The requester has been told.", await currentCardFor(deps, data, { email: turn.person.email, userId: turn.activity.from.id }));
  },
};
