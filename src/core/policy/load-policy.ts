/**
 * Reads an organisation's policy file. A DPO edits this file by hand, so every
 * problem is reported the way an editor would show it: file, line, column and
 * the field at fault, all problems at once. The file may also come from
 * somewhere hostile (a pull request, a shared drive), so size, aliases, tags
 * and control characters are bounded before anything trusts it, and nothing
 * but an `AppError` with code POLICY_INVALID ever escapes.
 */
import { open, stat } from "node:fs/promises";
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import { z } from "zod";
import { AppError, isAppError } from "../errors.ts";
import { policySchema, type Policy } from "./schema.ts";

/** A policy is a few kilobytes; anything over 1 MiB is a mistake or an attack. */
export const MAX_POLICY_BYTES = 1024 * 1024;

/** Aliases are handy for repeated role lists; more than this is an alias bomb. */
const MAX_ALIAS_COUNT = 100;

/** Far deeper than any policy; deep enough nesting crashes YAML parsers. */
const MAX_FLOW_DEPTH = 32;
const MAX_INDENT = 100;

/** Beyond this many problems the list stops helping and starts scrolling. */
const MAX_REPORTED_ISSUES = 50;
const MAX_DESCRIBED_ISSUES = 200;

/** Control characters have no place in a policy, and some of them rewrite terminals. */
const FORBIDDEN_IN_SOURCE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The same, for values: a block scalar may legitimately hold tabs and new lines. */
const FORBIDDEN_IN_VALUE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What `safeText` escapes: the above plus tab and new line (a message is one line). Well-formed surrogate pairs (emoji) stay. */
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Tags that only restate what YAML would infer; any other tag (!!binary, !custom) is refused. */
const HARMLESS_TAGS = new Set(["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`));

/** One problem in a policy file, located for a human. */
export interface PolicyIssue {
  /** 1-based line and column of the node at fault (the parent mapping for a missing key). */
  line: number;
  column: number;
  /** The field path as a DPO reads it: `purposes[2].approvals[0].anyOf[1]`; empty for syntax errors. */
  path: string;
  message: string;
}

/**
 * The outcome of checking a policy text: the policy when it is valid,
 * otherwise its issues in file order, plus how many more were found but not
 * described (a hostile file can hold tens of thousands).
 */
export type PolicyCheck = { ok: true; policy: Policy } | { ok: false; issues: PolicyIssue[]; omitted: number };

/**
 * Validates policy text and returns either the policy or every issue found,
 * without throwing: for `callgate policy check` and editors that want the list.
 */
export function checkPolicy(text: string): PolicyCheck {
  try {
    return checkPolicyText(text);
  } catch (error) {
    // Belt and braces: an unforeseen failure inside the YAML library or zod
    // (a stack overflow on absurd nesting, say) is still a refusal, not a crash.
    return { ok: false, issues: [{ line: 1, column: 1, path: "", message: `the file could not be read as a policy (${safeText(errorMessage(error), 120)})` }], omitted: 0 };
  }
}

/**
 * Parses and validates a policy. `sourceName` (usually the path) prefixes
 * every error line. Throws AppError POLICY_INVALID listing every problem.
 */
export function parsePolicy(text: string, sourceName: string): Policy {
  const result = checkPolicy(text);
  if (result.ok) return result.policy;
  throw new AppError("POLICY_INVALID", formatIssues(sourceName, result.issues, result.omitted));
}

/**
 * Reads and validates a policy file. A missing, unreadable, oversized or
 * non-UTF-8 file is POLICY_INVALID too, so start-up has one failure to report.
 */
export async function loadPolicyFile(path: string): Promise<Policy> {
  const name = safeText(path, 300);
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new AppError("POLICY_INVALID", `${name}: is not a file`);
    if (info.size > MAX_POLICY_BYTES) throw new AppError("POLICY_INVALID", tooLarge(name, info.size));
    const handle = await open(path, "r");
    try {
      // Read at most one byte past the limit, in case the file grew since stat.
      const buffer = Buffer.alloc(Math.min(info.size, MAX_POLICY_BYTES) + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      if (bytesRead > MAX_POLICY_BYTES) throw new AppError("POLICY_INVALID", tooLarge(name, bytesRead));
      bytes = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError("POLICY_INVALID", `${name}: cannot be read (${describeFsError(error)})`, undefined, { cause: error });
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new AppError("POLICY_INVALID", `${name}: is not UTF-8 text; save it as UTF-8`, undefined, { cause: error });
  }
  return parsePolicy(text, path);
}

/** The POLICY_INVALID message: a summary line, then one issue per line. */
export function formatIssues(sourceName: string, issues: readonly PolicyIssue[], omitted = 0): string {
  const name = safeText(sourceName, 300);
  // Messages quote the file; escaping again here keeps every line printable and short whatever built it.
  const shown = issues.slice(0, MAX_REPORTED_ISSUES).map((i) => `${name}:${i.line}:${i.column} ${i.path ? `${safeText(i.path, 200)}: ` : ""}${safeText(i.message, 500)}`);
  const hidden = Math.max(0, issues.length - MAX_REPORTED_ISSUES) + omitted;
  const more = hidden > 0 ? [`…and ${hidden} more`] : [];
  const total = issues.length + omitted;
  const count = total === 1 ? "1 problem" : `${total} problems`;
  return [`${name} is not a valid policy (${count}):`, ...shown, ...more].join("\n");
}

function checkPolicyText(text: unknown): PolicyCheck {
  const fail = (issues: PolicyIssue[], omitted = 0): PolicyCheck => ({ ok: false, issues: sortIssues(issues), omitted });
  if (typeof text !== "string") return fail([{ line: 1, column: 1, path: "", message: "the policy must be text" }]);
  const size = Buffer.byteLength(text, "utf8");
  if (size > MAX_POLICY_BYTES) return fail([{ line: 1, column: 1, path: "", message: tooLarge("", size).trim() }]);
  const controlIssues = findControlCharacters(text);
  if (controlIssues.length > 0) return fail(controlIssues);
  const nestingIssues = findExcessiveNesting(text);
  if (nestingIssues.length > 0) return fail(nestingIssues);

  const lineCounter = new LineCounter();
  // logLevel "error": the library would otherwise print its warnings to the
  // console; here every warning becomes an issue instead.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true, version: "1.2", logLevel: "error" });
  const at = (offset: number | undefined) => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { line: pos.line, column: pos.col };
  };
  const yamlIssues: PolicyIssue[] = [...doc.errors, ...doc.warnings].map((e) => ({ ...at(e.pos[0]), path: "", message: `YAML: ${safeText(firstLine(e.message), 200)}` }));
  // A %YAML 1.1 directive would bring back merge keys, timestamps and yes/no booleans.
  if (doc.directives?.yaml.explicit && doc.directives.yaml.version !== "1.2") {
    yamlIssues.push({ line: 1, column: 1, path: "", message: `YAML: only YAML 1.2 is accepted; remove the %YAML ${safeText(doc.directives.yaml.version, 10)} line` });
  }
  if (yamlIssues.length > 0) return fail(yamlIssues);
  // Only on a well-formed tree: on a broken one these would be echoes of the syntax error.
  const nodeIssues = findNodeProblems(doc, at);
  if (nodeIssues.length > 0) return fail(nodeIssues);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof ReferenceError && /alias/i.test(error.message) ? `YAML: too many aliases (*name); at most ${MAX_ALIAS_COUNT} expansions are allowed` : `YAML: ${safeText(errorMessage(error), 200)}`;
    return fail([{ line: 1, column: 1, path: "", message }]);
  }

  const parsed = policySchema.safeParse(value);
  if (parsed.success) return { ok: true, policy: parsed.data };
  // Locating is linear in a mapping's size, so a hostile file with thousands
  // of bad entries is described only as far as anyone will read.
  const all = parsed.error.issues;
  const issues = all.slice(0, MAX_DESCRIBED_ISSUES).flatMap((issue) => describeIssue(issue, doc, value, at));
  const count = (issue: z.core.$ZodIssue) => (issue.code === "unrecognized_keys" ? issue.keys.length : 1);
  const found = all.reduce((n, issue) => n + count(issue), 0);
  return fail(issues, found - issues.length);
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
 * Problems in the parsed tree that YAML itself allows: tags that would build
 * non-plain values, strings that smuggle control characters in through
 * escapes ("\x1b"), and keys given twice (checked here in linear time; the
 * YAML library's own check is quadratic, which a hostile file can exploit).
 */
function findNodeProblems(doc: Document, at: (offset: number | undefined) => { line: number; column: number }): PolicyIssue[] {
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

type Segment = string | number;

/** Turns one zod issue into located, plain-English issues. */
function describeIssue(issue: z.core.$ZodIssue, doc: Document, value: unknown, at: (offset: number | undefined) => { line: number; column: number }): PolicyIssue[] {
  const path = issue.path.filter((p): p is Segment => typeof p !== "symbol");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.slice(0, MAX_DESCRIBED_ISSUES).map((key) => {
      const located = locate(doc, [...path, key], true);
      return { ...at(located.offset), path: formatPath([...path, key]), message: unknownKeyMessage(key, path) };
    });
  }
  const located = locate(doc, path, issue.code === "invalid_key");
  const input = located.found ? valueAt(value, path) : undefined;
  return [{ ...at(located.offset), path: formatPath(path), message: messageFor(issue, located.found, input) }];
}

function messageFor(issue: z.core.$ZodIssue, found: boolean, input: unknown): string {
  if (!found || (input === undefined && issue.code !== "custom")) return missingMessage(issue);
  switch (issue.code) {
    case "invalid_type": {
      const expected = describeExpected(issue.expected);
      const hint = issue.expected === "string" && (typeof input === "number" || typeof input === "boolean") ? ` (put it in quotes: "${String(input)}")` : "";
      return `should be ${expected}, not ${describeValue(input)}${hint}`;
    }
    case "invalid_value": {
      const options = issue.values.map((v) => JSON.stringify(v)).join(", ");
      return issue.values.length === 1 ? `must be ${options}, not ${describeValue(input)}` : `must be one of ${options}, not ${describeValue(input)}`;
    }
    case "too_small":
      return tooSmall(issue, input);
    case "too_big":
      return tooBig(issue, input);
    case "invalid_format":
      return `${issue.message.startsWith("Invalid") ? `is not a valid ${issue.format}` : issue.message} (found ${describeValue(input)})`;
    case "invalid_key": {
      const inner = issue.issues[0]?.message ?? "is not allowed";
      const key = issue.path[issue.path.length - 1];
      return `the key ${JSON.stringify(String(key))} ${inner.startsWith("Invalid") ? "is not allowed" : inner}`;
    }
    default:
      return safeText(issue.message, 300);
  }
}

function missingMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") return `is missing: add it (${describeExpected(issue.expected)})`;
  if (issue.code === "invalid_value") return `is missing: add it (${issue.values.map((v) => JSON.stringify(v)).join(" or ")})`;
  if (issue.code === "custom") return safeText(issue.message, 300);
  return "is missing: add it";
}

function tooSmall(issue: z.core.$ZodIssueTooSmall, input: unknown): string {
  const min = Number(issue.minimum);
  if (issue.origin === "array" || issue.origin === "set") return min <= 1 ? "must list at least one item" : `must list at least ${min} items`;
  if (issue.origin === "string") return min <= 1 ? "must not be empty" : `must be at least ${min} characters long`;
  return issue.inclusive ? `must be at least ${min}, not ${describeValue(input)}` : `must be more than ${min}, not ${describeValue(input)}`;
}

function tooBig(issue: z.core.$ZodIssueTooBig, input: unknown): string {
  const max = Number(issue.maximum);
  if (issue.origin === "array" || issue.origin === "set") return `may list at most ${max} items`;
  if (issue.origin === "string") return `must be at most ${max} characters long${typeof input === "string" ? ` (it has ${input.length})` : ""}`;
  return issue.inclusive ? `must be at most ${max}, not ${describeValue(input)}` : `must be less than ${max}, not ${describeValue(input)}`;
}

function describeExpected(expected: string): string {
  switch (expected) {
    case "string":
      return "text";
    case "number":
      return "a number";
    case "int":
      return "a whole number";
    case "boolean":
      return "true or false";
    case "array":
      return "a list";
    case "object":
      return "a mapping of keys to values";
    default:
      return expected;
  }
}

function describeValue(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null) return "an empty value";
  if (typeof input === "string") return `"${safeText(input, 60, true)}"`;
  if (typeof input === "number" || typeof input === "boolean") return String(input);
  if (Array.isArray(input)) return "a list";
  if (input instanceof Uint8Array) return "binary data";
  if (typeof input === "object") return "a mapping";
  return typeof input;
}

/** "unknown key": with the likely intended key, or the keys allowed there. */
function unknownKeyMessage(key: string, parentPath: Segment[]): string {
  const allowed = keysAllowedAt(parentPath);
  const shown = safeText(key, 60, true);
  if (allowed.length === 0) return `"${shown}" is not a setting the policy knows`;
  const near = allowed.filter((k) => k.toLowerCase() === key.toLowerCase() || editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
  if (near.length > 0) return `"${shown}" is not a setting the policy knows: did you mean "${near[0]}"?`;
  return `"${shown}" is not a setting the policy knows (allowed here: ${allowed.join(", ")})`;
}

/** The keys the schema accepts at a path, found by walking the schema itself. */
function keysAllowedAt(path: Segment[]): string[] {
  let schema: unknown = policySchema;
  for (const segment of [...path, undefined]) {
    schema = unwrap(schema);
    if (segment === undefined) break;
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, unknown>)[String(segment)];
    else if (schema instanceof z.ZodArray) schema = schema.element;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType;
    else return [];
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: unknown): unknown {
  for (let i = 0; i < 10; i++) {
    if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodNullable) schema = schema.unwrap();
    else if (schema instanceof z.ZodPipe) schema = schema.in;
    else break;
  }
  return schema;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64 || b.length > 64) return 99;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Finds the YAML node a path points to. When the path runs out of document
 * (a missing key), the deepest node that exists is returned: the parent
 * mapping, which is where the DPO has to add the key. With `atKey`, a path
 * ending in a mapping key points at the key rather than its value (for keys
 * that are themselves wrong).
 */
function locate(doc: Document, path: Segment[], atKey = false): { offset: number | undefined; found: boolean } {
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

function valueAt(value: unknown, path: Segment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = Object.prototype.hasOwnProperty.call(current, segment) ? (current as Record<string, unknown>)[segment as string] : undefined;
  }
  return current;
}

/** `purposes[2].approvals[0].anyOf[1]`; odd keys are quoted. */
export function formatPath(path: readonly Segment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(safeText(segment, 60))}]`;
  }
  return out || "(top level)";
}

function sortIssues(issues: PolicyIssue[]): PolicyIssue[] {
  return issues.map((issue, i) => ({ issue, i })).sort((a, b) => a.issue.line - b.issue.line || a.issue.column - b.issue.column || a.i - b.i).map(({ issue }) => issue);
}

function tooLarge(name: string, bytes: number): string {
  return `${name ? `${name}: ` : ""}the file is ${Math.ceil(bytes / 1024)} KiB; a policy may be at most ${MAX_POLICY_BYTES / 1024} KiB`;
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return "there is no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a folder";
  return safeText(errorMessage(error), 120);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? "";
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Text from the file, made safe to print: control and bidirectional
 * characters become \u escapes, and long values are cut short.
 */
function safeText(text: string, max: number, escapeQuotes = false): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  const escaped = cut.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return escapeQuotes ? escaped.replace(/"/g, '\\"') : escaped;
}
