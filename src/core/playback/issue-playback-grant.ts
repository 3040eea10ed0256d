/**
 * Gives the requester, and only the requester, time-limited access to the one
 * recording their request was authorised for. The token is unguessable (256
 * bits) and only its hash is stored; the raw token travels once, in the
 * outbox, to the requester's direct message, and is scrubbed after delivery.
 *
 * The link never keeps the recording past its retention: it expires when the
 * recording becomes due for deletion (retention/deletion-due.ts) if that comes
 * before the access window ends, and jobs/notify-grant-deletion.ts tells the
 * requester `playback.deletionNotice` before. A recording in the Archive tier
 * cannot be played until it is rehydrated: its access-granted notice (with the
 * token) waits in the outbox, the requester is told it is being retrieved, and
 * jobs/rehydrate-recordings.ts releases the notice once the audio is back.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Recording } from "../../generated/prisma/client.ts";
import type { CoreContext, Tx } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { addDuration } from "../policy/duration.ts";
import { purposeById } from "../policy/access.ts";
import { capAtDeletion, deletionDueAt } from "../retention/deletion-due.ts";
import { ARCHIVE_TIER, holdGrantForArchive } from "../recordings/rehydrate-recording.ts";
import type { RequestWithDecisions } from "../requests/load-request.ts";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function issuePlaybackGrant(
  tx: Tx,
  ctx: CoreContext,
  request: RequestWithDecisions,
  recording: Recording,
  actor: string,
  now: Date,
): Promise<{ grantId: string; expiresAt: Date }> {
  const purpose = purposeById(ctx.policy, request.purposeId);
  const windowEnd = addDuration(now, purpose.accessWindow ?? ctx.policy.playback.accessWindow);
  const dueAt = await deletionDueAt(tx, ctx.policy, recording, now);
  const { expiresAt, endsAtDeletion } = capAtDeletion(now, windowEnd, dueAt, ctx.policy.playback.deletionNotice);
  const token = randomBytes(32).toString("base64url");
  const archived = recording.accessTier === ARCHIVE_TIER;
  const grant = await tx.playbackGrant.create({
    data: { requestId: request.id, recordingId: recording.id, requesterEmail: request.requesterEmail, tokenHash: hashToken(token), issuedAt: now, expiresAt },
  });
  await appendAudit(tx, {
    at: now,
    actor,
    action: "grant.issued",
    subjectType: "grant",
    subjectId: grant.id,
    requestId: request.id,
    purposeId: request.purposeId,
    details: {
      recordingId: recording.id,
      callId: recording.callId,
      requester: request.requesterEmail,
      expiresAt: expiresAt.toISOString(),
      ...(endsAtDeletion ? { endsAtDeletion: true } : {}),
      ...(archived ? { waitingForArchive: true } : {}),
    },
  });
  if (archived) {
    await holdGrantForArchive(tx, ctx, { grantId: grant.id, requestId: request.id, reference: request.reference, requesterEmail: request.requesterEmail, token }, recording, actor, now);
  } else {
    await enqueueNotices(tx, now, [{ to: request.requesterEmail, kind: "access-granted", requestId: request.id, payload: { grantId: grant.id, token } }]);
  }
  return { grantId: grant.id, expiresAt };
}
