/**
 * The requester clicked "Allow this browser" on the message saying their
 * playback link was opened in a browser it is not bound to. That one browser
 * may then open the link once more (the allowance is used by that open); it
 * does not join the browsers bound to the link, so a forwarded link stays
 * useless after one listen. Only the requester may allow, only while access
 * lasts, and only the browser the message was about: a later refusal
 * replaces it, and the button then allows nothing.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";

export interface ConfirmPlaybackBrowserInput {
  grantId: string;
  /** Which refused browser the message was about (its pendingBrowserId). */
  pendingId: string;
  /** Who clicked. */
  requesterEmail: string;
}

export async function confirmPlaybackBrowser(ctx: CoreContext, input: ConfirmPlaybackBrowserInput): Promise<{ reference: string }> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (!uuid.test(input.grantId) || !uuid.test(input.pendingId)) throw new AppError("INVALID_INPUT", "That button does not name a playback link.");
  return transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const grant = await tx.playbackGrant.findUnique({ where: { id: input.grantId }, include: { request: { select: { reference: true, purposeId: true } } } });
    if (!grant) throw new AppError("NOT_FOUND", "That playback link no longer exists.");
    if (grant.requesterEmail.toLowerCase() !== input.requesterEmail.toLowerCase()) {
      throw new AppError("FORBIDDEN", "Only the person who asked for the recording can allow another browser to play it.");
    }
    if (grant.revokedAt || grant.expiresAt.getTime() <= now.getTime() || grant.recordingId === null) {
      throw new AppError("TOO_LATE", `Access to the recording for ${grant.request.reference} has ended, so no browser can play it now.`);
    }
    if (grant.pendingBrowserId !== input.pendingId || !grant.pendingBrowserHash) {
      throw new AppError("ALREADY_DONE", "That browser was already allowed, or another browser has opened the link since: use the newest message about it.");
    }
    // Conditional on the pending browser the click was about, so two clicks allow it once.
    const { count } = await tx.playbackGrant.updateMany({
      where: { id: grant.id, pendingBrowserId: input.pendingId },
      data: { allowedOnceHash: grant.pendingBrowserHash, pendingBrowserId: null, pendingBrowserHash: null, pendingBrowserAt: null },
    });
    if (count !== 1) throw new AppError("ALREADY_DONE", "That browser was already allowed.");
    await appendAudit(tx, {
      at: now,
      actor: grant.requesterEmail,
      action: "playback.browser-allowed",
      subjectType: "grant",
      subjectId: grant.id,
      requestId: grant.requestId,
      purposeId: grant.request.purposeId,
      details: { pendingId: input.pendingId, seenAt: grant.pendingBrowserAt?.toISOString() ?? null, allowed: "one open" },
    });
    return { reference: grant.request.reference };
  });
}
