/**
 * Someone opened a playback link. The grant is checked on every open, so a
 * revocation or expiry takes effect at the very next page load; a live grant
 * gets the page and a fresh page view, whose id the page's player sends with
 * every audio request (stream-playback-audio.ts). Audio is served through
 * Callgate, never by a link to the store, so nothing the browser holds keeps
 * working after a revocation. Every open is audited (who the link was for and
 * from where); the token never reaches the audit log or the logs.
 *
 * Guessing is made unrewarding twice over: a token carries 256 bits, and an
 * unknown token costs the same work as a known one (see playback-grant.ts),
 * so response times do not say whether a token exists. Rate limiting per
 * client is the HTTP layer's job.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { formatDateTime } from "../format.ts";
import { maskPhoneNumber } from "../phone.ts";
import { findPerson, purposeById } from "../policy/access.ts";
import { assertNotRevokedMeanwhile, lookUpGrant, RevokedMeanwhile, type PlaybackEnded, type PlaybackUnknown } from "./playback-grant.ts";

/** Client details the HTTP layer saw; recorded with each open. */
export interface OpenPlaybackInput {
  /** The token from the link, untrusted. */
  token: string;
  /** The client's address as the server sees it (after trusted proxies). */
  clientIp: string | null;
  userAgent: string | null;
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
}

export type OpenPlaybackResult =
  /** Live grant: the page, and the page view its player names when it fetches the audio. */
  | { outcome: "opened"; view: PlaybackView; viewId: string }
  /** Known token whose access has ended (HTTP 410). */
  | PlaybackEnded
  /** No such token (HTTP 404). */
  | PlaybackUnknown;

export async function openPlayback(ctx: CoreContext, input: OpenPlaybackInput): Promise<OpenPlaybackResult> {
  if (!ctx.recordings) throw new AppError("STORAGE_ERROR", "Recording storage is not configured, so recordings cannot be played.");
  const lookup = await lookUpGrant(ctx, input.token);
  if (!lookup.found) return lookup.unknown;
  if (lookup.ended) return lookup.ended;
  const grant = lookup.grant;
  if (grant.recordingId === null) throw new Error("unreachable: a deleted recording has ended");

  const now = ctx.clock.now();
  const purpose = purposeById(ctx.policy, grant.purposeId);
  let viewId: string;
  try {
    viewId = await transact(ctx, async (tx) => {
      const view = await tx.playbackView.create({ data: { grantId: grant.id, openedAt: now }, select: { id: true } });
      await appendAudit(tx, {
        at: now,
        actor: grant.requesterEmail,
        action: "playback.opened",
        subjectType: "grant",
        subjectId: grant.id,
        requestId: grant.requestId,
        purposeId: grant.purposeId,
        details: {
          recordingId: grant.recordingId,
          callId: grant.callId,
          viewId: view.id,
          clientIp: input.clientIp ?? "unknown",
          userAgent: (input.userAgent ?? "").slice(0, 300),
          grantExpiresAt: grant.expiresAt.toISOString(),
        },
      });
      await assertNotRevokedMeanwhile(tx, grant.id, now);
      return view.id;
    });
  } catch (error) {
    if (error instanceof RevokedMeanwhile) return lookup.endedBy("revoked", error.at);
    throw error;
  }

  const tz = ctx.policy.organisation.timeZone;
  return {
    outcome: "opened",
    viewId,
    view: {
      grantId: grant.id,
      organisationName: ctx.policy.organisation.name,
      reference: grant.reference,
      purposeLabel: purpose.label,
      requesterName: findPerson(ctx.policy, grant.requesterEmail)?.name ?? grant.requesterEmail,
      callAtText: formatDateTime(grant.startedAt, tz),
      directionText: grant.direction === "INBOUND" ? "Incoming call" : "Outgoing call",
      maskedNumber: maskPhoneNumber(grant.externalNumber),
      durationText: formatDuration(grant.durationSeconds),
      accessEndsText: formatDateTime(grant.expiresAt, tz),
    },
  };
}

/** "2 min 05 s", "45 s". */
function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return minutes > 0 ? `${minutes} min ${String(rest).padStart(2, "0")} s` : `${rest} s`;
}
