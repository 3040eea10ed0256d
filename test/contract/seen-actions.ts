/**
 * The actions a person can take from a rendered message, read the same way on
 * both platforms and in the words of the parity table (notice-fixtures.ts):
 * the buttons and menus on the message itself, not the submit buttons inside
 * a panel one of them opens. Teams picks a call with a choice and its button,
 * which is Slack's "Choose the call" menu.
 */
import type { NoticeAction } from "../../src/core/notify/notices.ts";

/** The words each of the core's actions is offered in, on every platform. */
export const ACTION_WORDS: Record<NoticeAction, string> = {
  approve: "Approve",
  deny: "Deny",
  "revoke-access": "Revoke access",
  "consent-give": "I consent",
  "consent-refuse": "I do not consent",
  "consent-withdraw": "Withdraw consent",
  "fulfil-choose": "Choose the call",
  "fulfil-none": "None of these",
  listen: "Listen to the recording",
  "allow-browser": "Allow this browser",
  "ask-more-time": "Ask for more time",
  "extension-approve": "Give more time",
  "extension-refuse": "Refuse",
  download: "Download",
};

/** Buttons and menus in a Slack message's blocks. */
export function slackActionsOf(blocks: ReadonlyArray<Record<string, unknown>>): string[] {
  const labels: string[] = [];
  for (const block of blocks) {
    for (const el of (block.elements as Array<Record<string, unknown>> | undefined) ?? []) {
      if (el.type === "button") labels.push(String((el.text as { text: string }).text));
      if (el.type === "static_select") labels.push(String((el.placeholder as { text: string } | undefined)?.text ?? "select"));
    }
  }
  return labels;
}

/** Actions on a Teams card itself: its actions and any ActionSet in its body. */
export function teamsActionsOf(card: Record<string, unknown> | undefined): string[] {
  const titles: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    if (o.type === "ActionSet") return walk(o.actions);
    if (typeof o.type === "string" && o.type.startsWith("Action.") && typeof o.title === "string") titles.push(o.title === "This is the call" ? "Choose the call" : o.title);
    else if (Array.isArray(o.items)) walk(o.items);
  };
  walk(card?.body);
  walk(card?.actions);
  return titles;
}
