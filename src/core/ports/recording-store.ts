/**
 * Where recordings' audio lives (Azure Blob Storage in production, Azurite
 * locally). The core lists and deletes; it reads audio bytes to stream them
 * to a playback page (through Callgate, never by a link to the store) and to
 * put them in a bundle for the DPO.
 */
import type { Readable } from "node:stream";

/** One blob as the phone system exported it, with its metadata. */
export interface StoredRecording {
  blobName: string;
  contentType: string | undefined;
  sizeBytes: number | undefined;
  /** Blob metadata, keys lower-cased (see docs/recording-convention.md). */
  metadata: Record<string, string>;
}

export interface RecordingPage {
  items: StoredRecording[];
  /** Pass back to continue; undefined when the listing is complete. */
  continuationToken: string | undefined;
}

export interface RecordingStore {
  /** Lists one page of the container, in name order, with metadata. */
  listPage(continuationToken: string | undefined, pageSize: number): Promise<RecordingPage>;
  /**
   * Streams part of one blob: `count` bytes from `offset`, or to the end when
   * `count` is undefined. Resolves once the store has answered, with the bytes
   * it will send and the blob's whole size; `unsatisfiable` when `offset` is
   * at or past the end. Only the bytes reach the caller: none of the blob's
   * metadata does. Throws STORAGE_ERROR, or NOT_FOUND if the blob is gone.
   */
  readRange(blobName: string, range: ByteRange, options?: { signal?: AbortSignal }): Promise<BlobRange>;
  /** The audio itself, for a bundle the DPO prepares (subject access, disclosure, portability). */
  read(blobName: string): Promise<Buffer>;
  /** Deletes a blob; resolves quietly if it is already gone. */
  delete(blobName: string): Promise<void>;
  /** Answers whether the store can be reached (for /readyz). */
  ping(): Promise<void>;
  /**
   * Moves a blob to an access tier (retention.archive; back to Hot to
   * rehydrate). From Archive to Hot the change is only begun: the blob stays
   * unreadable until `tierOf` no longer reports it rehydrating. Stores without
   * tiers leave this out, and Callgate never archives on them.
   */
  setTier?(blobName: string, tier: AccessTier): Promise<void>;
  /** The blob's tier now, and whether a rehydration from Archive is still pending. NOT_FOUND if the blob is gone. */
  tierOf?(blobName: string): Promise<TierStatus>;
}

/** Azure Blob access tiers Callgate uses. */
export type AccessTier = "Hot" | "Cool" | "Cold" | "Archive";

export interface TierStatus {
  /** Undefined when the store reports none (the account's default, Hot). */
  tier: AccessTier | undefined;
  /** True while a move out of Archive is in progress (Azure's archiveStatus "rehydrate-pending-to-…"). */
  rehydrating: boolean;
}

/** Which bytes of a blob to read: from `offset`, `count` of them (to the end when undefined); or the last `suffix` bytes. */
export type ByteRange = { offset: number; count?: number } | { suffix: number };

export type BlobRange =
  | {
      outcome: "bytes";
      body: Readable;
      /** First byte sent, and how many. */
      offset: number;
      count: number;
      /** The whole blob's size. */
      totalBytes: number;
    }
  | { outcome: "unsatisfiable"; totalBytes: number };
