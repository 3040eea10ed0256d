/**
 * "Send the request for more time" in the Ask for more time panel of the
 * requester's card saying access has expired: one requestAccessExtension.
 * The authorisers are asked in their personal chats; a refusal (a reason too
 * short, someone else's request) comes back above the same card.
 */
import { z } from "zod";
import { isAppError } from "../../../core/errors.ts";
import { requestAccessExtension } from "../../../core/playback/request-access-extension.ts";
import { buildNotice } from "../../../core/notify/build-notice.ts";
import { parseActionData } from "../activities.ts";
import { confirmationCard, refusalCard } from "../cards/lists.ts";
import { renderNotice } from "../cards/notice.ts";
import type { VerbHandler } from "../deps.ts";
import { friendlyMessage, isUserFacing } from "../friendly-errors.ts";
import { VERBS } from "../ids.ts";

const askData = z.object({ requestId: z.string().min(1).max(100), reason: z.string().max(2000).optional() });

export const moreTimeAsked: VerbHandler = {
  kind: "verb",
  verb: VERBS.askMoreTime,
  async handle(turn, deps) {
    const data = parseActionData(askData, turn.data);
    const asItIs = async () => {
      const notice = await buildNotice(deps.ctx, { kind: "access-ended", requestId: data.requestId, payload: { reason: "expired" } }, turn.person.email, { publicUrl: deps.publicUrl });
      return renderNotice(notice, deps.render, { email: turn.person.email, userId: turn.activity.from.id });
    };
    try {
      await requestAccessExtension(deps.ctx, { requestId: data.requestId, requesterEmail: turn.person.email, reason: data.reason ?? "" });
    } catch (error) {
      if (!isUserFacing(error) || !isAppError(error)) throw error;
      return refusalCard(friendlyMessage(error, ""), await asItIs());
    }
    return confirmationCard("Your request for more time has gone to the people who authorised the recording. You will hear back in this chat.", await asItIs());
  },
};
