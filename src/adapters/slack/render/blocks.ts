/**
 * Block Kit primitives with Slack's limits built in. Every renderer goes
 * through these, so a long reason or a name full of mrkdwn can never make
 * Slack reject a message (section text 3,000, button text 75, fallback
 * text 40,000) or let a requester's words ping a channel or fake a link.
 */
import type { types } from "@slack/bolt";

export type Block = types.KnownBlock;
export type Button = types.Button;

/** What a renderer produces for one message: blocks plus the fallback text notifications show. */
export interface SlackMessage {
  /** Shown in notifications and to screen readers; kept free of numbers and reasons. */
  text: string;
  blocks: Block[];
}

/** Slack's documented limits, checked by the fake Web API server too. */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  messageText: 40_000,
  sectionText: 3_000,
  fieldText: 2_000,
  buttonText: 75,
  buttonValue: 2_000,
  optionText: 75,
  optionValue: 150,
  headerText: 150,
  modalTitle: 24,
  contextElements: 10,
} as const;

/** Shortens text to `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Escapes the three characters Slack gives meaning to in mrkdwn, so text
 * people typed cannot become `<!channel>`, a user mention or a disguised link.
 * Formatting characters (*, _, ~, `) are left: at worst they restyle text.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function header(text: string): Block {
  return { type: "header", text: { type: "plain_text", text: truncate(text, LIMITS.headerText), emoji: false } };
}

/** A section of mrkdwn that has already been escaped where it holds typed text. */
export function section(mrkdwn: string): Block {
  return { type: "section", text: { type: "mrkdwn", text: truncate(mrkdwn, LIMITS.sectionText) } };
}

/** A section with label/value pairs, two columns on desktop. At most ten fields. */
export function fields(pairs: ReadonlyArray<readonly [string, string]>): Block {
  return {
    type: "section",
    fields: pairs.slice(0, 10).map(([label, value]) => ({ type: "mrkdwn" as const, text: truncate(`*${label}*\n${value}`, LIMITS.fieldText) })),
  };
}

export function context(...mrkdwn: string[]): Block {
  return { type: "context", elements: mrkdwn.slice(0, LIMITS.contextElements).map((text) => ({ type: "mrkdwn" as const, text: truncate(text, LIMITS.sectionText) })) };
}

export const divider = (): Block => ({ type: "divider" });

export function button(options: { actionId: string; text: string; value?: string; style?: "primary" | "danger"; url?: string; confirm?: types.ConfirmationDialog }): Button {
  return {
    type: "button",
    action_id: options.actionId,
    text: { type: "plain_text", text: truncate(options.text, LIMITS.buttonText), emoji: false },
    ...(options.value !== undefined ? { value: truncate(options.value, LIMITS.buttonValue) } : {}),
    ...(options.style ? { style: options.style } : {}),
    ...(options.url ? { url: options.url } : {}),
    ...(options.confirm ? { confirm: options.confirm } : {}),
  };
}

export function actions(blockId: string, elements: types.ActionsBlockElement[]): Block {
  return { type: "actions", block_id: blockId, elements };
}

/** Plain text for option lists, buttons and titles. */
export function plain(text: string, max: number): types.PlainTextElement {
  return { type: "plain_text", text: truncate(text, max), emoji: false };
}

export function option(text: string, value: string): types.PlainTextOption {
  return { text: plain(text, LIMITS.optionText), value: truncate(value, LIMITS.optionValue) };
}

/** Fallback text within Slack's limit. */
export function message(text: string, blocks: Block[]): SlackMessage {
  return { text: truncate(text, LIMITS.messageText), blocks: blocks.slice(0, LIMITS.messageBlocks) };
}
