/**
 * Hostile and random input to the policy loader. The one promise under test:
 * whatever the text, parsePolicy returns a policy or throws AppError
 * POLICY_INVALID with a bounded, printable message; it never crashes, hangs
 * or echoes control characters to the terminal.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.ts";
import { parsePolicy } from "../../src/core/policy/load-policy.ts";
import type { Policy } from "../../src/core/policy/schema.ts";

const SOURCE = "fuzz.yml";
const DEMO = readFileSync("policies/demo.yml", "utf8");
const DEMO_LINES = DEMO.split("\n");
const UNPRINTABLE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/** Parses, and checks the outcome is a policy or a well-formed refusal. */
function parseOrRefuse(text: string, maxMillis = 3000): Policy | undefined {
  const started = performance.now();
  try {
    const policy = parsePolicy(text, SOURCE);
    expect(policy.people.length).toBeGreaterThan(0);
    expect(policy.purposes.length).toBeGreaterThan(0);
    return policy;
  } catch (error) {
    if (!(error instanceof AppError)) throw new Error(`threw a non-AppError: ${String(error)}`, { cause: error });
    expect(error.code).toBe("POLICY_INVALID");
    const lines = error.message.split("\n");
    expect(lines.length).toBeLessThanOrEqual(52);
    expect(lines[0]).toMatch(/^fuzz\.yml is not a valid policy \(\d+ problems?\):$/);
    for (const line of lines.slice(1)) expect(line.startsWith(`${SOURCE}:`) || line.startsWith("…and ")).toBe(true);
    expect(error.message).not.toMatch(UNPRINTABLE);
    expect(error.message.length).toBeLessThan(52 * 1000);
    return undefined;
  } finally {
    expect(performance.now() - started).toBeLessThan(maxMillis);
  }
}

const injections = [
  "'; DROP TABLE recordings; --",
  "<script>alert(1)</script>",
  "${process.exit(1)}",
  "{{constructor.constructor('return process')()}}",
  "../../../../etc/passwd",
  "%s%n%x%d",
  "__proto__",
  "constructor",
  "\u0000",
  "\u001b[2J\u001b[31mred",
  "\u202eevil\u202c",
  "\ufeff",
  "\ud800",
  "Zalgo: Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034dA",
  "👩‍👩‍👧‍👦🏴󠁧󠁢󠁷󠁬󠁳󠁿",
  "مرحبا بالعالم",
  "\u200b\u200c\u200d",
  "null",
  "~",
  "*alias",
  "&anchor x",
  "!!binary aGVsbG8=",
  "!!js/function 'return 1'",
  "<<: *a",
  "? complex\n: key",
  "key: [unclosed",
  "- - - -",
  "|\n  block",
];

/** Strings meant to hurt: injections, long runs, control characters and odd Unicode. */
// Every edit below replaces through a function: a hostile value may hold "$&" or "$1", which a
// replacement string would expand.
/** What makes the loader refuse a text: a control or bidirectional character, a lone surrogate, or space at either end. */
const REFUSED_TEXT = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|\p{Cs}|^\s|\s$/u;
const hostileString = fc.oneof(
  fc.constantFrom(...injections),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.string({ unit: fc.constantFrom("\u0000", "\u0007", "\u001b", "\u007f", "\u0085", "\u2028", "\u202e", "\ud800", "\udfff", "\ufffe", "\t", "\r", "\n"), maxLength: 20 }),
  fc.integer({ min: 1000, max: 200_000 }).map((n) => "x".repeat(n)),
);

describe("policy loader under hostile input", () => {
  it("never crashes on arbitrary text", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 2000 }), (text) => void parseOrRefuse(text)), { numRuns: 300 });
  });

  it("never crashes on YAML-shaped noise", () => {
    const token = fc.constantFrom("- ", ": ", "? ", "[", "]", "{", "}", ",", "&a ", "*a", "!!binary ", "!x ", "|", ">", "#", '"', "'", "\\", "\n", "\n  ", "\n    ", "\t", "version", "1", "people", "roles", "email", "---", "...", "%YAML 1.1\n", "<<", "~", "null", "true", "0x1F", ".inf");
    fc.assert(fc.property(fc.array(token, { maxLength: 200 }), (tokens) => void parseOrRefuse(tokens.join(""))), { numRuns: 500 });
  });

  it("never crashes on random mutations of a valid preset", () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("swap" as const), at: fc.nat(), other: fc.nat() }),
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), column: fc.nat(), text: hostileString }),
      fc.record({ kind: fc.constant("indent" as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
      fc.record({ kind: fc.constant("truncate" as const), at: fc.nat(), column: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 5 }), (mutations) => {
        const lines = [...DEMO_LINES];
        for (const m of mutations) {
          const i = m.at % lines.length;
          const line = lines[i] ?? "";
          if (m.kind === "delete") lines.splice(i, 1);
          else if (m.kind === "duplicate") lines.splice(i, 0, line);
          else if (m.kind === "swap") [lines[i], lines[m.other % lines.length]] = [lines[m.other % lines.length] ?? "", line];
          else if (m.kind === "insert") lines[i] = line.slice(0, m.column % (line.length + 1)) + m.text + line.slice(m.column % (line.length + 1));
          else if (m.kind === "indent") lines[i] = m.by >= 0 ? " ".repeat(m.by) + line : line.slice(Math.min(-m.by, line.length - line.trimStart().length));
          else lines[i] = line.slice(0, m.column % (line.length + 1));
        }
        parseOrRefuse(lines.join("\n"));
      }),
      { numRuns: 400 },
    );
  });

  it("keeps a hostile value exactly, or refuses it, wherever it is put", () => {
    const fields = [
      { from: "  name: Northfield Learning Trust", key: "  name: ", read: (p: Policy) => p.organisation.name },
      { from: "    name: Ben Hughes", key: "    name: ", read: (p: Policy) => p.people[1]!.name },
      { from: "    name: Riverside Academy", key: "    name: ", read: (p: Policy) => p.sites[1]!.name },
      { from: "    reasonPrompt: Why would you like to listen back to this call?", key: "    reasonPrompt: ", read: (p: Policy) => p.purposes[4]!.reasonPrompt },
      { from: "    label: Chief Executive", key: "    label: ", read: (p: Policy) => p.roles[2]!.label },
    ];
    fc.assert(
      fc.property(fc.constantFrom(...fields), hostileString, (field, value) => {
        const text = DEMO.replace(field.from, () => `${field.key}${JSON.stringify(value)}`);
        expect(text).not.toBe(DEMO);
        const policy = parseOrRefuse(text);
        if (policy) {
          expect(field.read(policy)).toBe(value);
          expect(value).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps hostile text in which calls are recorded trimmed and printable, or refuses it", () => {
    fc.assert(
      fc.property(hostileString, hostileString, (line, objection) => {
        const text = DEMO.replace("  timeZone: Europe/London\n", () => `  timeZone: Europe/London\n  recordedCalls:\n    notRecorded: [${JSON.stringify(line)}]\n    objections: ${JSON.stringify(objection)}\n`);
        const policy = parseOrRefuse(text);
        if (policy) {
          expect(policy.organisation.recordedCalls).toEqual({ recorded: [], notRecorded: [line.trim()], objections: objection.trim() });
          expect(line + objection).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("refuses a hostile e-mail, role id or duration rather than storing it", () => {
    const fields = [
      { from: "  - email: dev.patel@northfield.example", to: (v: string) => `  - email: ${JSON.stringify(v)}` },
      { from: "    roles: [it-manager]", to: (v: string) => `    roles: [${JSON.stringify(v)}]` },
      { from: "  accessWindow: 7 days", to: (v: string) => `  accessWindow: ${JSON.stringify(v)}` },
      { from: "  mode: automatic", to: (v: string) => `  mode: ${JSON.stringify(v)}` },
    ];
    fc.assert(
      fc.property(fc.constantFrom(...fields), hostileString, (field, value) => {
        expect(parseOrRefuse(DEMO.replace(field.from, () => field.to(value)))).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it("refuses deep nesting of every kind, quickly", () => {
    const nesting = fc.record({ depth: fc.integer({ min: 40, max: 200_000 }), style: fc.constantFrom("flow-seq", "flow-map", "block-seq", "block-map", "compact") });
    fc.assert(
      fc.property(nesting, ({ depth, style }) => {
        const n = Math.min(depth, style.startsWith("block") ? 1000 : depth);
        const text =
          style === "flow-seq" ? `a: ${"[".repeat(n)}${"]".repeat(n)}`
          : style === "flow-map" ? `a: ${"{a: ".repeat(n)}1${"}".repeat(n)}`
          : style === "block-seq" ? Array.from({ length: n }, (_, i) => `${" ".repeat(i * 2)}-`).join("\n")
          : style === "block-map" ? Array.from({ length: n }, (_, i) => `${" ".repeat(i)}k:`).join("\n")
          : `${"- ".repeat(n)}x`;
        expect(parseOrRefuse(text, 1000)).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });

  it("refuses alias bombs of any shape without expanding them", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.integer({ min: 3, max: 15 }), (width, depth) => {
        const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(", ")}]`];
        for (let i = 1; i < depth; i++) lines.push(`l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(", ")}]`);
        expect(parseOrRefuse(lines.join("\n"), 1000)).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });

  it("refuses thousands of unknown or repeated keys quickly and says how many", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 20_000 }), fc.boolean(), (count, repeated) => {
        const text = `${DEMO}\n${Array.from({ length: count }, (_, i) => (repeated ? "extra: 1" : `extra${i}: 1`)).join("\n")}\n`;
        expect(parseOrRefuse(text)).toBeUndefined();
      }),
      { numRuns: 10 },
    );
  });
});

/** The demo's own-calls approvals, which the authorisation shapes below replace. */
const OWN_CALLS_APPROVALS = "    approvals:\n      - anyOf: [principal]\n        label: Principal of the call's academy\n";
const DEMO_GROUNDS = DEMO.slice(DEMO.indexOf("  grounds:\n"), DEMO.indexOf("\n", DEMO.indexOf("label: Grounds to suspect serious misconduct")) + 1);

describe("policy loader under random authorisation shapes", () => {
  const shape = fc.record({
    authorisation: fc.constantFrom(undefined, "approvals", "requester", "Requester", "nobody"),
    approvals: fc.boolean(),
    note: fc.option(fc.record({ prompt: fc.oneof(fc.constantFrom("Why is listening necessary?", ""), hostileString), minLength: fc.option(fc.oneof(fc.integer({ min: -5, max: 2005 }), fc.double({ noNaN: true, min: 0, max: 50 })), { nil: undefined }) }), { nil: undefined }),
    concerns: fc.constantFrom(undefined, "none", "optional", "required", "always", "Required"),
  });

  it("reads authorisation, approvalNote and concernsStaffMember exactly, or refuses the combination the schema forbids", () => {
    // The shapes replace the demo's own-calls approvals, which must be there to replace (once).
    expect(DEMO.split(OWN_CALLS_APPROVALS)).toHaveLength(2);
    fc.assert(
      fc.property(shape, ({ authorisation, approvals, note, concerns }) => {
        const lines = [
          ...(authorisation !== undefined ? [`    authorisation: ${authorisation}`] : []),
          ...(approvals ? [OWN_CALLS_APPROVALS.trimEnd()] : []),
          ...(note ? ["    approvalNote:", `      prompt: ${JSON.stringify(note.prompt)}`, ...(note.minLength !== undefined ? [`      minLength: ${note.minLength}`] : [])] : []),
          ...(concerns !== undefined ? [`    concernsStaffMember: ${concerns}`] : []),
        ];
        const text = DEMO.replace(OWN_CALLS_APPROVALS, () => lines.length ? `${lines.join("\n")}\n` : "");
        const policy = parseOrRefuse(text);
        const byRequester = authorisation === "requester";
        const noteValid = !note || (note.prompt.length >= 1 && note.prompt.length <= 300 && (note.minLength === undefined || (Number.isInteger(note.minLength) && note.minLength >= 1 && note.minLength <= 2000)));
        const shapeValid =
          (authorisation === undefined || authorisation === "approvals" || authorisation === "requester") &&
          (concerns === undefined || ["none", "optional", "required"].includes(concerns)) &&
          (byRequester ? !approvals && !note : approvals) &&
          noteValid;
        if (!shapeValid) {
          expect(policy, `accepted ${JSON.stringify({ authorisation, approvals, note, concerns })}`).toBeUndefined();
          return;
        }
        if (!policy) {
          // Only a prompt the loader refuses as unprintable may still turn a valid shape away.
          expect(note?.prompt ?? "").toMatch(REFUSED_TEXT);
          return;
        }
        const own = policy.purposes.find((p) => p.id === "own-calls")!;
        expect(own.authorisation).toBe(byRequester ? "requester" : "approvals");
        expect(own.approvals.length).toBe(byRequester ? 0 : 1);
        expect(own.concernsStaffMember).toBe(concerns ?? "none");
        if (note) expect(own.approvalNote).toEqual({ prompt: own.approvalNote!.prompt, minLength: note.minLength ?? 20 });
        else expect(own.approvalNote).toBeUndefined();
        if (note) expect(note.prompt.includes(own.approvalNote!.prompt)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps covert monitoring grounds as written, or refuses an unknown shape, a bad id, a repeated id or more than ten", () => {
    const ground = fc.record({ id: fc.oneof(fc.constantFrom("illegal-activity", "serious-misconduct", "fraud", "a"), hostileString), label: fc.oneof(fc.constantFrom("Grounds to suspect serious misconduct"), hostileString) });
    fc.assert(
      fc.property(fc.array(ground, { maxLength: 12 }), (grounds) => {
        const list = grounds.length ? `  grounds:\n${grounds.map((g) => `    - id: ${JSON.stringify(g.id)}\n      label: ${JSON.stringify(g.label)}`).join("\n")}\n` : "  grounds: []\n";
        const text = DEMO.replace(DEMO_GROUNDS, () => list);
        expect(text).not.toBe(DEMO);
        const policy = parseOrRefuse(text);
        const ids = grounds.map((g) => g.id);
        const valid = grounds.length <= 10 && new Set(ids).size === ids.length && ids.every((i) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(i)) && grounds.every((g) => g.label.trim().length >= 1 && g.label.length <= 300);
        if (!valid) {
          expect(policy, `accepted ${JSON.stringify(grounds)}`).toBeUndefined();
          return;
        }
        if (!policy) {
          expect(grounds.map((g) => g.label).join("")).toMatch(REFUSED_TEXT);
          return;
        }
        expect(policy.covertMonitoring.grounds.map((g) => g.id)).toEqual(ids);
        policy.covertMonitoring.grounds.forEach((g, i) => expect(grounds[i]!.label.includes(g.label)).toBe(true));
      }),
      { numRuns: 150 },
    );
  });
});
