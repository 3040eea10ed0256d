/**
 * Hands a file made for one person (an audit export, a PDF report, a subject
 * access bundle, a disclosure form) to that person: the bytes go to the file
 * store under an unguessable name, and one transaction records the file, its
 * audit entry and the direct message with a time-limited download link.
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

/**
 * Stores the file, then records and announces it. Pass `tx` to make the record
 * part of a larger state change (the blob is written first; if the
 * transaction fails, the orphan is removed by the expiry sweep).
 */
export async function deliverFile(ctx: CoreContext, file: FileToDeliver, tx?: Tx): Promise<DeliveredFileRef> {
  if (!ctx.files) throw new AppError("STORAGE_ERROR", "Callgate has nowhere to keep files for download.");
  const now = ctx.clock.now();
  const id = randomUUID();
  const blobName = `${now.toISOString().slice(0, 10)}/${id}/${randomBytes(16).toString("hex")}`;
  await ctx.files.put(blobName, file.body, { contentType: file.contentType });
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + (file.lifetimeMs ?? DEFAULT_FILE_LIFETIME_MS));
  const sha256 = createHash("sha256").update(file.body).digest("hex");
  const record = async (t: Tx) => {
    await t.deliveredFile.create({
      data: { id, ownerEmail: file.ownerEmail, kind: file.kind, fileName: file.fileName, contentType: file.contentType, sizeBytes: BigInt(file.body.length), sha256, blobName, tokenHash: hashToken(token), createdAt: now, expiresAt },
    });
    await appendAudit(t, {
      at: now,
      actor: file.ownerEmail,
      action: "file.delivered",
      subjectType: "file",
      subjectId: id,
      requestId: file.requestId ?? null,
      details: { kind: file.kind, fileName: file.fileName, sizeBytes: file.body.length, sha256, expiresAt: expiresAt.toISOString(), ...file.about },
    });
    await enqueueNotices(t, now, [{ to: file.ownerEmail, kind: "file-ready", requestId: file.requestId ?? null, payload: { fileId: id, title: file.title, token } }]);
  };
  if (tx) await record(tx);
  else await transact(ctx, record);
  return { fileId: id, expiresAt };
}
