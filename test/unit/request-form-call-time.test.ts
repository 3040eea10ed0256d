/**
 * The request forms offer "time if known" and a range of days only where the
 * policy allows them (requesting.callTime, requesting.maxRangeDays), the same
 * on Slack and Teams; errors for the new "to" date land beside it.
 */
import { describe, expect, it } from "vitest";
import { requestFormView } from "../../src/adapters/slack/render/request-form.ts";
import { blockForField, formValues } from "../../src/adapters/slack/request-form-state.ts";
import { FORM_FIELDS, requestFormCard } from "../../src/adapters/teams/cards/request-form.ts";

const purposes = [{ id: "safeguarding", label: "Safeguarding", reasonPrompt: "What is the concern?", needsConsent: false, requestTypes: ["recording"] }];
const sites = [{ id: "main", name: "Main office" }];
const blocks = (callTime?: { timeOptional: boolean; maxRangeDays: number }) => requestFormView({ purposes, sites, values: {}, ...(callTime ? { callTime } : {}) }).blocks as Array<{ block_id?: string; optional?: boolean }>;
const inputs = (callTime?: { timeOptional: boolean; maxRangeDays: number }) => JSON.parse(JSON.stringify(requestFormCard({ purposes, sites, staff: [], values: {}, ...(callTime ? { callTime } : {}) }))).body as Array<{ id?: string; isRequired?: boolean }>;

describe("the request form's call time", () => {
  it("requires the time and offers no range by default (Slack and Teams)", () => {
    expect(blocks().find((b) => b.block_id === "time")?.optional).toBeUndefined();
    expect(blocks().some((b) => b.block_id === "dateTo")).toBe(false);
    expect(inputs().find((i) => i.id === "time")?.isRequired).toBe(true);
    expect(inputs().some((i) => i.id === "dateTo")).toBe(false);
  });

  it("makes the time optional and adds an optional last day where the policy allows", () => {
    const slack = blocks({ timeOptional: true, maxRangeDays: 7 });
    expect(slack.find((b) => b.block_id === "time")?.optional).toBe(true);
    expect(slack.find((b) => b.block_id === "dateTo")?.optional).toBe(true);
    const teams = inputs({ timeOptional: true, maxRangeDays: 7 });
    expect(teams.find((i) => i.id === "time")?.isRequired).toBeUndefined();
    expect(teams.find((i) => i.id === "dateTo")).toBeDefined();
    expect(FORM_FIELDS).toContain("dateTo");
  });

  it("reads the last day back from Slack's state and puts its error beside it", () => {
    const state = { dateTo: { value: { type: "datepicker", selected_date: "2026-11-18" } }, date: { value: { type: "datepicker", selected_date: "2026-11-16" } } };
    expect(formValues(state as never)).toMatchObject({ date: "2026-11-16", dateTo: "2026-11-18", time: undefined });
    expect(blockForField("dateTo", state as never)).toBe("dateTo");
  });
});
