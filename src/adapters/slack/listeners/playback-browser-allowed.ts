/** The requester allows another browser to open their link once: one confirmPlaybackBrowser. */
import { z } from "zod";
import { AppError } from "../../../core/errors.ts";
import { confirmPlaybackBrowser } from "../../../core/playback/confirm-playback-browser.ts";
import { acknowledge, tellPrivately, type ListenerRegistration } from "../deps.ts";
import { ACTIONS } from "../ids.ts";
import { blockAction, firstAction, parsePayload } from "../payloads.ts";

const buttonValue = z.object({ grantId: z.string().max(100), pendingId: z.string().max(100) });

export const playbackBrowserAllowed: ListenerRegistration = {
  kind: "action",
  id: ACTIONS.allowPlaybackBrowser,
  register(app, deps) {
    app.action(ACTIONS.allowPlaybackBrowser, async ({ ack, body, respond }) => {
      await acknowledge(ack);
      const payload = parsePayload(blockAction, body);
      const person = await deps.directory.personFor(payload.user.id);
      let value;
      try {
        value = buttonValue.parse(JSON.parse(firstAction(payload).value ?? ""));
      } catch (error) {
        throw new AppError("INVALID_INPUT", "That button does not name a playback link.", undefined, { cause: error });
      }
      const { reference } = await confirmPlaybackBrowser(deps.ctx, { ...value, requesterEmail: person.email });
      await tellPrivately(respond, { text: `Done: that browser may now play the recording for ${reference} once. Reload the page there.` });
    });
  },
};
