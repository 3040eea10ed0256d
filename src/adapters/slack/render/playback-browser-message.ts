/**
 * To the requester: their playback link was opened in a browser it is not
 * bound to. One button allows that browser for one open; the link is still
 * theirs alone, so a forwarded link should simply be left unanswered.
 */
import type { NoticeAction } from "../../../core/notify/notices.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { ACTIONS } from "../ids.ts";
import { actions, button, context, escapeMrkdwn, header, message, section, type SlackMessage } from "./blocks.ts";

export function playbackBrowserMessage(request: RequestView, grantId: string, pendingId: string, seenAtText: string, browserText: string, offered: readonly NoticeAction[]): SlackMessage {
  const text = `${request.reference}: your playback link was opened in another browser. Allow it?`;
  return message(text, [
    header(`${request.reference}: opened in another browser`),
    section(
      `Your playback link was opened on ${escapeMrkdwn(seenAtText)} in *${escapeMrkdwn(browserText)}*, not in the browser it is bound to, so it did not play there.\n` +
        "If that was you, allow that browser and reload the page there. If it was not you, do nothing: the Data Protection Officer has been told.",
    ),
    ...(offered.includes("allow-browser") ? [actions(`allow-browser:${grantId}`, [button({ actionId: ACTIONS.allowPlaybackBrowser, text: "Allow this browser", value: JSON.stringify({ grantId, pendingId }), style: "primary" })])] : []),
    context(`Allowing lets that browser play the recording once. ${escapeMrkdwn(request.purposeLabel)} · ${escapeMrkdwn(request.windowText)}`),
  ]);
}
