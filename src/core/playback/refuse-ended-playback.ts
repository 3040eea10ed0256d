/**
 * Someone opened a playback link whose access has ended (expired, revoked,
 * or its recording deleted): the page says so (HTTP 410), and the attempt is
 * on record against the grant's requester, the only person the link was
 * ever for. A token matching no grant is not audited: there is nobody known
 * to record it against, and the HTTP layer rate-limits and logs such guesses.
 * (An ended link already answers differently from an unknown one, 410 against
 * 404, so the audit write tells a timing observer nothing new.)
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import type { PlaybackEnded } from "./playback-grant.ts";

/** The grant as open-playback looked it up. */
export interface EndedGrant {
  id: string;
  requestId: string;
  requesterEmail: string;
  purposeId: string;
}

/** Commits `playback.refused` (code LINK_ENDED, and why) and returns `ended` for the page. */
export async function refuseEndedPlayback(ctx: CoreContext, grant: EndedGrant, ended: PlaybackEnded, client: { clientIp: string | null; userAgent: string | null }): Promise<PlaybackEnded> {
  await transact(ctx, (tx) =>
    appendAudit(tx, {
      at: ctx.clock.now(),
      actor: grant.requesterEmail,
      action: "playback.refused",
      subjectType: "grant",
      subjectId: grant.id,
      requestId: grant.requestId,
      purposeId: grant.purposeId,
      details: { code: "LINK_ENDED", reason: ended.reason, clientIp: client.clientIp ?? "unknown", userAgent: (client.userAgent ?? "").slice(0, 300) },
    }),
  );
  return ended;
}
