/**
 * Archived audio (retention.archive, ECS: "Call recordings will periodically
 * be archived") brought back when someone needs it. Cool and Cold blobs play
 * at once; an Archive-tier blob must be rehydrated to Hot first, which Azure
 * does in the background (up to 15 hours at standard priority). Callgate marks
 * the recording `rehydratingSince` in the transaction that needs it (database
 * work only); jobs/rehydrate-recordings.ts asks storage for the tier change
 * after commit and completes the wait once the blob's archive status clears.
 */
import type { Recording } from "../../generated/prisma/client.ts";
import type { CoreContext, Db, Tx } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";

/** A notice held back until this instant waits for the job to release it (the outbox claims by nextAttemptAt). */
export const HELD_UNTIL = new Date("9999-12-31T00:00:00.000Z");

/** The one tier whose audio cannot be read until it is rehydrated. */
export const ARCHIVE_TIER = "Archive";

/**
 * Asks for the recording's audio back (idempotent: a rehydration already
 * asked for is not asked again). `why` names what waits ("CG-000123",
 * "subject data export").
 */
export async function requestRehydration(tx: Tx, recording: Pick<Recording, "id" | "callId">, actor: string, why: string, now: Date): Promise<boolean> {
  const { count } = await tx.recording.updateMany({ where: { id: recording.id, accessTier: { not: null }, rehydratingSince: null }, data: { rehydratingSince: now } });
  if (count !== 1) return false;
  await appendAudit(tx, { at: now, actor, action: "recording.rehydration-requested", subjectType: "recording", subjectId: recording.id, details: { callId: recording.callId, why } });
  return true;
}

/** Of these recordings, those whose audio is in the Archive tier and so cannot be read until it is brought back. */
export async function findArchived(db: Db | Tx, recordingIds: readonly string[]): Promise<Pick<Recording, "id" | "callId">[]> {
  if (recordingIds.length === 0) return [];
  return db.recording.findMany({ where: { id: { in: [...recordingIds] }, blobName: { not: null }, accessTier: ARCHIVE_TIER }, select: { id: true, callId: true }, orderBy: { startedAt: "asc" } });
}

/**
 * Asks every archived recording among these back (for an export or a subject
 * access bundle that needs their audio), in the caller's transaction, and
 * returns them; empty when none is archived. Database work only: the
 * rehydrate job asks storage after commit.
 */
export async function askArchivedBack(tx: Tx, recordingIds: readonly string[], actor: string, why: string, now: Date): Promise<Pick<Recording, "id" | "callId">[]> {
  const archived = await findArchived(tx, recordingIds);
  for (const r of archived) await requestRehydration(tx, r, actor, why, now);
  return archived;
}

/** "2 recordings are being retrieved from the archive, which can take up to 15 hours." */
export function archiveRetrievalText(count: number): string {
  return `${count === 1 ? "One recording is" : `${count} recordings are`} being retrieved from the archive, which can take up to 15 hours.`;
}

/**
 * A link to an archived recording: its access-granted notice (which carries
 * the token) is written held, the requester is told the recording is being
 * retrieved from the archive, and the rehydration is asked for.
 */
export async function holdGrantForArchive(
  tx: Tx,
  _ctx: CoreContext,
  grant: { grantId: string; requestId: string; reference: string; requesterEmail: string; token: string },
  recording: Pick<Recording, "id" | "callId">,
  actor: string,
  now: Date,
): Promise<void> {
  const notice = await tx.outboxMessage.create({
    data: { recipientEmail: grant.requesterEmail, kind: "access-granted", requestId: grant.requestId, payload: { grantId: grant.grantId, token: grant.token }, nextAttemptAt: HELD_UNTIL, createdAt: now },
    select: { id: true },
  });
  await tx.playbackGrant.update({ where: { id: grant.grantId }, data: { heldNoticeId: notice.id } });
  await requestRehydration(tx, recording, actor, grant.reference, now);
  await enqueueNotices(tx, now, [
    {
      to: grant.requesterEmail,
      kind: "compliance-notice",
      requestId: grant.requestId,
      payload: {
        title: `${grant.reference}: being retrieved from the archive`,
        lines: [
          `Your request ${grant.reference} was authorised. The recording is being retrieved from the archive, which can take up to 15 hours.`,
          "Your playback link will be sent as soon as it is back, and your time to listen starts then.",
        ],
      },
    },
  ]);
}
