/**
 * Problems in a policy file, in the words a DPO reads: each zod issue becomes
 * a plain-English message at the line and column of the field at fault, and
 * the whole list becomes the one POLICY_INVALID message. Everything quoted
 * from the file passes through `safeText`, so no message can carry control
 * characters or run on for pages. Knows nothing of YAML: where a field is
 * comes from the `PositionOf` the parser supplies.
 */
import { z } from "zod";
import { policySchema } from "./schema.ts";

/** Beyond this many problems the list stops helping and starts scrolling. */
const MAX_REPORTED_ISSUES = 50;
/** Locating is linear in a mapping's size, so only this many zod issues are described. */
const MAX_DESCRIBED_ISSUES = 200;

/** What `safeText` escapes: control and bidirectional characters, tab and new line (a message is one line). Well-formed surrogate pairs (emoji) stay. */
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** One problem in a policy file, located for a human. */
export interface PolicyIssue {
  /** 1-based line and column of the node at fault (the parent mapping for a missing key). */
  line: number;
  column: number;
  /** The field path as a DPO reads it: `purposes[2].approvals[0].anyOf[1]`; empty for syntax errors. */
  path: string;
  message: string;
}

/** One step of a field path: a mapping key or a list index. */
export type Segment = string | number;

/**
 * Where a field path points in the source. When the path runs out of
 * document (a missing key), the deepest node that exists, with `found` false:
 * the parent mapping, which is where the DPO has to add the key. With
 * `atKey`, a path ending in a mapping key points at the key rather than its
 * value (for keys that are themselves wrong).
 */
export type PositionOf = (path: readonly Segment[], atKey?: boolean) => { line: number; column: number; found: boolean };

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

/**
 * Describes the schema's complaints about `value` (the parsed file), located
 * with `positionOf`. A hostile file with thousands of bad entries is
 * described only as far as anyone will read; `omitted` counts the rest.
 */
export function describeSchemaIssues(zodIssues: readonly z.core.$ZodIssue[], value: unknown, positionOf: PositionOf): { issues: PolicyIssue[]; omitted: number } {
  const issues = zodIssues.slice(0, MAX_DESCRIBED_ISSUES).flatMap((issue) => describeIssue(issue, value, positionOf));
  const count = (issue: z.core.$ZodIssue) => (issue.code === "unrecognized_keys" ? issue.keys.length : 1);
  const found = zodIssues.reduce((n, issue) => n + count(issue), 0);
  return { issues, omitted: found - issues.length };
}

/** Issues in file order (stable, so problems on one spot keep their order). */
export function sortIssues(issues: PolicyIssue[]): PolicyIssue[] {
  return issues.map((issue, i) => ({ issue, i })).sort((a, b) => a.issue.line - b.issue.line || a.issue.column - b.issue.column || a.i - b.i).map(({ issue }) => issue);
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

/**
 * Text from the file, made safe to print: control and bidirectional
 * characters become \u escapes, and long values are cut short.
 */
export function safeText(text: string, max: number, escapeQuotes = false): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  const escaped = cut.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return escapeQuotes ? escaped.replace(/"/g, '\\"') : escaped;
}

/** The message of anything thrown, unescaped (pass it through `safeText`). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Turns one zod issue into located, plain-English issues. */
function describeIssue(issue: z.core.$ZodIssue, value: unknown, positionOf: PositionOf): PolicyIssue[] {
  const path = issue.path.filter((p): p is Segment => typeof p !== "symbol");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.slice(0, MAX_DESCRIBED_ISSUES).map((key) => {
      const { line, column } = positionOf([...path, key], true);
      return { line, column, path: formatPath([...path, key]), message: unknownKeyMessage(key, path) };
    });
  }
  const { line, column, found } = positionOf(path, issue.code === "invalid_key");
  const input = found ? valueAt(value, path) : undefined;
  return [{ line, column, path: formatPath(path), message: messageFor(issue, found, input) }];
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
  // Every part may also carry its seed section and assumptions (provenance.ts).
  return schema instanceof z.ZodObject ? [...Object.keys(schema.shape).filter((k) => path.length > 0 || k !== "provenance"), "section", "assumed"] : [];
}

function unwrap(schema: unknown): unknown {
  for (let i = 0; i < 10; i++) {
    if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodNullable) schema = schema.unwrap();
    // A preprocess (the provenance lift) is a pipe from a transform into the real schema.
    else if (schema instanceof z.ZodPipe) schema = schema.in instanceof z.ZodTransform ? schema.out : schema.in;
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

function valueAt(value: unknown, path: Segment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = Object.prototype.hasOwnProperty.call(current, segment) ? (current as Record<string, unknown>)[segment as string] : undefined;
  }
  return current;
}
