/**
 * What the playback page and its audio share: the token's shape, the one-query
 * grant lookup (the same work whether or not the token exists), and the
 * "access has ended" outcome. Both re-check the grant on every request, so a
 * revocation or expiry stops the page and the audio at the next request.
 */
import { z } from "zod";
import type { CoreContext, Tx } from "../context.ts";
import { formatDateTime } from "../format.ts";
import { dpoNames } from "../policy/access.ts";
import { appendAudit } from "../audit/append-audit.ts";
import type { AuditAction } from "../audit/audit-actions.ts";
import { hashToken } from "./issue-playback-grant.ts";

/** A playback token as issue-playback-grant mints it: 32 random bytes in base64url. */
export const playbackTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** Looked up in place of a malformed token, so it costs what a real lookup costs. It can never match: no hash of a minted token equals it. */
const DECOY_TOKEN = "A".repeat(43);
/** Joined in place of a missing or malformed page view id; no view has it (ids are random v4 UUIDs). */
const DECOY_VIEW = "00000000-0000-0000-0000-000000000000";

/** Why a known link no longer plays (HTTP 410). */
export type EndedReason = "expired" | "revoked" | "audio-deleted" | "recording-deleted";

/** A known token whose access has ended. */
export interface PlaybackEnded {
  outcome: "ended";
  reason: EndedReason;
  organisationName: string;
  endedAtText: string | null;
  dpoNames: string;
}

/** No such token (HTTP 404). */
export interface PlaybackUnknown {
  outcome: "unknown";
  organisationName: string;
}

export type GrantRow = {
  id: string;
  requestId: string;
  requesterEmail: string;
  expiresAt: Date;
  revokedAt: Date | null;
  reference: string;
  purposeId: string;
  /** Hashes of the browsers bound to the grant (see playback-browser.ts). */
  browserHashes: string[];
  pendingBrowserHash: string | null;
  allowedOnceHash: string | null;
  /** The page view named by the audio request, when it exists and belongs to this grant. */
  viewId: string | null;
  viewAudioStartedAt: Date | null;
  viewBrowserHash: string | null;
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

export type GrantLookup =
  | { found: false; unknown: PlaybackUnknown }
  | { found: true; grant: GrantRow; ended: PlaybackEnded | null; endedBy(reason: EndedReason, at: Date | null): PlaybackEnded };

/**
 * Finds the grant for an untrusted token (and, for audio, the page view it
 * names) and says whether its access has ended. Same work for every input:
 * validate, hash, one indexed query.
 */
export async function lookUpGrant(ctx: CoreContext, token: string, viewId?: string): Promise<GrantLookup> {
  const organisationName = ctx.policy.organisation.name;
  const wellFormed = playbackTokenSchema.safeParse(token).success;
  const view = viewId !== undefined && z.uuid().safeParse(viewId).success ? viewId : DECOY_VIEW;
  const grant = await findGrant(ctx, hashToken(wellFormed ? token : DECOY_TOKEN), view);
  if (!grant || !wellFormed) return { found: false, unknown: { outcome: "unknown", organisationName } };

  const tz = ctx.policy.organisation.timeZone;
  const endedBy = (reason: EndedReason, at: Date | null): PlaybackEnded => ({
    outcome: "ended",
    reason,
    organisationName,
    endedAtText: at ? formatDateTime(at, tz) : null,
    dpoNames: dpoNames(ctx.policy),
  });
  const now = ctx.clock.now();
  // Deleted under the retention policy (or erased): the catalogue row is gone and the grant points nowhere.
  const ended =
    grant.recordingId === null
      ? endedBy("recording-deleted", null)
      : grant.revokedAt
        ? endedBy("revoked", grant.revokedAt)
        : grant.expiresAt.getTime() <= now.getTime()
          ? endedBy("expired", grant.expiresAt)
          : !grant.blobName
            ? endedBy("audio-deleted", null)
            : null;
  return { found: true, grant, ended, endedBy };
}

/**
 * Checks the grant again inside a transaction that has appended to the audit
 * log. Every revocation takes the audit log's lock too, so one committed
 * before this point is seen here (and the caller's entry rolled back by the
 * throw); one committing later is audited after it. A plain read, not a row
 * lock, so no lock-order deadlock with a revocation of several grants at once.
 */
export async function assertNotRevokedMeanwhile(tx: Tx, grantId: string, now: Date): Promise<void> {
  const [row] = await tx.$queryRaw<{ revokedAt: Date | null }[]>`
    SELECT "revokedAt" FROM "PlaybackGrant" WHERE id = ${grantId}::uuid`;
  if (!row || row.revokedAt) throw new RevokedMeanwhile(row?.revokedAt ?? now);
}

/** Rolls back an open whose grant was revoked between the lookup and the audit entry. */
export class RevokedMeanwhile extends Error {
  constructor(readonly at: Date) {
    super("the grant was revoked while it was being opened");
  }
}

/**
 * The grant with its request, recording and (for audio) page view in one
 * query. One round trip whether or not the token exists: an ORM include would
 * add queries only for a found grant, and that difference is measurable from
 * outside.
 */
async function findGrant(ctx: CoreContext, tokenHash: string, viewId: string): Promise<GrantRow | undefined> {
  const rows = await ctx.db.$queryRaw<GrantRow[]>`
    SELECT g.id, g."requestId", g."requesterEmail", g."expiresAt", g."revokedAt",
           g."browserHashes", g."pendingBrowserHash", g."allowedOnceHash",
           r.reference, r."purposeId",
           c.id AS "recordingId", c."callId", c."startedAt", c."durationSeconds", c.direction::text AS direction,
           c."externalNumber", c."blobName", c."contentType",
           v.id AS "viewId", v."audioStartedAt" AS "viewAudioStartedAt", v."browserHash" AS "viewBrowserHash"
    FROM "PlaybackGrant" g
    JOIN "RecordingRequest" r ON r.id = g."requestId"
    LEFT JOIN "Recording" c ON c.id = g."recordingId"
    LEFT JOIN "PlaybackView" v ON v.id = ${viewId}::uuid AND v."grantId" = g.id
    WHERE g."tokenHash" = ${tokenHash}`;
  return rows[0];
}

/** The blob's type from its extension, for catalogue rows imported without one; browsers refuse to play what they cannot identify. */
export function audioContentType(blobName: string): string {
  const extension = blobName.slice(blobName.lastIndexOf(".") + 1).toLowerCase();
  const types: Record<string, string> = { wav: "audio/wav", mp3: "audio/mpeg", m4a: "audio/mp4", mp4: "audio/mp4", ogg: "audio/ogg", opus: "audio/ogg", webm: "audio/webm" };
  return types[extension] ?? "application/octet-stream";
}

/** The grant fields an audit entry about it names. */
type AuditedGrant = Pick<GrantRow, "id" | "requestId" | "requesterEmail" | "purposeId">;

/**
 * Writes an audit entry about what happened to a grant through its link. The
 * actor is always the grant's requester: the link is theirs, whoever holds it.
 * `client` adds the address and browser the request came from.
 */
export function auditGrantEvent(
  tx: Tx,
  grant: AuditedGrant,
  entry: { at: Date; action: AuditAction; details: Record<string, unknown>; client?: { clientIp?: string | null; userAgent?: string | null } },
): ReturnType<typeof appendAudit> {
  const client = entry.client ? { clientIp: entry.client.clientIp ?? "unknown", userAgent: (entry.client.userAgent ?? "").slice(0, 300) } : {};
  return appendAudit(tx, {
    at: entry.at,
    actor: grant.requesterEmail,
    action: entry.action,
    subjectType: "grant",
    subjectId: grant.id,
    requestId: grant.requestId,
    purposeId: grant.purposeId,
    details: { ...entry.details, ...client },
  });
}
