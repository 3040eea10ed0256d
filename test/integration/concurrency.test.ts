import { beforeEach, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { isAppError } from "../../src/core/errors.ts";
import { chasePendingRequests } from "../../src/core/jobs/chase-pending-requests.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { addRecording, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { P } from "../support/test-policy.ts";

const request = { requesterEmail: P.requester, purposeId: "safeguarding", date: "2026-11-19", time: "14:30", number: "020 7946 0001", reason: "Abusive call reported by the office" };

describe.each(DATABASE_KINDS)("acting at once on %s", (kind) => {
  const t = useTestCore(kind, { poolSize: 20 });
  beforeEach(async () => {
    await addRecording(t.ctx, { startedAt: new Date("2026-11-19T14:35:00Z") });
  });

  it("records exactly one transition when two authorisers approve at the same moment", async () => {
    const submitted = await submitRequest(t.ctx, request);
    const results = await Promise.allSettled([P.ceo, P.northHead].map((who) => recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: who, outcome: "approve" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect(rejected?.status === "rejected" && isAppError(rejected.reason) && rejected.reason.code).toBe("ALREADY_DECIDED");
    expect(await t.ctx.db.playbackGrant.count()).toBe(1);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "request.fulfilled" } })).toBe(1);
  });

  it("turns 30 simultaneous clicks by one authoriser into one decision and one set of audit entries", async () => {
    const submitted = await submitRequest(t.ctx, request);
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.ceo, outcome: "approve" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(isAppError(r.reason), String(r.reason)).toBe(true);
    expect(await t.ctx.db.decision.count()).toBe(1);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "request.approved" } })).toBe(1);
    expect(await t.ctx.db.playbackGrant.count()).toBe(1);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it("lets two instances run the reminder job together without double reminders", async () => {
    await submitRequest(t.ctx, request);
    t.clock.advance(25 * 3600_000);
    const [a, b] = await Promise.all([chasePendingRequests(t.ctx), chasePendingRequests(t.ctx)]);
    expect(a.reminded + b.reminded).toBe(1);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "request.reminded" } })).toBe(1);
  });
});

describe.each(DATABASE_KINDS)("retried submissions on %s", (kind) => {
  const t = useTestCore(kind, { poolSize: 10 });

  it("creates one request however often, and however concurrently, a submission is retried", async () => {
    const retried = { ...request, submissionKey: "V0123ABCD" };
    const views = await Promise.all(Array.from({ length: 5 }, () => submitRequest(t.ctx, retried)));
    const again = await submitRequest(t.ctx, retried);
    expect(new Set([...views, again].map((v) => v.id)).size).toBe(1);
    expect(await t.ctx.db.recordingRequest.count()).toBe(1);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "request.submitted" } })).toBe(1);
    await expect(submitRequest(t.ctx, { ...retried, requesterEmail: P.northHead })).rejects.toMatchObject({ code: "CONFLICT" });
  });
});
