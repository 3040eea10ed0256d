/**
 * Direct messages about compliance records (deadlines, reviews, consent) and
 * the link to a file made for the reader.
 */
import type { NoticeAction } from "../../../core/notify/notices.ts";
import { ACTIONS } from "../ids.ts";
import { actions, button, context, escapeMrkdwn, header, message, section, type SlackMessage } from "./blocks.ts";

export function complianceNoticeMessage(title: string, lines: readonly string[]): SlackMessage {
  return message(title, [header(title), ...lines.map((line) => section(escapeMrkdwn(line)))]);
}

export function fileReadyMessage(notice: { title: string; fileName: string; sizeText: string; url: string; expiresAtText: string; actions: readonly NoticeAction[] }): SlackMessage {
  const text = `${notice.title}: ${notice.fileName} is ready to download.`;
  return message(text, [
    header(notice.title),
    section(`*${escapeMrkdwn(notice.fileName)}* (${escapeMrkdwn(notice.sizeText)}) is ready. The link is for you alone and every download is recorded in the audit log.`),
    ...(notice.actions.includes("download") ? [actions("file_ready", [button({ actionId: ACTIONS.downloadFile, text: "Download", url: notice.url, style: "primary" })])] : []),
    context(`The link works until ${escapeMrkdwn(notice.expiresAtText)}.`),
  ]);
}
