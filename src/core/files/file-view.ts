/**
 * The "your file is ready" notice, rebuilt from the database when it is sent.
 */
import type { CoreContext } from "../context.ts";
import { formatDateTime } from "../format.ts";
import type { NoticeBody } from "../notify/notices.ts";

export async function buildFileReadyNotice(ctx: CoreContext, publicUrl: string, payload: Record<string, unknown>): Promise<Extract<NoticeBody, { kind: "file-ready" }>> {
  if (typeof payload.token !== "string") throw new Error("the download link was already delivered");
  const file = await ctx.db.deliveredFile.findUniqueOrThrow({ where: { id: String(payload.fileId) } });
  return {
    kind: "file-ready",
    title: String(payload.title ?? "Your file"),
    fileName: file.fileName,
    sizeText: formatSize(Number(file.sizeBytes)),
    url: `${publicUrl.replace(/\/$/, "")}/files/${payload.token}`,
    expiresAt: file.expiresAt,
    expiresAtText: formatDateTime(file.expiresAt, ctx.policy.organisation.timeZone),
  };
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
