/**
 * Someone opened a playback link. The grant is checked on every open, so a
 * revocation or expiry takes effect at the very next page load; only a live
 * grant gets a freshly minted, minutes-long read link for its one blob, and
 * every such open is audited (who the link was for, from where, and that a
 * link was minted until when). The token and the link never reach the audit
 * log or the logs.
 *
 * Guessing is made unrewarding twice over: a token carries 256 bits, and an
 * unknown token costs the same work as a known one (a malformed token is
 * swapped for a well-formed decoy and looked up all the same), so response
 * times do not say whether a token exists. Rate limiting per client is the
 * HTTP layer's job.
 */
import { z } from "zod";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { formatDateTime } from "../format.ts";
import { maskPhoneNumber } from "../phone.ts";
import { dpoNames, findPerson, purposeById } from "../policy/access.ts";
import { hashToken } from "./issue-playback-grant.ts";

/** A playback token as issue-playback-grant mints it: 32 random bytes in base64url. */
export const playbackTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** The margin a minted blob link gets beyond the call's length: long enough to start listening, too short to share usefully. */
export const DEFAULT_SAS_LIFETIME_MS = 5 * 60_000;

/** Looked up in place of a malformed token, so it costs what a real lookup costs. It can never match: no hash of a minted token equals it. */
const DECOY_TOKEN = "A".repeat(43);

/** Client details the HTTP layer saw; recorded with each open. */
export interface OpenPlaybackInput {
  /** The token from the link, untrusted. */
  token: string;
  /** The client's address as the server sees it (after trusted proxies). */
  clientIp: string | null;
  userAgent: string | null;
  /** How long the minted blob link lives; capped by the grant's own expiry. Default 5 minutes plus the call's length. */
  sasLifetimeMs?: number;
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
  /** Live grant: the page, and a read-only link to the audio valid until `audioExpiresAt`. */
  | { outcome: "opened"; view: PlaybackView; audioUrl: string; audioExpiresAt: Date }
  /** Known token whose access has ended (HTTP 410). No link was minted. */
  | { outcome: "ended"; reason: "expired" | "revoked" | "audio-deleted" | "recording-deleted"; organisationName: string; endedAtText: string | null; dpoNames: string }
  /** No such token (HTTP 404). */
  | { outcome: "unknown"; organisationName: string };

export async function openPlayback(ctx: CoreContext, input: OpenPlaybackInput): Promise<OpenPlaybackResult> {
  const store = ctx.recordings;
  if (!store) throw new AppError("STORAGE_ERROR", "Recording storage is not configured, so recordings cannot be played.");
  const tz = ctx.policy.organisation.timeZone;
  const organisationName = ctx.policy.organisation.name;

  // Same work for every input: validate, hash, one indexed lookup.
  const wellFormed = playbackTokenSchema.safeParse(input.token).success;
  const tokenHash = hashToken(wellFormed ? input.token : DECOY_TOKEN);
  const grant = await findGrant(ctx, tokenHash);
  if (!grant || !wellFormed) return { outcome: "unknown", organisationName };

  const now = ctx.clock.now();
  const ended = (reason: "expired" | "revoked" | "audio-deleted" | "recording-deleted", at: Date | null): OpenPlaybackResult => ({
    outcome: "ended",
    reason,
    organisationName,
    endedAtText: at ? formatDateTime(at, tz) : null,
    dpoNames: dpoNames(ctx.policy),
  });
  // Deleted under the retention policy (or erased): the catalogue row is gone and the grant points nowhere.
  if (grant.recordingId === null) return ended("recording-deleted", null);
  if (grant.revokedAt) return ended("revoked", grant.revokedAt);
  if (grant.expiresAt.getTime() <= now.getTime()) return ended("expired", grant.expiresAt);
  const blobName = grant.blobName;
  if (!blobName) return ended("audio-deleted", null);

  // Minted before the transaction so a slow signing-key fetch never holds the
  // audit lock; if the audit write fails, the link is simply never shown.
  // Seeking re-reads the blob, so by default the link also covers the call's
  // own length: someone who starts at once can hear it to the end.
  const lifetime = Math.max(1_000, input.sasLifetimeMs ?? DEFAULT_SAS_LIFETIME_MS + grant.durationSeconds * 1_000);
  const audioExpiresAt = new Date(Math.min(now.getTime() + lifetime, grant.expiresAt.getTime()));
  const contentType = grant.contentType ?? audioContentType(blobName);
  const audioUrl = await store.readUrl(blobName, audioExpiresAt, { contentType });

  const purpose = purposeById(ctx.policy, grant.purposeId);
  try {
    await transact(ctx, async (tx) => {
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
          clientIp: input.clientIp ?? "unknown",
          userAgent: (input.userAgent ?? "").slice(0, 300),
          sasMinted: true,
          sasPermissions: "read",
          sasExpiresAt: audioExpiresAt.toISOString(),
          grantExpiresAt: grant.expiresAt.toISOString(),
        },
      });
      // Checked again under the audit log's lock, which every revocation also
      // takes: one committed before this open is seen here (and this entry
      // rolled back); one committing later is audited after it. A plain read,
      // not a row lock, so no lock-order deadlock with a revocation of several
      // grants at once.
      const [row] = await tx.$queryRaw<{ revokedAt: Date | null }[]>`
        SELECT "revokedAt" FROM "PlaybackGrant" WHERE id = ${grant.id}::uuid`;
      if (!row || row.revokedAt) throw new RevokedMeanwhile(row?.revokedAt ?? now);
    });
  } catch (error) {
    if (error instanceof RevokedMeanwhile) return ended("revoked", error.at);
    throw error;
  }

  return {
    outcome: "opened",
    audioUrl,
    audioExpiresAt,
    view: {
      grantId: grant.id,
      organisationName,
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

/** Rolls back an open whose grant was revoked between the lookup and the audit entry. */
class RevokedMeanwhile extends Error {
  constructor(readonly at: Date) {
    super("the grant was revoked while it was being opened");
  }
}

type GrantRow = {
  id: string;
  requestId: string;
  requesterEmail: string;
  expiresAt: Date;
  revokedAt: Date | null;
  reference: string;
  purposeId: string;
} & (
  | {
      recordingId: string;
      callId: string;
      startedAt: Date;
      durationSeconds: number;
      direction: string;
      externalNumber: string | null;
      blobName: string | null;
      contentType: string | null;
    }
  /** The recording was deleted (retention or erasure): the grant's recordingId was set to null. */
  | { recordingId: null; callId: null; startedAt: null; durationSeconds: null; direction: null; externalNumber: null; blobName: null; contentType: null }
);

/**
 * The grant with its request and recording in one query. One round trip
 * whether or not the token exists: an ORM include would add queries only
 * for a found grant, and that difference is measurable from outside.
 */
async function findGrant(ctx: CoreContext, tokenHash: string): Promise<GrantRow | undefined> {
  const rows = await ctx.db.$queryRaw<GrantRow[]>`
    SELECT g.id, g."requestId", g."requesterEmail", g."expiresAt", g."revokedAt",
           r.reference, r."purposeId",
           c.id AS "recordingId", c."callId", c."startedAt", c."durationSeconds", c.direction::text AS direction,
           c."externalNumber", c."blobName", c."contentType"
    FROM "PlaybackGrant" g
    JOIN "RecordingRequest" r ON r.id = g."requestId"
    LEFT JOIN "Recording" c ON c.id = g."recordingId"
    WHERE g."tokenHash" = ${tokenHash}`;
  return rows[0];
}

/** The blob's type from its extension, for catalogue rows imported without one; browsers refuse to play what they cannot identify. */
function audioContentType(blobName: string): string {
  const extension = blobName.slice(blobName.lastIndexOf(".") + 1).toLowerCase();
  const types: Record<string, string> = { wav: "audio/wav", mp3: "audio/mpeg", m4a: "audio/mp4", mp4: "audio/mp4", ogg: "audio/ogg", opus: "audio/ogg", webm: "audio/webm" };
  return types[extension] ?? "application/octet-stream";
}

/** "2 min 05 s", "45 s". */
function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return minutes > 0 ? `${minutes} min ${String(rest).padStart(2, "0")} s` : `${rest} s`;
}
