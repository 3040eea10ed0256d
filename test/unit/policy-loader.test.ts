import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.ts";
import { loadPolicyFile, MAX_POLICY_BYTES, parsePolicy } from "../../src/core/policy/load-policy.ts";

const DEMO_PATH = "policies/demo.yml";
let demo: string;

beforeAll(async () => {
  demo = await readFile(DEMO_PATH, "utf8");
});

/** The POLICY_INVALID message for `text`, failing the test if it parses. */
function errorFor(text: string, source = "policies/x.yml"): string {
  try {
    parsePolicy(text, source);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("POLICY_INVALID");
    return (error as AppError).message;
  }
  throw new Error("expected the policy to be refused");
}

/** Replaces exactly one occurrence, so a test cannot silently edit nothing. */
function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`"${from}" must occur exactly once in the demo policy`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** 1-based line and column of the first occurrence of `needle`. */
function positionOf(text: string, needle: string, occurrence = 1): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i < occurrence; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`"${needle}" not found`);
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  return { line, column: at - before.lastIndexOf("\n") };
}

describe("parsePolicy", () => {
  it("accepts the demo policy and fills in defaults", () => {
    const policy = parsePolicy(demo, DEMO_PATH);
    expect(policy.organisation.name).toBe("Northfield Learning Trust");
    expect(policy.purposes.find((p) => p.id === "safeguarding")?.ownCallsOnly).toBe(false);
  });

  it("names the line and column of a YAML syntax error", () => {
    const broken = edit(demo, "  mode: automatic\n", "  mode: automatic: yes\n");
    const { line, column } = positionOf(broken, "automatic: yes");
    expect(errorFor(broken)).toContain(`policies/x.yml:${line}:${column} YAML: Nested mappings are not allowed in compact mappings`);
  });

  it("names where an unclosed quote starts", () => {
    const broken = edit(demo, "  name: Northfield Learning Trust\n", '  name: "Northfield Learning Trust\n');
    const { line } = positionOf(broken, '"Northfield Learning Trust');
    expect(errorFor(broken)).toMatch(new RegExp(`^policies/x\\.yml:${line}:\\d+ YAML: Missing closing "quote$`, "m"));
  });

  it("points an unknown key at the key itself and suggests the intended one", () => {
    const broken = edit(demo, "    minReasonLength: 40\n", "    minReasonLength: 40\n    lawfullBasis: oops\n");
    const { line, column } = positionOf(broken, "lawfullBasis");
    expect(errorFor(broken)).toContain(`policies/x.yml:${line}:${column} purposes[2].lawfullBasis: "lawfullBasis" is not a setting the policy knows: did you mean "lawfulBasis"?`);
  });

  it("lists the allowed keys when an unknown key is nothing like any of them", () => {
    const broken = edit(demo, "fulfilment:\n  mode: automatic\n", "fulfilment:\n  mode: automatic\n  zebra: 1\n");
    expect(errorFor(broken)).toContain(`fulfilment.zebra: "zebra" is not a setting the policy knows (allowed here: mode, roles, section, assumed)`);
  });

  it("names the file, line, column and field of an undefined role", () => {
    const broken = edit(demo, "      - anyOf: [ceo]\n", "      - anyOf: [ceo, foo]\n");
    const { line, column } = positionOf(broken, "foo]");
    expect(errorFor(broken)).toContain(`policies/x.yml:${line}:${column} purposes[2].approvals[0].anyOf[1]: role "foo" is not defined under roles`);
  });

  it("explains how to write a duration it cannot read", () => {
    const broken = edit(demo, "  accessWindow: 7 days\n", "  accessWindow: a week\n");
    const { line, column } = positionOf(broken, "a week");
    expect(errorFor(broken)).toContain(`policies/x.yml:${line}:${column} playback.accessWindow: "a week" is not a duration: write it like "7 days"`);
  });

  it("refuses the same person twice, even with different capitalisation", () => {
    const broken = edit(demo, "    name: Farid Khan\n", "    name: Farid Khan\n  - email: Farid.Khan@Northfield.example\n    name: Farid Again\n");
    const { line, column } = positionOf(broken, "- email: Farid.Khan@");
    expect(errorFor(broken)).toContain(`policies/x.yml:${line}:${column + 2} people[6]: person "farid.khan@northfield.example" is defined twice`);
  });

  it("points a missing key at the mapping that should hold it", () => {
    const broken = edit(demo, '    lawfulBasis: "UK GDPR Article 6(1)(e) public task (handling complaints under the trust\'s complaints procedure)"\n', "");
    const { line, column } = positionOf(broken, "id: complaint");
    expect(errorFor(broken)).toContain(`policies/x.yml:${line}:${column} purposes[1].lawfulBasis: is missing: add it (text)`);
  });

  it("reports a missing version as missing rather than wrong", () => {
    expect(errorFor(edit(demo, "version: 1\n", ""))).toContain("version: is missing: add it (1)");
  });

  it("suggests quotes when a number is given where text is expected", () => {
    const broken = edit(demo, 'extensions: ["102"]', "extensions: [102]");
    expect(errorFor(broken)).toContain('people[1].extensions[0]: should be text, not 102 (put it in quotes: "102")');
  });

  it("lists the allowed values of a choice", () => {
    expect(errorFor(edit(demo, "mode: automatic", "mode: manual"))).toContain('fulfilment.mode: must be one of "automatic", "fulfiller", not "manual"');
  });

  it("collects every structural problem in one report, in file order", () => {
    const broken = edit(edit(edit(demo, "mode: automatic", "mode: manual"), "    name: Ben Hughes\n", "    name: Ben Hughes\n    nickname: Benny\n"), "  timeZone: Europe/London\n", "  timeZone: Mars/Olympus\n");
    const lines = errorFor(broken).split("\n");
    expect(lines[0]).toBe("policies/x.yml is not a valid policy (3 problems):");
    expect(lines.slice(1).map((l) => l.split(" ")[1])).toEqual(["organisation.timeZone:", "people[1].nickname:", "fulfilment.mode:"]);
  });

  it("stops listing after fifty problems and says how many more there are", () => {
    const extra = Array.from({ length: 70 }, (_, i) => `extra${i}: 1`).join("\n");
    const lines = errorFor(`${demo}\n${extra}\n`).split("\n");
    expect(lines[0]).toBe("policies/x.yml is not a valid policy (70 problems):");
    expect(lines).toHaveLength(52);
    expect(lines[51]).toBe("…and 20 more");
  });

  it("refuses a key given twice in one mapping", () => {
    const broken = edit(demo, "  maxWindowHours: 24\n", "  maxWindowHours: 24\n  maxWindowHours: 48\n");
    const { line, column } = positionOf(broken, "maxWindowHours: 48");
    expect(errorFor(broken)).toContain(`policies/x.yml:${line}:${column} requesting.maxWindowHours: this key appears twice in the same mapping; keep one`);
  });

  it("refuses a raw control character and says where it is", () => {
    expect(errorFor("version: 1\norganisation:\n  name: Bell\u0007Trust\n")).toContain("policies/x.yml:3:13 contains the control character U+0007; remove it");
  });

  it("refuses control characters smuggled in through YAML escapes, without echoing them", () => {
    const message = errorFor(edit(demo, "name: Ben Hughes", 'name: "Ben \\x1b[31mHughes"'));
    expect(message).toContain("people[1].name: contains the control character U+001B; remove it");
    expect(message).not.toMatch(/\u001b/);
  });

  it("refuses bidirectional overrides that could disguise a name", () => {
    expect(errorFor(edit(demo, "name: Ben Hughes", "name: Ben \u202eHughes"))).toContain("contains the control character U+202E");
  });

  it("refuses YAML tags that build binary or custom values", () => {
    expect(errorFor(edit(demo, "name: Ben Hughes", "name: !!binary aGVsbG8="))).toContain("people[1].name: the YAML tag !!binary is not allowed in a policy");
  });

  it("refuses YAML 1.1, which would bring back merge keys and timestamps", () => {
    expect(errorFor(`%YAML 1.1\n---\n${demo}`)).toContain("only YAML 1.2 is accepted");
  });

  it("refuses an alias bomb without expanding it", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const started = Date.now();
    expect(errorFor(levels.join("\n"))).toContain("too many aliases");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("allows a few aliases for repeated role lists", () => {
    const withAlias = edit(edit(demo, "  roles: [slt, ceo]\n", "  roles: &requesters [slt, ceo]\n"), "  authoriserRoles: [dpo, ceo]\n", "  authoriserRoles: *requesters\n");
    expect(parsePolicy(withAlias, "x.yml").disclosure.authoriserRoles).toEqual(["slt", "ceo"]);
  });

  it("refuses nesting deep enough to exhaust the parser", () => {
    expect(errorFor(`a: ${"[".repeat(100_000)}`)).toContain("brackets nested more than 32 deep");
    expect(errorFor(`${"- ".repeat(100_000)}x`)).toContain("indented more than 100 columns deep");
  });

  it("refuses text over the size limit before parsing it", () => {
    expect(errorFor(`# ${"x".repeat(MAX_POLICY_BYTES)}\n`)).toContain("a policy may be at most 1024 KiB");
  });

  it("refuses a file that is not a mapping", () => {
    expect(errorFor("")).toContain("policies/x.yml:1:1 (top level): should be a mapping of keys to values");
    expect(errorFor("- just\n- a list\n")).toContain("(top level): should be a mapping of keys to values, not a list");
  });

  it("escapes control characters in the source name it prints", () => {
    expect(errorFor("", "evil\u001b[2Jname.yml").split("\n")[0]).toBe("evil\\u001b[2Jname.yml is not a valid policy (1 problem):");
  });

  it("reads which calls are recorded, and names a mistake in it at its line", () => {
    const add = (yaml: string) => edit(demo, "  timeZone: Europe/London\n", `  timeZone: Europe/London\n${yaml}`);
    const policy = parsePolicy(add('  recordedCalls:\n    notRecorded: ["Calls between administration staff"]\n    objections: e-mail the office instead\n'), DEMO_PATH);
    expect(policy.organisation.recordedCalls).toEqual({ recorded: [], notRecorded: ["Calls between administration staff"], objections: "e-mail the office instead" });
    const notList = add("  recordedCalls:\n    notRecorded: Calls between administration staff\n");
    expect(errorFor(notList)).toContain(`policies/x.yml:${positionOf(notList, "Calls between").line}:18 organisation.recordedCalls.notRecorded: should be a list, not "Calls between administration staff"`);
    const misspelt = add("  recordedCalls:\n    objection: e-mail instead\n");
    expect(errorFor(misspelt)).toContain('organisation.recordedCalls.objection: "objection" is not a setting the policy knows: did you mean "objections"?');
  });
});

describe("loadPolicyFile", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "callgate-policy-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("loads a preset from disk", async () => {
    expect((await loadPolicyFile(DEMO_PATH)).people).toHaveLength(7);
  });

  it("names the path in every error line", async () => {
    const path = join(dir, "broken.yml");
    await writeFile(path, edit(demo, "mode: automatic", "mode: manual"));
    await expect(loadPolicyFile(path)).rejects.toThrow(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:\\d+:\\d+ fulfilment\\.mode:`, "m"));
  });

  it("reports a missing file as an invalid policy", async () => {
    await expect(loadPolicyFile(join(dir, "absent.yml"))).rejects.toMatchObject({ code: "POLICY_INVALID", message: expect.stringContaining("there is no such file") });
  });

  it("reports a folder as an invalid policy", async () => {
    await mkdir(join(dir, "folder.yml"));
    await expect(loadPolicyFile(join(dir, "folder.yml"))).rejects.toMatchObject({ code: "POLICY_INVALID", message: expect.stringContaining("is not a file") });
  });

  it("refuses a file over the size limit without reading it", async () => {
    const path = join(dir, "huge.yml");
    await writeFile(path, Buffer.alloc(MAX_POLICY_BYTES + 10, 0x20));
    await expect(loadPolicyFile(path)).rejects.toMatchObject({ code: "POLICY_INVALID", message: expect.stringContaining("at most 1024 KiB") });
  });

  it("refuses a file that is not UTF-8", async () => {
    const path = join(dir, "latin1.yml");
    await writeFile(path, Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]));
    await expect(loadPolicyFile(path)).rejects.toMatchObject({ code: "POLICY_INVALID", message: expect.stringContaining("is not UTF-8") });
  });
});
