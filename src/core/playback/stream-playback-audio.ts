/**
 * The playback page's player fetches the audio, usually as many HTTP Range
 * requests. Each one re-checks the grant, so a revocation or expiry stops the
 * audio at the next request (410), not when some link expires; and each names
 * the page view it belongs to, so the audio cannot be fetched without opening
 * the (audited) page, and plays only in the browser that opened that view
 * (so a copied audio URL does not play elsewhere).
 *
 * Auditing: the first audio fetch of each page view is audited, once, in the
 * transaction that marks the view started; the Range requests that follow
 * (seeking, buffering) are not, so a player's request flood cannot flood the
 * log, and every entry still ties to an audited page open. Each response is
 * at most `maxChunkBytes` long, so even a request that asked for everything
 * is answered in pieces, each re-checked.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { AppError, isAppError } from "../errors.ts";
import { requestRehydration } from "../recordings/rehydrate-recording.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import type { BlobRange, ByteRange } from "../ports/recording-store.ts";
import { browserHashOf } from "./playback-browser.ts";
import { assertNotRevokedMeanwhile, audioContentType, auditGrantEvent, lookUpGrant, RevokedMeanwhile, type PlaybackEnded, type PlaybackUnknown } from "./playback-grant.ts";

/** Default longest response: 1 MiB (about a minute of telephone-quality WAV). */
export const DEFAULT_MAX_CHUNK_BYTES = 1024 * 1024;

export interface StreamPlaybackAudioInput {
  /** The token from the link, untrusted. */
  token: string;
  /** The page view the player was given, untrusted. */
  viewId: string;
  /** The browser secret from the browser's cookie, untrusted. */
  browserSecret: string | null;
  /** The bytes asked for; null for the whole recording (no Range header). */
  range: ByteRange | null;
  clientIp: string | null;
  userAgent: string | null;
  /** Longest response when a range was asked for; default DEFAULT_MAX_CHUNK_BYTES. */
  maxChunkBytes?: number;
  /** Aborts the read from storage when the client goes away. */
  signal?: AbortSignal;
}

export type StreamPlaybackAudioResult =
  /** Audio bytes: `partial` when answering a range (HTTP 206), otherwise the whole recording (200). */
  | { outcome: "audio"; contentType: string; partial: boolean; bytes: Extract<BlobRange, { outcome: "bytes" }> }
  /** Not the browser that opened the page view (HTTP 403). */
  | { outcome: "refused" }
  /** The range starts past the end (HTTP 416). */
  | { outcome: "unsatisfiable"; totalBytes: number }
  | PlaybackEnded
  /** No such token, or no such page view for it (HTTP 404). */
  | PlaybackUnknown;

export async function streamPlaybackAudio(ctx: CoreContext, input: StreamPlaybackAudioInput): Promise<StreamPlaybackAudioResult> {
  const store = ctx.recordings;
  if (!store) throw new AppError("STORAGE_ERROR", "Recording storage is not configured, so recordings cannot be played.");
  const lookup = await lookUpGrant(ctx, input.token, input.viewId);
  if (!lookup.found) return lookup.unknown;
  if (lookup.ended) return lookup.ended;
  const grant = lookup.grant;
  if (grant.recordingId === null || !grant.blobName) throw new Error("unreachable: a grant without audio has ended");
  // A view of another grant, or none: the page was not opened for this audio.
  if (!grant.viewId) return { outcome: "unknown", organisationName: ctx.policy.organisation.name };
  // The page open that created the view was checked (and audited) for this browser; another browser is refused.
  const presented = browserHashOf(input.browserSecret);
  if (!presented || presented !== grant.viewBrowserHash) return { outcome: "refused" };

  if (!grant.viewAudioStartedAt) {
    const now = ctx.clock.now();
    try {
      await transact(ctx, async (tx) => {
        // Only the first request of the view to get here writes; concurrent first requests do not.
        const { count } = await tx.playbackView.updateMany({ where: { id: grant.viewId!, audioStartedAt: null }, data: { audioStartedAt: now } });
        if (count !== 1) return;
        await auditGrantEvent(tx, grant, { at: now, action: "playback.audio-started", details: { recordingId: grant.recordingId, viewId: grant.viewId }, client: input });
        await assertNotRevokedMeanwhile(tx, grant.id, now);
      });
    } catch (error) {
      if (error instanceof RevokedMeanwhile) return lookup.endedBy("revoked", error.at);
      throw error;
    }
  }

  const max = Math.max(1, input.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES);
  const range: ByteRange = input.range === null ? { offset: 0 } : "suffix" in input.range ? { suffix: Math.min(input.range.suffix, max) } : { offset: input.range.offset, count: Math.min(input.range.count ?? max, max) };
  let bytes: BlobRange;
  try {
    bytes = await store.readRange(grant.blobName, range, { signal: input.signal });
  } catch (error) {
    // The blob went (deleted outside Callgate, or mid-erasure) after the catalogue said it was there.
    if (isAppError(error) && error.code === "NOT_FOUND") return lookup.endedBy("audio-deleted", null);
    // Archived after the link was issued (or outside Callgate): never a silent failure. The
    // catalogue learns the tier, the audio is asked back, and the listener gets the store's words.
    if (isAppError(error) && error.field === "archived") {
      const recording = { id: grant.recordingId, callId: grant.callId };
      await transact(ctx, async (tx) => {
        await tx.recording.updateMany({ where: { id: recording.id, accessTier: null }, data: { accessTier: "Archive" } });
        const now = ctx.clock.now();
        if (await requestRehydration(tx, recording, grant.requesterEmail, grant.reference, now)) {
          await enqueueNotices(tx, now, [
            {
              to: grant.requesterEmail,
              kind: "compliance-notice",
              requestId: grant.requestId,
              payload: { title: `${grant.reference}: being retrieved from the archive`, lines: ["The recording has been moved to the archive, so it cannot play just now. It is being retrieved, which can take up to 15 hours; you will be told when your link plays again."] },
            },
          ]);
        }
      });
    }
    throw error;
  }
  if (bytes.outcome === "unsatisfiable") return bytes;
  return { outcome: "audio", contentType: grant.contentType ?? audioContentType(grant.blobName), partial: input.range !== null, bytes };
}
