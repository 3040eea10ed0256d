/**
 * Gives the requester, and only the requester, time-limited access to the one
 * recording their request was authorised for. The token is unguessable (256
 * bits) and only its hash is stored; the raw token travels once, in the
 * outbox, to the requester's direct message, and is scrubbed after delivery.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Recording } from "../../generated/prisma/client.ts";
import type { CoreContext, Tx } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { addDuration } from "../policy/duration.ts";
import { purposeById } from "../policy/access.ts";
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
  const expiresAt = addDuration(now, purpose.accessWindow ?? ctx.policy.playback.accessWindow);
  const token = randomBytes(32).toString("base64url");
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
    details: { recordingId: recording.id, callId: recording.callId, requester: request.requesterEmail, expiresAt: expiresAt.toISOString() },
  });
  await enqueueNotices(tx, now, [{ to: request.requesterEmail, kind: "access-granted", requestId: request.id, payload: { grantId: grant.id, token } }]);
  return { grantId: grant.id, expiresAt };
}
