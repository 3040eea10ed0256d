/**
 * What a console command answers, independent of the chat platform: a title,
 * plain-text blocks, buttons that run further console commands, and at most
 * one image. Slack renders it as Block Kit, Teams as an Adaptive Card. Text
 * is plain (no markup): each adapter escapes and lays it out itself.
 */

export type ReplyBlock =
  /** A paragraph. */
  | { kind: "text"; text: string }
  /** Label and value rows. */
  | { kind: "fields"; rows: ReadonlyArray<readonly [string, string]> }
  /** A bulleted list; keep it under about 20 items (say how many more there are). */
  | { kind: "list"; items: readonly string[] }
  /** Small print under the main content. */
  | { kind: "note"; text: string }
  /** Something that needs attention (an overdue deadline, a broken audit chain). */
  | { kind: "warning"; text: string };

/** A button that runs another console command as whoever clicks it. */
export interface ReplyAction {
  label: string;
  /** The console command line, e.g. "sar extend SAR-000004 --months 1 --reason ...". */
  command: string;
  style?: "primary" | "danger";
  /** Ask "are you sure?" with this text before running. */
  confirm?: string;
}

export interface ConsoleReply {
  title: string;
  blocks: ReplyBlock[];
  actions?: ReplyAction[];
  /** A chart or picture, rendered server-side as PNG. */
  image?: { png: Buffer; altText: string; fileName: string };
  /**
   * Open this command's form (its console words, e.g. "sar open") instead of
   * showing the reply, where the platform can (a Slack modal, a Teams card);
   * the reply's text says how to type the command instead.
   */
  form?: string;
  /** The command was refused or not understood: nothing was done (the CLI exits with 2). */
  refused?: boolean;
}

export const text = (value: string): ReplyBlock => ({ kind: "text", text: value });
export const fields = (rows: ReadonlyArray<readonly [string, string]>): ReplyBlock => ({ kind: "fields", rows });
export const list = (items: readonly string[]): ReplyBlock => ({ kind: "list", items });
export const note = (value: string): ReplyBlock => ({ kind: "note", text: value });
export const warning = (value: string): ReplyBlock => ({ kind: "warning", text: value });
