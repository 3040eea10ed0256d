/**
 * Hands a file made for one person (an audit export, a PDF report, a subject
 * access bundle, a disclosure form) to that person: the bytes go to the file
 * store under an unguessable name first, and then one short transaction
 * records the file, its audit entry and the direct message with a
 * time-limited download link. No upload ever happens inside a transaction.
 * Chat adapters never carry the file itself, so Slack and Teams behave alike.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { CoreContext, Tx } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { hashToken } from "../playback/issue-playback-grant.ts";

/** How long a download link works unless the caller says otherwise. */
export const DEFAULT_FILE_LIFETIME_MS = 24 * 60 * 60 * 1000;

export interface FileToDeliver {
  ownerEmail: string;
  /** e.g. "audit-csv", "audit-pdf", "sar-bundle", "portability", "disclosure-form". */
  kind: string;
  /** Heading of the direct message, e.g. "Audit report". */
  title: string;
  fileName: string;
  contentType: string;
  body: Buffer;
  /** Audit details about what the file holds (never a full phone number). */
  about?: Record<string, unknown>;
  requestId?: string | null;
  lifetimeMs?: number;
}

export interface DeliveredFileRef {
  fileId: string;
  expiresAt: Date;
}

/** A file in the store, not yet recorded: what recordFile needs, and the token only its owner will get. */
export interface StoredFile {
  id: string;
  file: FileToDeliver;
  blobName: string;
  sha256: string;
  token: string;
}

/**
 * Writes the bytes to the file store. Never call it inside a transaction:
 * uploads can be slow, and a transaction holding the audit log's lock would
 * stall every state change. If the record is never made, call discardFiles.
 */
export async function storeFile(ctx: CoreContext, file: FileToDeliver): Promise<StoredFile> {
  if (!ctx.files) throw new AppError("STORAGE_ERROR", "Callgate has nowhere to keep files for download.");
  const id = randomUUID();
  const blobName = `${ctx.clock.now().toISOString().slice(0, 10)}/${id}/${randomBytes(16).toString("hex")}`;
  await ctx.files.put(blobName, file.body, { contentType: file.contentType });
  return { id, file, blobName, sha256: createHash("sha256").update(file.body).digest("hex"), token: randomBytes(32).toString("base64url") };
}

/** Records a stored file, its audit entry and the direct message with its link, in the caller's transaction. Database work only. */
export async function recordFile(tx: Tx, now: Date, stored: StoredFile): Promise<DeliveredFileRef> {
  const { id, file, blobName, sha256, token } = stored;
  const expiresAt = new Date(now.getTime() + (file.lifetimeMs ?? DEFAULT_FILE_LIFETIME_MS));
  await tx.deliveredFile.create({
    data: { id, ownerEmail: file.ownerEmail, kind: file.kind, fileName: file.fileName, contentType: file.contentType, sizeBytes: BigInt(file.body.length), sha256, blobName, tokenHash: hashToken(token), createdAt: now, expiresAt },
  });
  await appendAudit(tx, {
    at: now,
    actor: file.ownerEmail,
    action: "file.delivered",
    subjectType: "file",
    subjectId: id,
    requestId: file.requestId ?? null,
    details: { kind: file.kind, fileName: file.fileName, sizeBytes: file.body.length, sha256, expiresAt: expiresAt.toISOString(), ...file.about },
  });
  await enqueueNotices(tx, now, [{ to: file.ownerEmail, kind: "file-ready", requestId: file.requestId ?? null, payload: { fileId: id, title: file.title, token } }]);
  return { fileId: id, expiresAt };
}

/**
 * Removes stored files whose record was never made (the transaction failed).
 * Best effort: the original error is what matters, and a blob left behind has
 * no row, so no link can ever reach it.
 */
export async function discardFiles(ctx: CoreContext, stored: readonly StoredFile[]): Promise<void> {
  await Promise.allSettled(stored.map((s) => ctx.files?.delete(s.blobName)));
}

/** Stores the file, then records and announces it in a transaction of its own. */
export async function deliverFile(ctx: CoreContext, file: FileToDeliver): Promise<DeliveredFileRef> {
  return storeThenRecord(ctx, [file], (tx, now, [stored]) => recordFile(tx, now, stored!));
}

/**
 * Stores the files first, then runs `record` (which should call recordFile
 * for each, and may record more) in one short transaction; removes the stored
 * files again if that transaction fails.
 */
export async function storeThenRecord<T>(ctx: CoreContext, files: readonly FileToDeliver[], record: (tx: Tx, now: Date, stored: StoredFile[]) => Promise<T>): Promise<T> {
  const stored: StoredFile[] = [];
  try {
    for (const file of files) stored.push(await storeFile(ctx, file));
    return await transact(ctx, (tx) => record(tx, ctx.clock.now(), stored));
  } catch (error) {
    await discardFiles(ctx, stored);
    throw error;
  }
}
