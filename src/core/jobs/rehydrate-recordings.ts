/**
 * Scheduled, every few minutes: brings back archived recordings someone is
 * waiting for (marked `rehydratingSince` by a playback link, an export, a
 * subject access bundle or a request); a bundle held for them is released to
 * be made once all its archived calls are back. Asks storage to move each to Hot; once the blob reads again (its
 * archive status cleared; at once for Cool and Cold, and in Azurite), the
 * catalogue says Hot, each held access-granted notice is released, the link's
 * time starts again from now (still capped at the recording's deletion), and
 * everything is audited. Each completion is claimed by a conditional update,
 * so several instances release a notice once.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { isAppError } from "../errors.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { peopleWithRoles, purposeById } from "../policy/access.ts";
import { addDuration } from "../policy/duration.ts";
import { capAtDeletion, deletionDueAt } from "../retention/deletion-due.ts";
import { releaseWaitingBundles } from "../subject-access/prepare-subject-access-bundle.ts";

export interface RehydrateResult {
  /** Back and readable; their waiting links released. */
  completed: number;
  /** Still being retrieved from the archive. */
  pending: number;
  released: number;
}

export async function rehydrateRecordings(ctx: CoreContext, options: { batchSize?: number } = {}): Promise<RehydrateResult> {
  const store = ctx.recordings;
  const result: RehydrateResult = { completed: 0, pending: 0, released: 0 };
  if (!store?.tierOf || !store.setTier) return result;
  const waiting = await ctx.db.recording.findMany({ where: { rehydratingSince: { not: null } }, orderBy: { rehydratingSince: "asc" }, take: options.batchSize ?? 100 });
  for (const recording of waiting) {
    if (!recording.blobName) continue;
    let status;
    try {
      status = await store.tierOf(recording.blobName);
    } catch (error) {
      // The audio went meanwhile: nothing to bring back; the sweep and the link say so.
      if (isAppError(error) && error.code === "NOT_FOUND") status = { tier: undefined, rehydrating: false };
      else throw error;
    }
    if (status.rehydrating) {
      result.pending++;
      continue;
    }
    if (status.tier && status.tier !== "Hot") {
      await store.setTier(recording.blobName, "Hot");
      // Archive to Hot is only begun; Cool and Cold (and Azurite) are done at once.
      const after = await store.tierOf(recording.blobName);
      if (after.rehydrating || after.tier === "Archive") {
        result.pending++;
        continue;
      }
    }
    const released = await transact(ctx, async (tx) => {
      const now = ctx.clock.now();
      const { count } = await tx.recording.updateMany({ where: { id: recording.id, rehydratingSince: { not: null } }, data: { accessTier: null, rehydratingSince: null } });
      if (count !== 1) return -1;
      const grants = await tx.playbackGrant.findMany({ where: { recordingId: recording.id, heldNoticeId: { not: null }, revokedAt: null }, include: { request: { select: { reference: true, purposeId: true } } } });
      const dueAt = await deletionDueAt(tx, ctx.policy, recording, now);
      for (const grant of grants) {
        const purpose = purposeById(ctx.policy, grant.request.purposeId);
        const { expiresAt } = capAtDeletion(now, addDuration(now, purpose.accessWindow ?? ctx.policy.playback.accessWindow), dueAt, ctx.policy.playback.deletionNotice);
        await tx.playbackGrant.update({ where: { id: grant.id }, data: { heldNoticeId: null, expiresAt } });
        await tx.outboxMessage.updateMany({ where: { id: grant.heldNoticeId!, status: "PENDING" }, data: { nextAttemptAt: now } });
        await appendAudit(tx, { at: now, actor: "system", action: "grant.released", subjectType: "grant", subjectId: grant.id, requestId: grant.requestId, purposeId: grant.request.purposeId, details: { expiresAt: expiresAt.toISOString(), waitedFrom: recording.rehydratingSince!.toISOString() } });
      }
      await appendAudit(tx, { at: now, actor: "system", action: "recording.rehydrated", subjectType: "recording", subjectId: recording.id, details: { callId: recording.callId, from: recording.accessTier, links: grants.length } });
      // Links already out whose audio was found archived at playback: their requesters were told to wait.
      const live = await tx.playbackGrant.findMany({ where: { recordingId: recording.id, id: { notIn: grants.map((g) => g.id) }, heldNoticeId: null, revokedAt: null, expiresAt: { gt: now } }, include: { request: { select: { reference: true } } } });
      await enqueueNotices(tx, now, live.map((g) => ({ to: g.requesterEmail, kind: "compliance-notice" as const, requestId: g.requestId, payload: { title: `${g.request.reference}: back from the archive`, lines: ["The recording has been retrieved; your playback link plays again."] } })));
      // A subject access bundle waiting for it goes on by itself once all its archived calls are back.
      const bundles = await releaseWaitingBundles(tx, recording.id, now);
      if (grants.length === 0 && live.length === 0 && bundles === 0) {
        // Asked back for an export: the DPO can go on.
        const dpos = peopleWithRoles(ctx.policy, ctx.policy.compliance.dpoRoles);
        await enqueueNotices(tx, now, dpos.map((p) => ({ to: p.email, kind: "compliance-notice" as const, payload: { title: `Call ${recording.callId} is back from the archive`, lines: ["Its audio can be played and exported again. Run the export that was waiting for it."] } })));
      }
      return grants.length;
    });
    if (released < 0) continue;
    result.completed++;
    result.released += released;
  }
  return result;
}
