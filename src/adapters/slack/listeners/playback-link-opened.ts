/**
 * The playback link button opens a URL in the browser, but Slack still sends
 * an interaction; acknowledging it keeps Slack from showing a warning. The
 * playback page itself checks and audits the access.
 */
import type { ListenerRegistration } from "../deps.ts";
import { ACTIONS } from "../ids.ts";

export const playbackLinkOpened: ListenerRegistration = {
  kind: "action",
  id: ACTIONS.openPlayback,
  register(app) {
    app.action(ACTIONS.openPlayback, async ({ ack }) => {
      await ack();
    });
  },
};
