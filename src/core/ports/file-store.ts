/**
 * Where files made for people are kept until they fetch them: audit exports,
 * PDF reports, subject access bundles, disclosure forms. A separate container
 * from the recordings, so a link to a file can never read a recording.
 */
import type { Readable } from "node:stream";

export interface FileStore {
  /** Stores a file under a fresh, unguessable name. */
  put(name: string, body: Buffer | Readable, options: { contentType: string }): Promise<void>;
  /** A read-only URL for this one file until `expiresAt`, downloaded as `fileName`. */
  readUrl(name: string, expiresAt: Date, options: { contentType: string; fileName: string }): Promise<string>;
  /** Deletes a file; resolves quietly if it is already gone. */
  delete(name: string): Promise<void>;
}
