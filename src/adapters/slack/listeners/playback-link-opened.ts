/**
 * The playback link and file download buttons open a URL in the browser, but
 * Slack still sends an interaction; acknowledging it keeps Slack from showing
 * a warning. The page behind the link itself checks and audits the access.
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

export const fileLinkOpened: ListenerRegistration = {
  kind: "action",
  id: ACTIONS.downloadFile,
  register(app) {
    app.action(ACTIONS.downloadFile, async ({ ack }) => {
      await ack();
    });
  },
};
