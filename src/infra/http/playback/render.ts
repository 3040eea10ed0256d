/**
 * The playback pages as HTML: small, self-contained (no external assets, no
 * scripts), accessible, and in British English. Each page comes with the
 * Content-Security-Policy it needs: the stylesheet is allowed by its hash,
 * and only the player page may load media, from Callgate itself alone (the
 * audio is streamed through Callgate; no storage link reaches the browser).
 */
import { createHash } from "node:crypto";
import type { CompletePlaybackSignInResult } from "../../../core/playback/complete-playback-sign-in.ts";
import type { OpenPlaybackResult, PlaybackView } from "../../../core/playback/open-playback.ts";
import type { PlaybackEnded, PlaybackUnknown } from "../../../core/playback/playback-grant.ts";

export interface RenderedPage {
  status: number;
  html: string;
  csp: string;
}

const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5; }
body { margin: 0; padding: 1rem; }
main { max-width: 40rem; margin: 0 auto; }
.organisation { margin: 0; font-weight: 600; }
h1 { font-size: 1.6rem; margin: 0.25rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
.confidential { border-left: 0.3rem solid #b3261e; padding: 0.5rem 0.75rem; background: rgba(179, 38, 30, 0.08); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; }
audio { width: 100%; margin-top: 0.5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
`;

/** The only script on any page: the player's context menu handler, allowed by its hash alone. */
const NO_CONTEXT_MENU = "return false";

const cspHash = (source: string) => `'sha256-${createHash("sha256").update(source, "utf8").digest("base64")}'`;
const STYLE_HASH = cspHash(STYLE);
const NO_CONTEXT_MENU_HASH = cspHash(NO_CONTEXT_MENU);

const BASE_CSP = ["default-src 'none'", `style-src ${STYLE_HASH}`, "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"];

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function page(title: string, organisationName: string, body: string): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)} – ${escapeHtml(organisationName)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="organisation">${escapeHtml(organisationName)}</p>
${body}
</main>
</body>
</html>
`;
}

/** The player page for a live grant; `audioPath` is the audio's URL relative to the page. */
export function renderPlayer(view: PlaybackView, audioPath: string): RenderedPage {
  const lastDigits = /(\d{3})$/.exec(view.maskedNumber)?.[1];
  const number = lastDigits
    ? `<span aria-hidden="true">${escapeHtml(view.maskedNumber)}</span><span class="visually-hidden">Number ending ${lastDigits}</span>`
    : escapeHtml(view.maskedNumber);
  const body = `<h1>Call recording</h1>
<p class="confidential" role="note"><strong>Confidential.</strong> This recording was released to ${escapeHtml(view.requesterName)} alone, for ${escapeHtml(view.purposeLabel.toLowerCase())} (request ${escapeHtml(view.reference)}). Do not share this link or record the audio. Every access is logged.${view.misuseText ? ` ${escapeHtml(view.misuseText)}` : ""}</p>
<h2 id="about-heading">About the call</h2>
<dl aria-labelledby="about-heading">
<dt>Date and time</dt><dd>${escapeHtml(view.callAtText)}</dd>
<dt>Direction</dt><dd>${escapeHtml(view.directionText)}</dd>
<dt>Number</dt><dd>${number}</dd>
<dt>Length</dt><dd>${escapeHtml(view.durationText)}</dd>
<dt>Request reference</dt><dd>${escapeHtml(view.reference)}</dd>
<dt>Your access ends</dt><dd>${escapeHtml(view.accessEndsText)}</dd>
</dl>
<h2 id="player-heading">Listen</h2>
<p>Listen somewhere private, with headphones if others are near.</p>
<audio id="recording" aria-labelledby="player-heading" controls controlsList="nodownload noplaybackrate" preload="metadata" oncontextmenu="${NO_CONTEXT_MENU}" src="${escapeHtml(audioPath)}">Your browser cannot play this recording.</audio>
<p>If the player stops working, reload this page.</p>`;
  const csp = [...BASE_CSP, "media-src 'self'", `script-src 'unsafe-hashes' ${NO_CONTEXT_MENU_HASH}`].join("; ");
  return { status: 200, html: page(`Call recording ${view.reference}`, view.organisationName, body), csp };
}

/** Pages for every outcome but a live grant, and for refusals and failures. */
export function renderRefusal(result: PlaybackEnded | PlaybackUnknown): RenderedPage {
  if (result.outcome === "unknown") {
    return notice(404, result.organisationName, "Link not recognised", [
      "This playback link is not valid. Check that you opened the whole link from your Callgate message.",
      "A playback link plays only for the person who asked for the recording, and only in the browser they first opened it in (or once they have signed in as themselves).",
    ]);
  }
  const when = result.endedAtText;
  const what =
    result.reason === "revoked"
      ? `Access to this recording was revoked${when ? ` on ${when}` : ""}.`
      : result.reason === "expired"
        ? `Access to this recording ended${when ? ` on ${when}` : ""}, when the time allowed for it ran out.`
        : result.reason === "recording-deleted"
          ? "This recording has been deleted, as the organisation's retention policy or an erasure request required, so it can no longer be played."
          : "The audio of this call is no longer stored, so it cannot be played.";
  return notice(410, result.organisationName, "This link no longer works", [
    what,
    `If you still need to hear the call, make a new request in Callgate or contact your Data Protection Officer (${result.dpoNames}).`,
  ]);
}

/** A browser the link is not bound to (a forwarded link, or the requester's other device). */
export function renderBrowserRefused(result: Extract<OpenPlaybackResult, { outcome: "refused" }>): RenderedPage {
  return notice(403, result.organisationName, "This link plays in another browser", [
    "This playback link is bound to the browser that first opened it, so it does not play here. Recordings are released to one person, and a link passed on does not play for anyone else.",
    `${result.requesterName}, who asked for the recording, has been asked in Callgate to confirm this browser. If they allow it, reload this page.`,
    "This attempt has been recorded in the audit log, and the Data Protection Officer has been told.",
  ]);
}

/** Someone signed in who is not the requester. */
export function renderSignInRefused(result: Extract<CompletePlaybackSignInResult, { outcome: "refused" }>): RenderedPage {
  const who = result.signedInAs ? `You signed in as ${result.signedInAs}.` : "Your sign-in did not say who you are (no e-mail address).";
  return notice(403, result.organisationName, "This recording was released to someone else", [
    `${who} This recording plays only for the person who asked for it.`,
    "This attempt has been recorded in the audit log, and the Data Protection Officer has been told.",
  ]);
}

/**
 * Reloads the page at once. Sent to a request from another site that carried
 * no cookie: the reload is a same-site navigation, which carries the
 * SameSite=Strict browser cookie if the browser holds one.
 */
export function renderBounce(organisationName: string): RenderedPage {
  const html = page("Opening the recording", organisationName, `<h1>Opening the recording…</h1>\n<p>If nothing happens, reload this page.</p>`).replace(
    '<meta name="robots" content="noindex, nofollow">',
    '<meta name="robots" content="noindex, nofollow">\n<meta http-equiv="refresh" content="0">',
  );
  return { status: 200, html, csp: BASE_CSP.join("; ") };
}

/** Too many unknown links from one address. */
export function renderRateLimited(organisationName: string, retryAfterMs: number): RenderedPage {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  return notice(429, organisationName, "Too many attempts", [
    "Too many links that are not valid have been opened from your network.",
    `Please wait ${minutes === 1 ? "a minute" : `${minutes} minutes`} and try again.`,
  ]);
}

/** A failure with a message written for the person at the page (an AppError's). */
export function renderFailure(status: number, organisationName: string, message: string): RenderedPage {
  return notice(status, organisationName, status >= 500 ? "The recording cannot be played just now" : "The recording cannot be played", [message]);
}

/** A plain page with a heading and paragraphs, in the playback page's style (also used by /files). */
export function notice(status: number, organisationName: string, title: string, paragraphs: string[]): RenderedPage {
  const body = `<h1>${escapeHtml(title)}</h1>\n${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}`;
  return { status, html: page(title, organisationName, body), csp: BASE_CSP.join("; ") };
}
