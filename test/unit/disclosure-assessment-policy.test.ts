/**
 * `disclosure.assessUnder` (LIFE §8: "Requests by third parties should be
 * assessed using the school's Third Party Request for Information policy"):
 * the built-in disclosure purpose then asks every authorisation for a note of
 * that assessment; without it, nothing changes for any preset.
 */
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import type { AppError } from "../../src/core/errors.ts";
import { explainPolicy } from "../../src/core/policy/explain-policy.ts";
import { parsePolicy } from "../../src/core/policy/load-policy.ts";
import { DISCLOSURE_PURPOSE_ID, type Policy } from "../../src/core/policy/schema.ts";

const PRESETS = ["demo", "vision-academy-learning-trust", "north-wales-housing", "oxford-open-learning-trust", "ecs"];

let demo: string;
beforeAll(async () => {
  demo = await readFile("policies/demo.yml", "utf8");
});

const disclosurePurpose = (policy: Policy) => policy.internalPurposes.find((p) => p.id === DISCLOSURE_PURPOSE_ID)!;
const withAssessment = (text: string, value: string) => text.replace("disclosure:\n  authoriserRoles: [dpo, ceo]\n", `disclosure:\n  authoriserRoles: [dpo, ceo]\n  assessUnder: ${value}\n`);

describe("disclosure.assessUnder in the policy file", () => {
  it("asks every disclosure authorisation for a note of the assessment under the policy named", () => {
    const policy = parsePolicy(withAssessment(demo, "the Trust's Third Party Request for Information policy"), "policies/demo.yml");
    expect(policy.disclosure.assessUnder).toBe("the Trust's Third Party Request for Information policy");
    expect(disclosurePurpose(policy).approvalNote).toEqual({ prompt: "Record your assessment of the request under the Trust's Third Party Request for Information policy: how does it meet that policy?", minLength: 20 });
    expect(explainPolicy(policy).replace(/\s+/g, " ")).toContain("A third party's request is assessed under the Trust's Third Party Request for Information policy: each authorisation must carry a note of that assessment (at least 20 characters)");
  });

  it("leaves every other preset's disclosures without a note, and says nothing of it", async () => {
    for (const name of PRESETS) {
      const policy = parsePolicy(await readFile(`policies/${name}.yml`, "utf8"), `${name}.yml`);
      expect(policy.disclosure.assessUnder, name).toBeUndefined();
      expect(disclosurePurpose(policy).approvalNote, name).toBeUndefined();
      expect(explainPolicy(policy), name).not.toContain("is assessed under");
    }
  });

  it("refuses an empty policy name at its line", () => {
    let message = "";
    try {
      parsePolicy(withAssessment(demo, '"  "'), "policies/x.yml");
    } catch (error) {
      expect((error as AppError).code).toBe("POLICY_INVALID");
      message = (error as AppError).message;
    }
    expect(message).toMatch(/policies\/x\.yml:\d+:\d+ disclosure\.assessUnder/);
  });
});
