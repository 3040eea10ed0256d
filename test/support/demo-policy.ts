/**
 * The demo policy's text as a base for loader tests. The demo shows off the
 * policy's features, so a test of what Callgate assumes when a file is silent
 * first removes the settings it is about with `demoWithout`, and keeps every
 * other line (and so every line number the loader reports) as the demo has it.
 */
import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, parseDocument, type Node } from "yaml";

/** policies/demo.yml, read once. */
export const DEMO_TEXT = readFileSync("policies/demo.yml", "utf8");

/**
 * `text` without the settings at `paths`, each a dotted path of keys, where a
 * list is entered by an item's `id` ("covertMonitoring",
 * "subjectAccess.channels", "purposes.disciplinary.approvalNote"). A setting
 * goes with its whole block and the comment lines just above it. Throws when
 * a path is not in the text, so a test never silently keeps what it meant to
 * remove.
 */
export function demoWithout(...paths: string[]): string {
  return withoutSettings(DEMO_TEXT, ...paths);
}

/** `demoWithout` for any policy text. */
export function withoutSettings(text: string, ...paths: string[]): string {
  // Cut from the last setting in the file backwards, so earlier offsets hold.
  const starts = paths.map((path) => keyOffset(text, path)).sort((a, b) => b - a);
  return starts.reduce((rest, start) => cutBlock(rest, start), text);
}

function keyOffset(text: string, path: string): number {
  let node: Node | null | undefined = parseDocument(text).contents;
  let offset = -1;
  for (const segment of path.split(".")) {
    if (isSeq(node)) {
      node = node.items.find((item): item is Node => isMap(item) && item.get("id") === segment);
      offset = -1; // a list item is not a setting with a key of its own
    } else if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === segment);
      offset = pair && isScalar(pair.key) ? pair.key.range![0] : -1;
      node = pair?.value as Node | null | undefined;
      if (!pair) node = undefined;
    } else {
      node = undefined;
    }
    if (node === undefined) throw new Error(`"${path}" is not in the policy text`);
  }
  if (offset < 0) throw new Error(`"${path}" does not name a setting`);
  return offset;
}

/** Removes the setting whose key starts at `start`: its lines, its more-indented block and the comments just above. */
function cutBlock(text: string, start: number): string {
  const lines = text.split("\n");
  let at = 0;
  let first = 0;
  while (at + lines[first]!.length + 1 <= start) at += lines[first++]!.length + 1;
  const indent = start - at;
  if (lines[first]!.slice(0, indent).trim() !== "") throw new Error("a setting inside a list item's first line cannot be removed");
  const indentOf = (line: string) => line.length - line.trimStart().length;
  let last = first;
  for (let i = first + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    if (indentOf(line) <= indent) break;
    last = i;
  }
  while (first > 0 && lines[first - 1]!.trimStart().startsWith("#") && indentOf(lines[first - 1]!) === indent) first--;
  return [...lines.slice(0, first), ...lines.slice(last + 1)].join("\n");
}
