/**
 * A DPO console reply (the platform-neutral ConsoleReply of
 * src/adapters/shared/console/reply.ts) as an Adaptive Card.
 *
 * Console text is plain and may carry what someone typed (a hold's reason, a
 * data subject's name), so it goes into RichTextBlock TextRuns, which Teams
 * never reads as markdown: no stray bold, no links smuggled into the DPO's
 * card. Label/value rows use a FactSet (whose values Teams does read as
 * markdown) only while every row is plain; a row that is not is shown as a
 * literal "Label: value" line in its place.
 *
 * Buttons are Action.Execute with the verb consoleRun and data {command}: the
 * command line runs again as whoever clicks (the core checks their role).
 * A button with `confirm` becomes an Action.ShowCard holding the warning and
 * the real button, so nothing destructive runs on one click.
 *
 * Size: Teams refuses a message over about 28 KB, the card included. The
 * chart (reply.image, a PNG) is shown inline as an Image with a data URI,
 * which Teams accepts in bot cards. A separate image attachment would not
 * help: it counts against the same per-activity limit. The console's charts
 * are drawn at twice their size for PDFs and Slack (about 50 KB for a
 * month's audit chart), so a chart over IMAGE_BUDGET is redrawn narrower as
 * a palette PNG (chart-image.ts: about 10 KB for a quarter's chart at
 * 560 px). If it still does not fit, or the whole card would pass
 * CARD_BUDGET, the chart is left out with a note pointing to the PDF report,
 * and long lists and texts are cut (saying how much was left out) until the
 * card fits.
 */
import type { Action, IImage, IRichTextBlock, ITextRun } from "@microsoft/teams.cards";
import type { ConsoleReply, ReplyAction, ReplyBlock } from "../../../commands/reply.ts";
import { VERBS } from "../ids.ts";
import { compactPng } from "./chart-image.ts";
import { card, execute, facts, showCard, type Card, type Element } from "./elements.ts";

/** The most an activity may carry is about 28 KB; this leaves room for the envelope. */
export const CARD_BUDGET = 26_000;
/** Base64 characters of an inline chart (about 15 KB of PNG). */
export const IMAGE_BUDGET = 20_000;
/** Widths a chart is redrawn at, widest first, until it fits IMAGE_BUDGET. */
const CHART_WIDTHS = [720, 560, 420];
/** Teams shows at most six buttons on a card. */
const MAX_ACTIONS = 6;

interface Limits {
  blocks: number;
  listItems: number;
  fieldRows: number;
  textChars: number;
}

/** Each step is tried in turn (with the chart at each size it fits, then without) until the card fits CARD_BUDGET. */
const STEPS: readonly Limits[] = [
  { blocks: 60, listItems: 25, fieldRows: 40, textChars: 3_000 },
  { blocks: 30, listItems: 10, fieldRows: 20, textChars: 1_000 },
  { blocks: 15, listItems: 5, fieldRows: 10, textChars: 300 },
];

export interface ConsoleCardOptions {
  /** A line above the reply, e.g. why it arrived here. */
  banner?: string;
}

export function consoleReplyCard(reply: ConsoleReply, options: ConsoleCardOptions = {}): Card {
  const charts: Iterable<string> = reply.image ? chartUris(reply.image.png) : [];
  for (const limits of STEPS) {
    for (const chart of charts) {
      const built = build(reply, options, limits, chart);
      if (sizeOf(built) <= CARD_BUDGET) return built;
    }
    const built = build(reply, options, limits, null);
    if (sizeOf(built) <= CARD_BUDGET) return built;
  }
  return card(
    [literal(reply.title, { size: "Medium", weight: "Bolder" }), literal("This answer is too long to show in Teams. Narrow it down (for example with a shorter period or a filter), or use the export, which has everything.", { color: "Attention" })],
    { fallbackText: reply.title },
  );
}

/** The UTF-8 size of a card as Teams receives it. */
export function sizeOf(value: Card): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}

/**
 * The chart as data URIs within IMAGE_BUDGET, largest first: as given if it
 * fits, then redrawn narrower as palette PNGs (chart-image.ts). Each size is
 * drawn only when asked for, once.
 */
export function chartUris(png: Buffer): Iterable<string> {
  const fits = (bytes: Buffer) => Math.ceil(bytes.length / 3) * 4 <= IMAGE_BUDGET;
  const drawn = new Map<number, Buffer | null>();
  return {
    *[Symbol.iterator]() {
      if (fits(png)) yield `data:image/png;base64,${png.toString("base64")}`;
      for (const width of CHART_WIDTHS) {
        if (!drawn.has(width)) drawn.set(width, compactPng(png, width));
        const smaller = drawn.get(width);
        if (!smaller) return;
        if (fits(smaller)) yield `data:image/png;base64,${smaller.toString("base64")}`;
      }
    },
  };
}

function build(reply: ConsoleReply, options: ConsoleCardOptions, limits: Limits, chart: string | null): Card {
  const body: Element[] = [];
  if (options.banner) body.push(literal(options.banner, { isSubtle: true, size: "Small" }));
  body.push(literal(reply.title, { size: "Medium", weight: "Bolder" }));
  for (const block of reply.blocks.slice(0, limits.blocks)) body.push(...renderBlock(block, limits));
  if (reply.blocks.length > limits.blocks) body.push(literal(`…and ${reply.blocks.length - limits.blocks} more parts not shown here.`, { isSubtle: true, size: "Small" }));
  if (reply.image) body.push(renderImage(reply.image.altText, chart));
  const shown = (reply.actions ?? []).slice(0, MAX_ACTIONS);
  const hidden = (reply.actions ?? []).slice(MAX_ACTIONS);
  if (hidden.length) body.push(literal(`More in the console: ${hidden.map((a) => a.command).join("; ")}`, { isSubtle: true, size: "Small" }));
  return card(body, { actions: shown.map(renderAction), fallbackText: reply.title });
}

function renderBlock(block: ReplyBlock, limits: Limits): Element[] {
  switch (block.kind) {
    case "text":
      return paragraphs(cut(block.text, limits.textChars), {});
    case "note":
      return paragraphs(cut(block.text, limits.textChars), { isSubtle: true, size: "Small" });
    case "warning":
      return paragraphs(cut(block.text, limits.textChars), { color: "Attention", weight: "Bolder" });
    case "list": {
      const items = block.items.slice(0, limits.listItems).map((item, i) => bullet(cut(item, limits.textChars), i > 0 ? "None" : undefined));
      const more = block.items.length - limits.listItems;
      if (more > 0) items.push(literal(`…and ${more.toLocaleString("en-GB")} more not shown here.`, { isSubtle: true, size: "Small" }, "None"));
      return items;
    }
    case "fields": {
      const rows = renderFields(block.rows.slice(0, limits.fieldRows), limits);
      const more = block.rows.length - limits.fieldRows;
      if (more > 0) rows.push(literal(`…and ${more.toLocaleString("en-GB")} more rows not shown here.`, { isSubtle: true, size: "Small" }, "None"));
      return rows;
    }
  }
}

/** Runs of plain rows become FactSets; a row Teams could read as markdown is shown literally in its place. */
function renderFields(rows: ReadonlyArray<readonly [string, string]>, limits: Limits): Element[] {
  const out: Element[] = [];
  let run: Array<readonly [string, string]> = [];
  const flush = () => {
    if (run.length) out.push(facts(run));
    run = [];
  };
  for (const [label, rawValue] of rows) {
    const value = cut(rawValue, limits.textChars);
    if (inert(label) && inert(value)) {
      run.push([label, value]);
    } else {
      flush();
      out.push(richText([run_(`${label}: `, { weight: "Bolder" }), run_(value)], "Small"));
    }
  }
  flush();
  return out;
}

function renderImage(altText: string, uri: string | null): Element {
  if (uri) return { type: "Image", url: uri, altText, size: "Stretch" } as IImage;
  return literal(`The chart (${altText}) is too large to show in Teams; it is in the PDF report.`, { isSubtle: true, size: "Small" });
}

function renderAction(action: ReplyAction): Action {
  const style = action.style === "danger" ? "destructive" : action.style === "primary" ? "positive" : undefined;
  const run = execute(action.label, VERBS.consoleRun, { command: action.command }, style);
  if (!action.confirm) return run;
  const confirmLabel = `Yes, ${action.label.charAt(0).toLowerCase()}${action.label.slice(1)}`;
  const panel = card([literal(action.confirm, action.style === "danger" ? { color: "Attention", weight: "Bolder" } : { weight: "Bolder" })], {
    actions: [execute(confirmLabel, VERBS.consoleRun, { command: action.command }, style)],
  });
  return showCard(action.label, panel, action.style === "danger" ? "destructive" : undefined);
}

type RunStyle = Partial<Pick<ITextRun, "size" | "weight" | "color" | "isSubtle" | "fontType">>;

function run_(text: string, style: RunStyle = {}): ITextRun {
  return { type: "TextRun", text, ...style } as ITextRun;
}

function richText(inlines: ITextRun[], spacing?: "None" | "Small" | "Medium"): IRichTextBlock {
  return { type: "RichTextBlock", inlines, ...(spacing ? { spacing } : {}) } as IRichTextBlock;
}

/** Text shown exactly as given (no markdown), in one style. */
function literal(text: string, style: RunStyle = {}, spacing?: "None" | "Small" | "Medium"): IRichTextBlock {
  return richText([run_(text, style)], spacing);
}

function bullet(text: string, spacing?: "None"): IRichTextBlock {
  return richText([run_("•  "), run_(text)], spacing);
}

/**
 * A plain-text block, one RichTextBlock per line (a TextRun's line breaks
 * are not shown the same by every Teams client), a blank line starting a new
 * paragraph. Column layouts such as commander's help
 * ("  sar open [options]   Open a request") become
 * "sar open [options] — Open a request", since Teams collapses spaces.
 */
function paragraphs(text: string, style: RunStyle): Element[] {
  const out: Element[] = [];
  let gap: "None" | "Medium" | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === "") {
      if (out.length) gap = "Medium";
      continue;
    }
    const line = /^\s+\S/.test(raw) && /\S\s{2,}\S/.test(raw) ? raw.trim().replace(/\s{2,}/, " — ") : raw.trim();
    out.push(literal(line, style, out.length === 0 ? undefined : (gap ?? "None")));
    gap = undefined;
  }
  return out;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Nothing Teams' markdown would act on: emphasis, code, links, headings, list markers, HTML. */
function inert(text: string): boolean {
  return !/[*_`~[\]<>#|\\]|https?:|www\./i.test(text) && !/^\s*([-+]|\d+\.)\s/.test(text);
}
