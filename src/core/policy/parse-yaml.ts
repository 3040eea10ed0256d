/**
 * YAML for a file that may come from somewhere hostile (a pull request, a
 * shared drive). Control characters, absurd nesting, custom tags, duplicate
 * keys and alias bombs are refused, each at its line and column, before any
 * value is built; what comes back is plain data plus a way to find where any
 * field of it was written.
 */
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import { errorMessage, formatPath, safeText, type PolicyIssue, type PositionOf, type Segment } from "./policy-issues.ts";

/** Aliases are handy for repeated role lists; more than this is an alias bomb. */
const MAX_ALIAS_COUNT = 100;

/** Far deeper than any policy; deep enough nesting crashes YAML parsers. */
const MAX_FLOW_DEPTH = 32;
const MAX_INDENT = 100;

/** Control characters have no place in a policy, and some of them rewrite terminals. */
const FORBIDDEN_IN_SOURCE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The same, for values: a block scalar may legitimately hold tabs and new lines. */
const FORBIDDEN_IN_VALUE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Tags that only restate what YAML would infer; any other tag (!!binary, !custom) is refused. */
const HARMLESS_TAGS = new Set(["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`));

type At = (offset: number | undefined) => { line: number; column: number };

/**
 * The outcome of reading YAML text: its plain value and where each field of it
 * sits, or the problems found (in no particular order). Never throws for bad
 * input; only a failure inside the YAML library itself can escape.
 */
export type ParsedYaml = { ok: true; value: unknown; positionOf: PositionOf } | { ok: false; issues: PolicyIssue[] };

/** Parses one YAML 1.2 document under the bounds above. */
export function parsePolicyYaml(text: string): ParsedYaml {
  const controlIssues = findControlCharacters(text);
  if (controlIssues.length > 0) return { ok: false, issues: controlIssues };
  const nestingIssues = findExcessiveNesting(text);
  if (nestingIssues.length > 0) return { ok: false, issues: nestingIssues };

  const lineCounter = new LineCounter();
  // logLevel "error": the library would otherwise print its warnings to the
  // console; here every warning becomes an issue instead.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true, version: "1.2", logLevel: "error" });
  const at: At = (offset) => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { line: pos.line, column: pos.col };
  };
  const yamlIssues: PolicyIssue[] = [...doc.errors, ...doc.warnings].map((e) => ({ ...at(e.pos[0]), path: "", message: `YAML: ${safeText(firstLine(e.message), 200)}` }));
  // A %YAML 1.1 directive would bring back merge keys, timestamps and yes/no booleans.
  if (doc.directives?.yaml.explicit && doc.directives.yaml.version !== "1.2") {
    yamlIssues.push({ line: 1, column: 1, path: "", message: `YAML: only YAML 1.2 is accepted; remove the %YAML ${safeText(doc.directives.yaml.version, 10)} line` });
  }
  if (yamlIssues.length > 0) return { ok: false, issues: yamlIssues };
  // Only on a well-formed tree: on a broken one these would be echoes of the syntax error.
  const nodeIssues = findNodeProblems(doc, at);
  if (nodeIssues.length > 0) return { ok: false, issues: nodeIssues };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof ReferenceError && /alias/i.test(error.message) ? `YAML: too many aliases (*name); at most ${MAX_ALIAS_COUNT} expansions are allowed` : `YAML: ${safeText(errorMessage(error), 200)}`;
    return { ok: false, issues: [{ line: 1, column: 1, path: "", message }] };
  }
  const positionOf: PositionOf = (path, atKey = false) => {
    const located = locate(doc, path, atKey);
    return { ...at(located.offset), found: located.found };
  };
  return { ok: true, value, positionOf };
}

/** Control characters in the raw text, reported where they are (at most ten). */
function findControlCharacters(text: string): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  for (const match of text.matchAll(FORBIDDEN_IN_SOURCE)) {
    if (issues.length >= 10) break;
    const before = text.slice(0, match.index);
    const line = (before.match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
    const column = match.index - Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r"));
    issues.push({ line, column, path: "", message: `contains the control character ${codePoint(match[0])}; remove it` });
  }
  return issues;
}

/**
 * Nesting deep enough to exhaust the stack or the heap in the YAML library
 * is refused before parsing, in one linear pass: flow brackets more than
 * MAX_FLOW_DEPTH deep, or a line whose indentation (with its "- " and "? "
 * indicators) runs past MAX_INDENT columns. A real policy is six levels deep.
 */
function findExcessiveNesting(text: string): PolicyIssue[] {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let leading = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      if (c === 10 || text.charCodeAt(i + 1) !== 10) line++;
      lineStart = i + 1;
      leading = true;
      continue;
    }
    if (leading) {
      // space, tab, "-", "?", ":"
      if (c === 32 || c === 9 || c === 45 || c === 63 || c === 58) {
        if (i - lineStart >= MAX_INDENT) return [{ line, column: i - lineStart + 1, path: "", message: `indented more than ${MAX_INDENT} columns deep; a policy never needs that` }];
        continue;
      }
      leading = false;
    }
    if (c === 91 || c === 123) {
      depth++;
      if (depth > MAX_FLOW_DEPTH) return [{ line, column: i - lineStart + 1, path: "", message: `brackets nested more than ${MAX_FLOW_DEPTH} deep; a policy never needs that` }];
    } else if ((c === 93 || c === 125) && depth > 0) {
      depth--;
    }
  }
  return [];
}

/**
 * Problems in the parsed tree that YAML itself allows: tags that would build
 * non-plain values, strings that smuggle control characters in through
 * escapes ("\x1b"), and keys given twice (checked here in linear time; the
 * YAML library's own check is quadratic, which a hostile file can exploit).
 */
function findNodeProblems(doc: Document, at: At): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const report = (node: Node, ancestors: readonly unknown[], message: string) => issues.push({ ...at(node.range?.[0]), path: formatPath(fieldPath([...ancestors, node])), message });
  visit(doc, {
    Node(_key, node, ancestors) {
      if (issues.length >= 10) return visit.BREAK;
      if (node.tag && !HARMLESS_TAGS.has(node.tag)) {
        report(node, ancestors, `the YAML tag ${safeText(node.tag.replace("tag:yaml.org,2002:", "!!"), 60)} is not allowed in a policy; write a plain value`);
      } else if (isScalar(node) && typeof node.value === "string") {
        const bad = FORBIDDEN_IN_VALUE.exec(node.value);
        if (bad) report(node, ancestors, `contains the control character ${codePoint(bad[0])}; remove it`);
      } else if (isMap(node)) {
        const seen = new Set<string>();
        for (const pair of node.items) {
          if (isCollection(pair.key)) report(pair.key, [...ancestors, node, pair], "a key must be plain text, not a list or mapping");
          const key = keyText(pair.key);
          if (key === undefined) continue;
          if (seen.has(key) && isScalar(pair.key)) report(pair.key, [...ancestors, node, pair], "this key appears twice in the same mapping; keep one");
          seen.add(key);
        }
      }
      return undefined;
    },
  });
  return issues;
}

/** The field path of a node from its ancestors, as `visit` reports them. */
function fieldPath(chain: readonly unknown[]): Segment[] {
  const path: Segment[] = [];
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i - 1];
    const child = chain[i];
    if (isSeq(parent)) path.push(parent.items.indexOf(child as never));
    else if (isPair(parent)) path.push(keyText(parent.key) ?? "?");
  }
  return path;
}

/** The node a path points to, as `PositionOf` describes, by its source offset. */
function locate(doc: Document, path: readonly Segment[], atKey: boolean): { offset: number | undefined; found: boolean } {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [index, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    let keyOffset: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
      if (pair) {
        next = pair.value;
        keyOffset = rangeStart(pair.key);
      }
    } else if (isSeq(node) && typeof segment === "number") {
      next = node.items[segment];
    }
    if (next === undefined && keyOffset === undefined) return { offset, found: false };
    // `key:` with nothing after it has no value node: point at the key.
    const last = index === path.length - 1;
    offset = (last && atKey ? keyOffset : undefined) ?? rangeStart(next) ?? keyOffset ?? offset;
    node = next;
  }
  return { offset, found: true };
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (isCollection(key)) return String(key);
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? "";
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}
