/**
 * Cards about compliance records (deadlines, reviews, consent) and the link
 * to a file made for the reader.
 */
import type { NoticeAction } from "../../../core/notify/notices.ts";
import { card, heading, openUrl, subtle, text, type Card } from "./elements.ts";

export function complianceNoticeCard(title: string, lines: readonly string[]): Card {
  return card([heading(title), ...lines.map((line) => text(line))], { fallbackText: title });
}

export function fileReadyCard(notice: { title: string; fileName: string; sizeText: string; url: string; expiresAtText: string; actions: readonly NoticeAction[] }): Card {
  return card(
    [
      heading(notice.title),
      text(`**${notice.fileName}** (${notice.sizeText}) is ready. The link is for you alone and every download is recorded in the audit log.`),
      subtle(`The link works until ${notice.expiresAtText}.`),
    ],
    { actions: notice.actions.includes("download") ? [openUrl("Download", notice.url)] : [], fallbackText: `${notice.title}: ${notice.fileName} is ready to download.` },
  );
}
