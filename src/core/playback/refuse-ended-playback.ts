/**
 * Someone opened a playback link whose access has ended (expired, revoked,
 * or its recording deleted): the page says so (HTTP 410), and the attempt is
 * on record against the grant's requester, the only person the link was
 * ever for. A token matching no grant is not audited: there is nobody known
 * to record it against, and the HTTP layer rate-limits and logs such guesses.
 *
 * An ended link is recorded once an hour at most: reloads, a browser's
 * retries and chat link previews would otherwise fill the log with one
 * attempt, and the write would make an ended link answer measurably slower
 * than an unknown token (playback-timing.test.ts), where the one indexed
 * look-up that decides it costs next to nothing.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { auditGrantEvent, type PlaybackEnded } from "./playback-grant.ts";

/** The grant as open-playback looked it up. */
export interface EndedGrant {
  id: string;
  requestId: string;
  requesterEmail: string;
  purposeId: string;
}

/** How long one recorded open of an ended link stands for the ones after it. */
export const ENDED_OPEN_AUDIT_INTERVAL_MS = 60 * 60_000;

/** Commits `playback.refused` (code LINK_ENDED, and why) unless one was in the last hour, and returns `ended` for the page. */
export async function refuseEndedPlayback(ctx: CoreContext, grant: EndedGrant, ended: PlaybackEnded, client: { clientIp: string | null; userAgent: string | null }): Promise<PlaybackEnded> {
  const now = ctx.clock.now();
  if (await recordedRecently(ctx, grant.id, now)) return ended;
  await transact(ctx, (tx) =>
    auditGrantEvent(tx, grant, { at: now, action: "playback.refused", details: { code: "LINK_ENDED", reason: ended.reason }, client }),
  );
  return ended;
}

/** Never a grant's id (ids are random v4 UUIDs), so the look-up for an unknown token finds nothing. */
const DECOY_GRANT = "00000000-0000-0000-0000-000000000000";

/**
 * The look-up refuseEndedPlayback makes, made for an unknown token too, so
 * an ended link and a guess cost the same work (playback-timing.test.ts).
 */
export async function matchEndedPlaybackWork<T>(ctx: CoreContext, unknown: T): Promise<T> {
  await recordedRecently(ctx, DECOY_GRANT, ctx.clock.now());
  return unknown;
}

async function recordedRecently(ctx: CoreContext, grantId: string, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - ENDED_OPEN_AUDIT_INTERVAL_MS);
  const recent = await ctx.db.$queryRaw<unknown[]>`
    SELECT 1 FROM "AuditEntry"
    WHERE action = 'playback.refused' AND at >= ${since} AND "subjectId" = ${grantId} AND details->>'code' = 'LINK_ENDED' LIMIT 1`;
  return recent.length > 0;
}
