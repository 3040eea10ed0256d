/**
 * "Date and time of the call if known" (ECS; North Wales Housing's release
 * form: "Date, time and telephone number (if known)"): where the policy says
 * the time is optional (requesting.callTime: if-known), a request may give a
 * day without a time, or a range of days up to requesting.maxRangeDays, and
 * the recording search follows that window.
 */
import { describe, expect, it } from "vitest";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { addRecording, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { refusal } from "../support/expect-code.ts";
import { safeguardingRequest } from "../support/inputs.ts";
import { P, testPolicy, testPolicyInput } from "../support/test-policy.ts";

const ifKnown = () => testPolicy({ requesting: { ...testPolicyInput.requesting, callTime: "if-known", maxRangeDays: 3 } });

describe.each(DATABASE_KINDS)("call time if known on %s", (kind) => {
  const t = useTestCore(kind, () => ({ policy: ifKnown() }));

  it("searches the whole day when the time is left out, and finds a call early in the morning (UK time)", async () => {
    const early = await addRecording(t.ctx, { startedAt: new Date("2026-11-19T07:05:00Z") });
    await addRecording(t.ctx, { startedAt: new Date("2026-11-20T00:30:00Z") }); // the next day
    const submitted = await submitRequest(t.ctx, safeguardingRequest({ time: "" }));
    expect(submitted).toMatchObject({ status: "PENDING_APPROVAL" });
    const row = await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: submitted.id } });
    expect([row.windowStart.toISOString(), row.windowEnd.toISOString()]).toEqual(["2026-11-19T00:00:00.000Z", "2026-11-20T00:00:00.000Z"]);
    await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.northHead, outcome: "approve" });
    const fulfilled = await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: submitted.id } });
    expect(fulfilled).toMatchObject({ status: "FULFILLED", recordingId: early.id });
  });

  it("follows British Summer Time for the day's bounds", async () => {
    const submitted = await submitRequest(t.ctx, safeguardingRequest({ date: "2026-07-01", time: undefined }));
    const row = await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: submitted.id } });
    expect([row.windowStart.toISOString(), row.windowEnd.toISOString()]).toEqual(["2026-06-30T23:00:00.000Z", "2026-07-01T23:00:00.000Z"]);
  });

  it("accepts a range of whole days up to maxRangeDays and refuses a wider, reversed or future one beside the last day", async () => {
    const submitted = await submitRequest(t.ctx, safeguardingRequest({ date: "2026-11-16", dateTo: "2026-11-18", time: undefined }));
    const row = await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: submitted.id } });
    expect([row.windowStart.toISOString(), row.windowEnd.toISOString()]).toEqual(["2026-11-16T00:00:00.000Z", "2026-11-19T00:00:00.000Z"]);
    expect(await refusal(submitRequest(t.ctx, safeguardingRequest({ date: "2026-11-15", dateTo: "2026-11-18", time: undefined })))).toMatchObject({ code: "WINDOW_TOO_WIDE", field: "dateTo" });
    expect(await refusal(submitRequest(t.ctx, safeguardingRequest({ date: "2026-11-18", dateTo: "2026-11-16", time: undefined })))).toMatchObject({ code: "INVALID_INPUT", field: "dateTo" });
    expect(await refusal(submitRequest(t.ctx, safeguardingRequest({ date: "2026-11-19", dateTo: "2026-11-21", time: undefined })))).toMatchObject({ code: "DATE_IN_FUTURE", field: "dateTo" });
    expect(await refusal(submitRequest(t.ctx, safeguardingRequest({ date: "2026-11-16", dateTo: "2026-11-17", time: "10:00" })))).toMatchObject({ code: "INVALID_INPUT", field: "time" });
    expect(await t.ctx.db.recordingRequest.count()).toBe(1);
  });

  it("still needs the time, and refuses a range, where the policy does not say 'if known'", async () => {
    t.ctx.policy = testPolicy();
    expect(await refusal(submitRequest(t.ctx, safeguardingRequest({ time: "" })))).toMatchObject({ code: "INVALID_INPUT", field: "time" });
    expect(await refusal(submitRequest(t.ctx, safeguardingRequest({ dateTo: "2026-11-19", time: undefined })))).toMatchObject({ code: "INVALID_INPUT", field: "dateTo" });
    expect(await t.ctx.db.recordingRequest.count()).toBe(0);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "request.refused" } })).toBe(2);
  });

  it("keeps the extension and external number optional when the other is given, and the parties optional", async () => {
    await expect(submitRequest(t.ctx, safeguardingRequest({ number: undefined, extension: "102", parties: undefined }))).resolves.toMatchObject({ status: "PENDING_APPROVAL" });
    await expect(submitRequest(t.ctx, safeguardingRequest({ extension: undefined, parties: "" }))).resolves.toMatchObject({ status: "PENDING_APPROVAL" });
  });
});
