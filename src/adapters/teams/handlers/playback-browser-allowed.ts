/** The requester allows another browser to open their link once: one confirmPlaybackBrowser. */
import { z } from "zod";
import { confirmPlaybackBrowser } from "../../../core/playback/confirm-playback-browser.ts";
import { parseActionData } from "../activities.ts";
import { confirmationCard } from "../cards/lists.ts";
import type { VerbHandler } from "../deps.ts";
import { VERBS } from "../ids.ts";

const allowData = z.object({ grantId: z.string().min(1).max(100), pendingId: z.string().min(1).max(100) });

export const playbackBrowserAllowed: VerbHandler = {
  kind: "verb",
  verb: VERBS.allowPlaybackBrowser,
  async handle(turn, deps) {
    const data = parseActionData(allowData, turn.data);
    const { reference } = await confirmPlaybackBrowser(deps.ctx, { grantId: data.grantId, pendingId: data.pendingId, requesterEmail: turn.person.email });
    return confirmationCard(`Done: that browser may now play the recording for ${reference} once. Reload the page there.`);
  },
};
