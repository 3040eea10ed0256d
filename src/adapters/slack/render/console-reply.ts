/**
 * A DPO console reply (platform-neutral ConsoleReply) as one Block Kit
 * message. Every text the core hands over is plain and may hold what people
 * typed, so it is escaped here; long content is split across sections rather
 * than cut, within Slack's limits (50 blocks, 3,000 characters a section, 10
 * fields of 2,000). What does not fit in 50 blocks is dropped from the end
 * with a note pointing to the export, keeping the buttons (the export is one
 * of them). The chart (reply.image) is not a block: the caller uploads it
 * into the same conversation.
 */
import type { types } from "@slack/bolt";
import type { ConsoleReply, ReplyAction, ReplyBlock } from "../../../commands/reply.ts";
import { ACTIONS } from "../ids.ts";
import { actions, button, context, escapeMrkdwn, header, LIMITS, message, plain, truncate, type Block, type SlackMessage } from "./blocks.ts";

/** Slack's limits on a confirmation dialog's texts. */
const CONFIRM_LIMITS = { title: 100, text: 300, button: 30 } as const;

/** Text laid out in columns: at least two lines with a word, two or more spaces, another word. */
function isAligned(text: string): boolean {
  return text.split("\n").filter((line) => /\S {2,}\S/.test(line)).length >= 2;
}

/** Buttons shown at most; each is its own actions block (they share one action id). */
const MAX_BUTTONS = 10;

export interface ConsoleRenderOptions {
  /** Told about a button left out because its command does not fit in a button's value. */
  onButtonDropped?: (info: { index: number; commandLength: number }) => void;
}

/** One drawn block and how many lines of the reply it carries (for "N more lines"). */
interface Drawn {
  block: Block;
  lines: number;
}

export function renderConsoleReply(reply: ConsoleReply, options: ConsoleRenderOptions = {}): SlackMessage {
  const title = reply.title.trim() || "Callgate";
  const content = reply.blocks.flatMap(drawBlock);
  const buttons = drawButtons(reply.actions ?? [], options);
  // Header + content + buttons must fit in Slack's 50; when they do not, one
  // more block is kept for the note saying how much was left out.
  const room = LIMITS.messageBlocks - 1 - buttons.length;
  let kept = content;
  let note: Block[] = [];
  if (content.length > room) {
    kept = content.slice(0, room - 1);
    const dropped = content.slice(room - 1).reduce((sum, d) => sum + d.lines, 0);
    note = [context(`${dropped} more ${dropped === 1 ? "line" : "lines"}: export for the full list`)];
  }
  return message(title, [header(title), ...kept.map((d) => d.block), ...note, ...buttons]);
}

function drawBlock(block: ReplyBlock): Drawn[] {
  switch (block.kind) {
    case "text":
      // Column-aligned text (help output, tables) keeps its alignment in a code block.
      if (isAligned(block.text)) {
        return chunkLines(escapeMrkdwn(block.text).split("\n"), LIMITS.sectionText - 8, "\n").map((text) => ({ block: mrkdwnSection(`\`\`\`\n${text}\n\`\`\``), lines: 1 }));
      }
      return chunkLines(escapeMrkdwn(block.text).split("\n"), LIMITS.sectionText, "\n").map((text) => ({ block: mrkdwnSection(text), lines: 1 }));
    case "warning":
      return chunkLines(`:warning: ${escapeMrkdwn(block.text)}`.split("\n"), LIMITS.sectionText, "\n").map((text) => ({ block: mrkdwnSection(text), lines: 1 }));
    case "note":
      return chunkLines(escapeMrkdwn(block.text).split("\n"), LIMITS.sectionText, "\n").map((text) => ({ block: context(text), lines: 1 }));
    case "list": {
      const items = block.items.filter((item) => item.trim() !== "").map((item) => `• ${escapeMrkdwn(item.replace(/\s*\n\s*/g, " "))}`);
      return groupWithin(items, LIMITS.sectionText, "\n").map((group) => ({ block: mrkdwnSection(group.join("\n")), lines: group.length }));
    }
    case "fields": {
      const cells = block.rows.map(([label, value]) => truncate(`*${escapeMrkdwn(label)}*\n${escapeMrkdwn(value) || " "}`, LIMITS.fieldText));
      const sections: Drawn[] = [];
      for (let i = 0; i < cells.length; i += 10) {
        const slice = cells.slice(i, i + 10);
        sections.push({ block: { type: "section", fields: slice.map((text) => ({ type: "mrkdwn" as const, text })) }, lines: slice.length });
      }
      return sections;
    }
  }
}

function mrkdwnSection(text: string): Block {
  return { type: "section", text: { type: "mrkdwn", text } };
}

/**
 * Joins lines into chunks of at most `max` characters, splitting a single
 * over-long line where it must (never inside an escaped entity such as &amp;).
 * Empty input gives no chunk, since Slack refuses empty text.
 */
function chunkLines(lines: readonly string[], max: number, separator: string): string[] {
  const pieces = lines.flatMap((line) => splitLong(line, max));
  return groupWithin(pieces, max, separator).map((group) => group.join(separator)).filter((text) => text.trim() !== "");
}

/** Groups strings (each at most `max` long) so each group joined by `separator` stays within `max`. */
function groupWithin(items: readonly string[], max: number, separator: string): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const raw of items) {
    const item = raw.length > max ? truncate(raw, max) : raw;
    const added = current.length === 0 ? item.length : length + separator.length + item.length;
    if (current.length > 0 && added > max) {
      groups.push(current);
      current = [item];
      length = item.length;
    } else {
      current.push(item);
      length = added;
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function splitLong(line: string, max: number): string[] {
  const parts: string[] = [];
  let rest = line;
  while (rest.length > max) {
    let cut = max;
    const entity = rest.lastIndexOf("&", cut);
    if (entity > cut - 6 && rest.indexOf(";", entity) >= cut) cut = entity;
    const space = rest.lastIndexOf(" ", cut);
    if (space > max / 2) cut = space;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^ /, "");
  }
  parts.push(rest);
  return parts;
}

/**
 * One actions block per button: they all carry the one console action id,
 * and Slack wants action ids unique within a block. A command longer than a
 * button's value allows is left out (and reported), never cut: a cut command
 * would run something other than what the button says.
 */
function drawButtons(list: readonly ReplyAction[], options: ConsoleRenderOptions): Block[] {
  const blocks: Block[] = [];
  list.forEach((action, index) => {
    if (action.command.length > LIMITS.buttonValue || action.command.trim() === "") {
      options.onButtonDropped?.({ index, commandLength: action.command.length });
      return;
    }
    if (blocks.length >= MAX_BUTTONS) return;
    const confirm = action.confirm ? confirmDialog(action) : undefined;
    const element = button({ actionId: ACTIONS.consoleRun, text: action.label.trim() || "Run", value: action.command, ...(action.style ? { style: action.style } : {}), ...(confirm ? { confirm } : {}) });
    blocks.push(actions(`console-action-${index}`, [element]));
  });
  return blocks;
}

function confirmDialog(action: ReplyAction): types.ConfirmationDialog {
  return {
    title: plain("Are you sure?", CONFIRM_LIMITS.title),
    text: plain(action.confirm ?? "", CONFIRM_LIMITS.text),
    confirm: plain(action.label.trim() || "Yes", CONFIRM_LIMITS.button),
    deny: plain("Cancel", CONFIRM_LIMITS.button),
    ...(action.style ? { style: action.style } : {}),
  };
}
