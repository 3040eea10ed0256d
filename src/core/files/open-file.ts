/**
 * Someone follows a download link. Only the person the file was made for
 * holds the link; each download is audited and answered with a few minutes'
 * read-only link to that one file.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { hashToken } from "../playback/issue-playback-grant.ts";

const DOWNLOAD_LINK_MS = 5 * 60 * 1000;

export type OpenFileResult = { outcome: "unknown" } | { outcome: "expired"; fileName: string } | { outcome: "open"; url: string; fileName: string };

export async function openDeliveredFile(ctx: CoreContext, input: { token: string; clientIp?: string | null }): Promise<OpenFileResult> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(input.token)) return { outcome: "unknown" };
  const file = await ctx.db.deliveredFile.findUnique({ where: { tokenHash: hashToken(input.token) } });
  if (!file) return { outcome: "unknown" };
  const now = ctx.clock.now();
  if (file.expiresAt <= now) return { outcome: "expired", fileName: file.fileName };
  if (!ctx.files) throw new AppError("STORAGE_ERROR", "Callgate cannot reach its file store.");
  const expiresAt = new Date(Math.min(now.getTime() + DOWNLOAD_LINK_MS, file.expiresAt.getTime()));
  const url = await ctx.files.readUrl(file.blobName, expiresAt, { contentType: file.contentType, fileName: file.fileName });
  await transact(ctx, async (tx) => {
    await tx.deliveredFile.update({ where: { id: file.id }, data: { downloadedAt: now } });
    await appendAudit(tx, { at: now, actor: file.ownerEmail, action: "file.downloaded", subjectType: "file", subjectId: file.id, details: { kind: file.kind, fileName: file.fileName, clientIp: input.clientIp ?? "unknown" } });
  });
  return { outcome: "open", url, fileName: file.fileName };
}
