/**
 * The subject access intake fields of the policy: defaults that keep every
 * preset loading, located loader errors, and fast-checked shapes.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.ts";
import { parsePolicy } from "../../src/core/policy/load-policy.ts";
import { SUBJECT_ACCESS_CHANNELS, SUBJECT_ACCESS_OUTPUTS, SUBJECT_ACCESS_REFUSAL_GROUNDS } from "../../src/core/policy/schema.ts";
import { demoWithout } from "../support/demo-policy.ts";

const DEMO = readFileSync("policies/demo.yml", "utf8");
/** The demo without the intake fields it sets, so Callgate's defaults show and a test can write its own. */
const SILENT = demoWithout("subjectAccess.channels", "subjectAccess.outputs");
const ANCHOR = "  contact: dpo@northfield.example\n";

function withSubjectAccess(lines: string): string {
  expect(SILENT.split(ANCHOR)).toHaveLength(2);
  return SILENT.replace(ANCHOR, () => `${ANCHOR}${lines}`);
}

function errorFor(text: string): string {
  try {
    parsePolicy(text, "policies/demo.yml");
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("POLICY_INVALID");
    return (error as AppError).message;
  }
  throw new Error("expected the policy to be refused");
}

describe("subjectAccess intake fields", () => {
  it("default to every channel, ground and output, and the DPO may close", () => {
    const policy = parsePolicy(SILENT, "policies/demo.yml");
    expect(policy.subjectAccess.channels).toEqual([...SUBJECT_ACCESS_CHANNELS]);
    expect(policy.subjectAccess.refusalGrounds).toEqual([...SUBJECT_ACCESS_REFUSAL_GROUNDS]);
    expect(policy.subjectAccess.outputs).toEqual([...SUBJECT_ACCESS_OUTPUTS]);
    expect(policy.subjectAccess.dpoMayClose).toBe(true);
  });

  it("read the demo's channels and outputs in its own order, leaving links out", () => {
    const policy = parsePolicy(DEMO, "policies/demo.yml");
    expect(policy.subjectAccess.channels).toEqual(["letter", "email", "web-form", "phone", "in-person"]);
    expect(policy.subjectAccess.outputs).toEqual(["audio-copy", "transcript", "heard-in-person"]);
    expect(policy.subjectAccess.refusalGrounds).toEqual([...SUBJECT_ACCESS_REFUSAL_GROUNDS]);
  });

  it("say where and what is wrong, in words", () => {
    expect(errorFor(withSubjectAccess("  channels: [letter, fax]\n"))).toMatch(/policies\/demo\.yml:\d+:\d+ subjectAccess\.channels\[1\]: must be one of "letter", "email", "phone", "in-person", "web-form", not "fax"/);
    expect(errorFor(withSubjectAccess("  refusalGrounds: []\n"))).toMatch(/subjectAccess\.refusalGrounds: must list at least one item/);
    expect(errorFor(withSubjectAccess("  outputs: [podcast]\n"))).toMatch(/subjectAccess\.outputs\[0\]: must be one of "audio-copy", "transcript", "links", "heard-in-person", not "podcast"/);
    expect(errorFor(withSubjectAccess("  dpoMayClose: maybe\n"))).toMatch(/subjectAccess\.dpoMayClose: should be true or false, not "maybe"/);
    expect(errorFor(withSubjectAccess("  employeeOwnerRoles: [hr-manager]\n"))).toMatch(/subjectAccess\.employeeOwnerRoles\[0\]/);
    expect(parsePolicy(withSubjectAccess("  employeeOwnerRoles: [dpo]\n"), "policies/demo.yml").subjectAccess.employeeOwnerRoles).toEqual(["dpo"]);
  });

  it("load any non-empty choice of channels, grounds and outputs, and refuse anything else", () => {
    const subset = <T extends string>(all: readonly T[]) => fc.subarray([...all], { minLength: 0 });
    const hostile = fc.string({ maxLength: 12 });
    fc.assert(
      fc.property(subset(SUBJECT_ACCESS_CHANNELS), subset(SUBJECT_ACCESS_REFUSAL_GROUNDS), subset(SUBJECT_ACCESS_OUTPUTS), fc.option(hostile, { nil: undefined }), fc.boolean(), (channels, grounds, outputs, stray, dpoMayClose) => {
        const list = (values: readonly string[]) => `[${[...values, ...(stray === undefined ? [] : [stray])].map((v) => JSON.stringify(v)).join(", ")}]`;
        const text = withSubjectAccess(`  channels: ${list(channels)}\n  refusalGrounds: ${JSON.stringify(grounds)}\n  outputs: ${JSON.stringify(outputs)}\n  dpoMayClose: ${dpoMayClose}\n`);
        const strayValid = stray === undefined || (SUBJECT_ACCESS_CHANNELS as readonly string[]).includes(stray);
        const valid = channels.length + (stray === undefined ? 0 : 1) > 0 && grounds.length > 0 && outputs.length > 0 && strayValid;
        if (valid) {
          const policy = parsePolicy(text, "policies/demo.yml");
          expect(policy.subjectAccess.refusalGrounds).toEqual(grounds);
          expect(policy.subjectAccess.dpoMayClose).toBe(dpoMayClose);
        } else {
          expect(() => parsePolicy(text, "policies/demo.yml")).toThrow(AppError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
