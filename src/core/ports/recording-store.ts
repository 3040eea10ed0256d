/**
 * Where recordings' audio lives (Azure Blob Storage in production, Azurite
 * locally). The core lists, deletes and asks for short-lived read-only links;
 * it reads audio bytes only to put them in a bundle for the DPO.
 */

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
  /** A URL that can read this one blob, and nothing else, until `expiresAt`. */
  readUrl(blobName: string, expiresAt: Date, options?: { contentType?: string }): Promise<string>;
  /** The audio itself, for a bundle the DPO prepares (subject access, disclosure, portability). */
  read(blobName: string): Promise<Buffer>;
  /** Deletes a blob; resolves quietly if it is already gone. */
  delete(blobName: string): Promise<void>;
  /** Answers whether the store can be reached (for /readyz). */
  ping(): Promise<void>;
}
