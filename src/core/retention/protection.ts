/**
 * What keeps a recording from deletion, by retention or erasure alike:
 * - an unreleased hold on it (legal hold, subject access, investigation, or
 *   a preservation whose period has not ended: `keepUntil`);
 * - an open subject access request listing it;
 * - an open request it is linked to, or whose time window and site it falls
 *   in (the call someone is waiting to hear may be this one);
 * - a playback grant on it that is still live (not revoked, not expired).
 *
 * Written as SQL so the sweep asks the database once per page rather than
 * once per recording; the sub-selects are uncorrelated, so PostgreSQL hashes
 * them once per statement.
 */
import { Prisma } from "../../generated/prisma/client.ts";
import type { Db, Tx } from "../context.ts";

/** Request states that are still in progress (requests/request-lifecycle.ts OPEN_STATUSES). Constants, never input. */
const OPEN_REQUEST_STATES = Prisma.raw(`('PENDING_APPROVAL', 'AWAITING_CONSENT', 'AWAITING_FULFILMENT')`);

/** A hold (alias h) that protects now: not released, and (a preservation) within its period. */
export function activeHoldSql(now: Date): Prisma.Sql {
  return Prisma.sql`(h."releasedAt" IS NULL AND (h."keepUntil" IS NULL OR h."keepUntil" > ${now}))`;
}

/** True for a protected recording; `alias` is the Recording table's alias in the caller's query. */
export function protectedSql(now: Date, alias = "r"): Prisma.Sql {
  const r = (name: string) => Prisma.raw(`${alias}."${name}"`);
  return Prisma.sql`(
    ${r("id")} IN (SELECT hr."recordingId" FROM "HeldRecording" hr JOIN "Hold" h ON h.id = hr."holdId" WHERE ${activeHoldSql(now)})
    OR ${r("id")} IN (SELECT si."recordingId" FROM "SubjectAccessItem" si JOIN "SubjectAccessRequest" s ON s.id = si."sarId" WHERE s.status = 'OPEN')
    OR ${r("id")} IN (SELECT q."recordingId" FROM "RecordingRequest" q WHERE q."recordingId" IS NOT NULL AND q.status IN ${OPEN_REQUEST_STATES})
    OR ${r("id")} IN (SELECT g."recordingId" FROM "PlaybackGrant" g WHERE g."recordingId" IS NOT NULL AND g."revokedAt" IS NULL AND g."expiresAt" > ${now})
    OR EXISTS (SELECT 1 FROM "RecordingRequest" w WHERE w.status IN ${OPEN_REQUEST_STATES}
               AND ${r("startedAt")} BETWEEN w."windowStart" AND w."windowEnd"
               AND (w."siteId" IS NULL OR w."siteId" = ${r("siteId")}))
  )`;
}

/** Of these recordings, the ones protected now. Run after locking them, so a hold committed meanwhile is seen. */
export async function protectedAmong(db: Db | Tx, ids: readonly string[], now: Date): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT r.id::text AS id FROM "Recording" r WHERE r.id = ANY(${[...ids]}::text[]::uuid[]) AND ${protectedSql(now)}`;
  return new Set(rows.map((row) => row.id));
}

/**
 * Why each of these recordings is protected, in words for the DPO
 * ("hold HOLD-000002 (legal)", "open request CG-000123"). Recordings
 * that are not protected are absent from the map.
 */
export async function protectionReasons(db: Db | Tx, ids: readonly string[], now: Date): Promise<Map<string, string[]>> {
  const reasons = new Map<string, string[]>();
  if (ids.length === 0) return reasons;
  const list = Prisma.sql`${[...ids]}::text[]::uuid[]`;
  const rows = await db.$queryRaw<{ id: string; why: string }[]>`
    SELECT hr."recordingId"::text AS id, 'hold ' || h.reference || ' (' || lower(replace(h.kind::text, '_', ' ')) || ')' AS why
      FROM "HeldRecording" hr JOIN "Hold" h ON h.id = hr."holdId"
      WHERE hr."recordingId" = ANY(${list}) AND ${activeHoldSql(now)}
    UNION
    SELECT si."recordingId"::text, 'open subject access request ' || s.reference
      FROM "SubjectAccessItem" si JOIN "SubjectAccessRequest" s ON s.id = si."sarId"
      WHERE si."recordingId" = ANY(${list}) AND s.status = 'OPEN'
    UNION
    SELECT q."recordingId"::text, 'open request ' || q.reference
      FROM "RecordingRequest" q
      WHERE q."recordingId" = ANY(${list}) AND q.status IN ${OPEN_REQUEST_STATES}
    UNION
    SELECT g."recordingId"::text, 'live playback link for ' || q.reference
      FROM "PlaybackGrant" g JOIN "RecordingRequest" q ON q.id = g."requestId"
      WHERE g."recordingId" = ANY(${list}) AND g."revokedAt" IS NULL AND g."expiresAt" > ${now}
    UNION
    SELECT r.id::text, 'open request ' || w.reference
      FROM "Recording" r JOIN "RecordingRequest" w
        ON w.status IN ${OPEN_REQUEST_STATES} AND r."startedAt" BETWEEN w."windowStart" AND w."windowEnd" AND (w."siteId" IS NULL OR w."siteId" = r."siteId")
      WHERE r.id = ANY(${list})
    ORDER BY 2`;
  for (const row of rows) {
    const list = reasons.get(row.id) ?? [];
    list.push(row.why);
    reasons.set(row.id, list);
  }
  return reasons;
}
