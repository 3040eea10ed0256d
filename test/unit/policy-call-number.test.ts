/**
 * requesting.callNumber (required | if-known): the default keeps every preset
 * but ECS asking for the number or extension; a wrong value is refused with
 * its line and field; the request forms say "if known" only where it applies.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { requestFormView } from "../../src/adapters/slack/render/request-form.ts";
import { requestFormCard } from "../../src/adapters/teams/cards/request-form.ts";
import { AppError } from "../../src/core/errors.ts";
import { parsePolicy } from "../../src/core/policy/load-policy.ts";

const DEMO = readFileSync("policies/demo.yml", "utf8");
const PRESETS = ["demo", "vision-academy-learning-trust", "life-academies-trust", "north-wales-housing", "oxford-open-learning-trust"];

/** The AppError parsing `text` as policies/x.yml throws. */
function policyError(text: string): AppError {
  let error: unknown;
  try {
    parsePolicy(text, "policies/x.yml");
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("requesting.callNumber", () => {
  it("defaults to required for every preset but ECS, which takes the number and extension if known", () => {
    for (const name of PRESETS) expect(parsePolicy(readFileSync(`policies/${name}.yml`, "utf8"), `${name}.yml`).requesting.callNumber, name).toBe("required");
    expect(parsePolicy(readFileSync("policies/ecs.yml", "utf8"), "ecs.yml").requesting.callNumber).toBe("if-known");
  });

  it("refuses any other value, naming the line and the field", () => {
    const text = DEMO.replace("  maxWindowHours: 24\n", "  maxWindowHours: 24\n  callNumber: optional\n");
    expect(text).not.toBe(DEMO);
    const error = policyError(text);
    expect(error.message).toMatch(/policies\/x\.yml:\d+:\d+/);
    expect(error.message).toContain("requesting.callNumber");
  });
});

describe("disclosure.callNumber", () => {
  it("defaults to required for every preset but North Wales Housing, whose release form takes the number 'if known'", () => {
    for (const name of [...PRESETS, "ecs"].filter((n) => n !== "north-wales-housing")) {
      expect(parsePolicy(readFileSync(`policies/${name}.yml`, "utf8"), `${name}.yml`).disclosure.callNumber, name).toBe("required");
    }
    const nwh = parsePolicy(readFileSync("policies/north-wales-housing.yml", "utf8"), "north-wales-housing.yml");
    expect([nwh.disclosure.callNumber, nwh.requesting.callNumber]).toEqual(["if-known", "required"]);
  });

  it("refuses any other value, naming the line and the field", () => {
    const text = DEMO.replace("disclosure:\n", "disclosure:\n  callNumber: sometimes\n");
    expect(text).not.toBe(DEMO);
    const error = policyError(text);
    expect(error.message).toMatch(/policies\/x\.yml:\d+:\d+ disclosure\.callNumber/);
  });
});

describe("the request forms' number hint", () => {
  const purposes = [{ id: "p", label: "P", reasonPrompt: "Why?", needsConsent: false, requestTypes: ["recording"] }];
  const sites = [{ id: "main", name: "Main office" }];
  const slack = (numberIfKnown: boolean) => JSON.stringify(requestFormView({ purposes, sites, values: {}, callTime: { timeOptional: true, maxRangeDays: 0, numberIfKnown } }).blocks);
  const teams = (numberIfKnown: boolean) => JSON.stringify(requestFormCard({ purposes, sites, staff: [], values: {}, callTime: { timeOptional: true, maxRangeDays: 0, numberIfKnown } }));

  it("asks for the number, the extension or who was on the call where the policy takes them if known", () => {
    expect(slack(true)).toContain("Give this, the extension or who was on the call.");
    expect(teams(true)).toContain("External number, if known (give this, the extension or who was on the call)");
    expect(slack(false)).toContain("Give this or the extension.");
    expect(teams(false)).toContain("External number (give this or the extension)");
  });
});
