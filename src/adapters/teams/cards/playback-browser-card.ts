/**
 * To the requester: their playback link was opened in a browser it is not
 * bound to. One Action.Execute allows that browser for one open.
 */
import type { NoticeAction } from "../../../core/notify/notices.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { VERBS } from "../ids.ts";
import { card, execute, heading, subtle, text, type Card } from "./elements.ts";

export function playbackBrowserCard(request: RequestView, grantId: string, pendingId: string, seenAtText: string, browserText: string, offered: readonly NoticeAction[]): Card {
  const line = `${request.reference}: your playback link was opened in another browser.`;
  return card(
    [
      heading(`${request.reference}: opened in another browser`),
      text(`Your playback link was opened on ${seenAtText} in ${browserText}, not in the browser it is bound to, so it did not play there.`),
      text("If that was you, allow that browser and reload the page there. If it was not you, do nothing: the Data Protection Officer has been told."),
      subtle(`Allowing lets that browser play the recording once. ${request.purposeLabel} · ${request.windowText}`),
    ],
    { actions: offered.includes("allow-browser") ? [execute("Allow this browser", VERBS.allowPlaybackBrowser, { grantId, pendingId }, "positive")] : [], fallbackText: line },
  );
}
