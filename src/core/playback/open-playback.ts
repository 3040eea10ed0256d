/**
 * Someone opened a playback link. The grant is checked on every open, so a
 * revocation or expiry takes effect at the very next page load; a live grant
 * gets the page and a fresh page view, whose id the page's player sends with
 * every audio request (stream-playback-audio.ts). Audio is served through
 * Callgate, never by a link to the store, so nothing the browser holds keeps
 * working after a revocation. Every open is audited (who the link was for and
 * from where); the token never reaches the audit log or the logs.
 *
 * The link plays only for its requester (playback-browser.ts). With no
 * identity provider, the first browser to open it is bound to it; any other
 * browser is refused, the refusal audited, the DPO told, and the requester
 * asked in chat whether to allow that browser for one open. With an identity
 * provider, a browser not yet bound is sent to sign in instead
 * (complete-playback-sign-in.ts).
 *
 * Guessing is made unrewarding twice over: a token carries 256 bits, and an
 * unknown token costs the same work as a known one (see playback-grant.ts),
 * so response times do not say whether a token exists. Rate limiting per
 * client is the HTTP layer's job.
 */
import { randomUUID } from "node:crypto";
import type { CoreContext, Tx } from "../context.ts";
import { transact } from "../context.ts";
import { AppError } from "../errors.ts";
import { formatDateTime } from "../format.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { maskPhoneNumber } from "../phone.ts";
import { findPerson, peopleWithRoles, purposeById } from "../policy/access.ts";
import { disciplinaryRoute } from "../policy/routes.ts";
import { browserHashOf, describeBrowser, newBrowserSecret, type PlaybackBinding } from "./playback-browser.ts";
import { matchEndedPlaybackWork, refuseEndedPlayback } from "./refuse-ended-playback.ts";
import { assertNotRevokedMeanwhile, auditGrantEvent, lookUpGrant, RevokedMeanwhile, type GrantRow, type PlaybackEnded, type PlaybackUnknown } from "./playback-grant.ts";

/** Client details the HTTP layer saw; recorded with each open. */
export interface OpenPlaybackInput {
  /** The token from the link, untrusted. */
  token: string;
  /** The client's address as the server sees it (after trusted proxies). */
  clientIp: string | null;
  userAgent: string | null;
  /** The browser secret from the browser's cookie, untrusted; null when it sent none. */
  browserSecret: string | null;
  /** How links are tied to their requester; default the first browser. */
  binding?: PlaybackBinding;
}

/** What the playback page shows. Dates are already in the organisation's time zone, UK style. */
export interface PlaybackView {
  grantId: string;
  organisationName: string;
  reference: string;
  purposeLabel: string;
  requesterName: string;
  callAtText: string;
  directionText: string;
  maskedNumber: string;
  durationText: string;
  accessEndsText: string;
  /** "Misuse of recordings is dealt with under the …", where the policy names its disciplinary policy; "" otherwise. */
  misuseText: string;
}

export type OpenPlaybackResult =
  /** Live grant in the right browser: the page, and the page view its player names when it fetches the audio. */
  | { outcome: "opened"; view: PlaybackView; viewId: string; /** The secret the browser must hold (set it if it sent another or none). */ browserSecret: string }
  /** A browser the link is not bound to (HTTP 403); the requester has been asked to confirm it. */
  | { outcome: "refused"; code: "OTHER_BROWSER"; organisationName: string; requesterName: string; browserSecret: string }
  /** With an identity provider: this browser must sign in as the requester first. */
  | { outcome: "sign-in"; browserSecret: string }
  /** Known token whose access has ended (HTTP 410). */
  | PlaybackEnded
  /** No such token (HTTP 404). */
  | PlaybackUnknown;

type Access = "bound" | "once" | "first";

export async function openPlayback(ctx: CoreContext, input: OpenPlaybackInput): Promise<OpenPlaybackResult> {
  if (!ctx.recordings) throw new AppError("STORAGE_ERROR", "Recording storage is not configured, so recordings cannot be played.");
  const lookup = await lookUpGrant(ctx, input.token);
  if (!lookup.found) return matchEndedPlaybackWork(ctx, lookup.unknown);
  if (lookup.ended) return refuseEndedPlayback(ctx, lookup.grant, lookup.ended, input);
  const grant = lookup.grant;
  if (grant.recordingId === null) throw new Error("unreachable: a deleted recording has ended");

  const presented = browserHashOf(input.browserSecret);
  // A browser that sent no usable secret gets one, so it is recognised next time (bound, or refused only once).
  const secret = presented ? input.browserSecret! : newBrowserSecret();
  const hash = presented ?? browserHashOf(secret)!;
  const access: Access | null = grant.browserHashes.includes(hash)
    ? "bound"
    : grant.allowedOnceHash === hash
      ? "once"
      : grant.browserHashes.length === 0 && (input.binding ?? "first-browser") === "first-browser"
        ? "first"
        : null;
  if (!access) {
    if (input.binding === "sign-in") return { outcome: "sign-in", browserSecret: secret };
    return refuse(ctx, grant, input, secret, hash);
  }

  const now = ctx.clock.now();
  let viewId: string | null;
  try {
    viewId = await transact(ctx, async (tx) => {
      // Conditional, so of two browsers opening an unbound link at once only one is bound, and a one-time allowance is used once.
      if (access === "first") {
        const bound = await tx.$executeRaw`
          UPDATE "PlaybackGrant" SET "browserHashes" = ARRAY[${hash}]::text[]
          WHERE id = ${grant.id}::uuid AND cardinality("browserHashes") = 0`;
        if (bound !== 1) return null;
      } else if (access === "once") {
        const { count } = await tx.playbackGrant.updateMany({ where: { id: grant.id, allowedOnceHash: hash }, data: { allowedOnceHash: null } });
        if (count !== 1) return null;
      }
      const view = await tx.playbackView.create({ data: { grantId: grant.id, openedAt: now, browserHash: hash }, select: { id: true } });
      await auditGrantEvent(tx, grant, {
        at: now,
        action: "playback.opened",
        details: {
          recordingId: grant.recordingId,
          callId: grant.callId,
          viewId: view.id,
          browser: access === "first" ? "bound now" : access === "once" ? "allowed once by the requester" : "bound",
          grantExpiresAt: grant.expiresAt.toISOString(),
        },
        client: input,
      });
      await assertNotRevokedMeanwhile(tx, grant.id, now);
      return view.id;
    });
  } catch (error) {
    if (error instanceof RevokedMeanwhile) return lookup.endedBy("revoked", error.at);
    throw error;
  }
  // Another browser was bound (or used the allowance) a moment ago: this one is now the other browser.
  if (viewId === null) return openPlayback(ctx, { ...input, browserSecret: secret });

  const tz = ctx.policy.organisation.timeZone;
  return {
    outcome: "opened",
    viewId,
    browserSecret: secret,
    view: {
      grantId: grant.id,
      organisationName: ctx.policy.organisation.name,
      reference: grant.reference,
      purposeLabel: purpose(ctx, grant).label,
      misuseText: disciplinaryRoute(ctx.policy).trim(),
      requesterName: requesterName(ctx, grant),
      callAtText: formatDateTime(grant.startedAt, tz),
      directionText: grant.direction === "INBOUND" ? "Incoming call" : "Outgoing call",
      maskedNumber: maskPhoneNumber(grant.externalNumber),
      durationText: formatDuration(grant.durationSeconds),
      accessEndsText: formatDateTime(grant.expiresAt, tz),
    },
  };
}

/**
 * Refuses a browser the link is not bound to: audited every time (actor: the
 * grant's owner), and the first time this browser is refused the requester is
 * asked to allow it and the DPO is told. The same browser coming back is
 * recognised by its cookie and not announced again.
 */
async function refuse(ctx: CoreContext, grant: GrantRow, input: OpenPlaybackInput, secret: string, hash: string): Promise<OpenPlaybackResult> {
  const now = ctx.clock.now();
  const browserText = describeBrowser(input.userAgent);
  await transact(ctx, async (tx) => {
    await auditGrantEvent(tx, grant, { at: now, action: "playback.refused", details: { code: "OTHER_BROWSER", browser: browserText }, client: input });
    if (grant.pendingBrowserHash === hash) return;
    await askRequesterToConfirm(ctx, tx, grant, { hash, now, browserText, clientIp: input.clientIp });
  });
  return { outcome: "refused", code: "OTHER_BROWSER", organisationName: ctx.policy.organisation.name, requesterName: requesterName(ctx, grant), browserSecret: secret };
}

async function askRequesterToConfirm(ctx: CoreContext, tx: Tx, grant: GrantRow, seen: { hash: string; now: Date; browserText: string; clientIp: string | null }): Promise<void> {
  const pendingId = randomUUID();
  // The latest browser replaces any earlier one waiting: an older button can no longer allow anything.
  await tx.playbackGrant.update({ where: { id: grant.id }, data: { pendingBrowserId: pendingId, pendingBrowserHash: seen.hash, pendingBrowserAt: seen.now } });
  const seenAtText = formatDateTime(seen.now, ctx.policy.organisation.timeZone);
  const dpos = peopleWithRoles(ctx.policy, ctx.policy.compliance.dpoRoles).map((p) => p.email);
  await enqueueNotices(tx, seen.now, [
    { to: grant.requesterEmail, kind: "playback-browser-pending", requestId: grant.requestId, payload: { grantId: grant.id, pendingId, seenAtText, browserText: seen.browserText } },
    ...dpos.map((to) => ({
      to,
      kind: "compliance-notice" as const,
      requestId: grant.requestId,
      payload: {
        title: `Playback link for ${grant.reference} opened in another browser`,
        lines: [
          `${requesterName(ctx, grant)}'s playback link was opened on ${seenAtText} in ${seen.browserText} (address ${seen.clientIp ?? "unknown"}), not in the browser it is bound to. Nothing was played.`,
          "The requester has been asked in chat whether to allow that browser. The refusal is in the audit log.",
        ],
      },
    })),
  ]);
}

function purpose(ctx: CoreContext, grant: GrantRow) {
  return purposeById(ctx.policy, grant.purposeId);
}

function requesterName(ctx: CoreContext, grant: GrantRow): string {
  return findPerson(ctx.policy, grant.requesterEmail)?.name ?? grant.requesterEmail;
}

/** "2 min 05 s", "45 s". */
function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return minutes > 0 ? `${minutes} min ${String(rest).padStart(2, "0")} s` : `${rest} s`;
}
