import { describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { hashToken } from "../../src/core/playback/issue-playback-grant.ts";
import { fulfilRequest } from "../../src/core/requests/fulfil-request.ts";
import { listMyRequests } from "../../src/core/requests/list-my-requests.ts";
import { listPendingActions } from "../../src/core/requests/list-pending-actions.ts";
import { recordConsent } from "../../src/core/requests/record-consent.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { withdrawRequest } from "../../src/core/requests/withdraw-request.ts";
import { addRecording, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { expectCode } from "../support/expect-code.ts";
import { P } from "../support/test-policy.ts";
import { safeguardingRequest } from "../support/inputs.ts";

const CALL_AT = new Date("2026-11-19T14:35:00Z");

const safeguarding = safeguardingRequest;

describe.each(DATABASE_KINDS)("request lifecycle on %s", (kind) => {
  const t = useTestCore(kind);

  it("asks the policy's authorisers for the call's site and confirms to the requester", async () => {
    const view = await submitRequest(t.ctx, safeguarding());
    expect(view.reference).toMatch(/^CG-\d{6}$/);
    expect(view.status).toBe("PENDING_APPROVAL");
    expect(view.site?.id).toBe("north");
    expect(view.windowText).toBe("Thu 19 Nov 2026, 14:00 to 15:00");
    await t.deliver();
    expect(t.channel.to(P.requester, "request-submitted")).toHaveLength(1);
    // The north principal and the CEO may authorise; the south principal may not.
    expect(t.channel.to(P.northHead, "approval-needed")).toHaveLength(1);
    expect(t.channel.to(P.ceo, "approval-needed")).toHaveLength(1);
    expect(t.channel.to(P.southHead)).toHaveLength(0);
  });

  it("matches the only candidate on approval and gives the requester alone a playback link", async () => {
    const recording = await addRecording(t.ctx, { startedAt: CALL_AT });
    const submitted = await submitRequest(t.ctx, safeguarding());
    const decided = await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.northHead, outcome: "approve" });
    expect(decided.status).toBe("FULFILLED");
    await t.deliver();

    const granted = t.channel.sent.filter((s) => s.notice.kind === "access-granted");
    expect(granted.map((g) => g.to)).toEqual([P.requester]);
    const notice = granted[0]!.notice;
    if (notice.kind !== "access-granted") throw new Error("unreachable");
    const token = notice.playbackUrl.split("/play/")[1]!;
    expect(token.length).toBeGreaterThanOrEqual(43);
    expect(notice.expiresAt.toISOString()).toBe("2026-11-27T12:00:00.000Z");

    const grant = await t.ctx.db.playbackGrant.findFirstOrThrow({ where: { requestId: submitted.id } });
    expect(grant.recordingId).toBe(recording.id);
    expect(grant.tokenHash).toBe(hashToken(token));
    // Once delivered, the raw token is nowhere in the database.
    const outbox = await t.ctx.db.outboxMessage.findMany();
    expect(JSON.stringify(outbox)).not.toContain(token);
    expect(outbox.every((o) => o.status === "SENT")).toBe(true);
  });

  it("updates every authoriser's message after a decision", async () => {
    const submitted = await submitRequest(t.ctx, safeguarding());
    await t.deliver();
    await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.ceo, outcome: "deny", reason: "Not proportionate to the concern" });
    await t.deliver();
    const promptIds = t.channel.sent.filter((s) => s.notice.kind === "approval-needed").map((s) => s.messageId);
    expect(promptIds).toHaveLength(2);
    for (const id of promptIds) {
      const last = t.channel.updates.filter((u) => u.messageId === id).at(-1);
      expect(last?.notice.kind === "approval-needed" && last.notice.request.status).toBe("DENIED");
    }
    const outcome = t.channel.to(P.requester, "request-outcome")[0];
    expect(outcome?.kind === "request-outcome" && outcome.request.decisions[0]?.reason).toBe("Not proportionate to the concern");
  });

  it("refuses an approval by the requester", async () => {
    const submitted = await submitRequest(t.ctx, safeguarding({ requesterEmail: P.northHead }));
    await expectCode(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.northHead, outcome: "approve" }), "SELF_APPROVAL");
    expect(await t.ctx.db.decision.count()).toBe(0);
  });

  it("refuses an approval by someone without the role, or with it only for another site", async () => {
    const submitted = await submitRequest(t.ctx, safeguarding());
    await expectCode(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.it, outcome: "approve" }), "FORBIDDEN");
    await expectCode(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.southHead, outcome: "approve" }), "FORBIDDEN");
    await expectCode(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.outsider, outcome: "approve" }), "NOT_SET_UP");
    expect(await t.ctx.db.decision.count()).toBe(0);
  });

  it("refuses a denial without a reason, and a second decision after the first", async () => {
    const submitted = await submitRequest(t.ctx, safeguarding());
    await expectCode(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.ceo, outcome: "deny", reason: " " }), "REASON_REQUIRED");
    await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.ceo, outcome: "deny", reason: "Insufficient grounds" });
    const again = await expectCode(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.northHead, outcome: "approve" }), "ALREADY_DECIDED");
    expect(again.message).toContain("Farid Khan");
  });

  it("needs a director and the DPO, two different people, for disciplinary requests", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const submitted = await submitRequest(t.ctx, safeguarding({ purposeId: "disciplinary" }));
    const first = await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.ceo, outcome: "approve" });
    expect(first.status).toBe("PENDING_APPROVAL");
    expect(first.approvals).toEqual({ needed: 2, given: 1, waitingFor: ["Data Protection Officer"] });
    await expectCode(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.ceo, outcome: "approve" }), "ALREADY_DONE");
    const second = await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.dpo, outcome: "approve" });
    expect(second.status).toBe("FULFILLED");
    const grant = await t.ctx.db.playbackGrant.findFirstOrThrow({ where: { requestId: submitted.id } });
    expect(grant.expiresAt.toISOString()).toBe("2026-11-22T12:00:00.000Z");
  });

  it("asks the fulfiller to choose when several calls match, and lets them say none does", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const other = await addRecording(t.ctx, { startedAt: new Date("2026-11-19T14:50:00Z") });
    await addRecording(t.ctx, { startedAt: new Date("2026-11-19T18:00:00Z") }); // outside the window
    const submitted = await submitRequest(t.ctx, safeguarding());
    const decided = await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.ceo, outcome: "approve" });
    expect(decided.status).toBe("AWAITING_FULFILMENT");
    await t.deliver();
    const ask = t.channel.to(P.it, "fulfilment-needed")[0];
    expect(ask?.kind === "fulfilment-needed" && ask.candidates.map((c) => c.maskedNumber)).toEqual(["+44 •••••••001", "+44 •••••••001"]);

    await expectCode(fulfilRequest(t.ctx, { requestId: submitted.id, fulfillerEmail: P.ceo, recordingId: other.id }), "FORBIDDEN");
    const done = await fulfilRequest(t.ctx, { requestId: submitted.id, fulfillerEmail: P.it, recordingId: other.id });
    expect(done.status).toBe("FULFILLED");
    expect((await t.ctx.db.playbackGrant.findFirstOrThrow()).recordingId).toBe(other.id);

    const second = await submitRequest(t.ctx, safeguarding({ number: "020 7946 0999" }));
    await recordDecision(t.ctx, { requestId: second.id, deciderEmail: P.ceo, outcome: "approve" });
    const notFound = await fulfilRequest(t.ctx, { requestId: second.id, fulfillerEmail: P.it, notFound: true });
    expect(notFound.status).toBe("NOT_FOUND");
  });

  it("asks the recorded employee's consent before training use, and stops if they refuse", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const submitted = await submitRequest(t.ctx, safeguarding({ purposeId: "training", employeeEmail: P.staff }));
    const decided = await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.northHead, outcome: "approve" });
    expect(decided.status).toBe("AWAITING_CONSENT");
    await t.deliver();
    expect(t.channel.to(P.staff, "consent-needed")).toHaveLength(1);
    await expectCode(recordConsent(t.ctx, { requestId: submitted.id, employeeEmail: P.requester, given: true }), "FORBIDDEN");
    const refused = await recordConsent(t.ctx, { requestId: submitted.id, employeeEmail: P.staff, given: false });
    expect(refused.status).toBe("CONSENT_REFUSED");
    expect(await t.ctx.db.playbackGrant.count()).toBe(0);
  });

  it("lets staff request only their own calls", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT, siteId: "south", extension: "201" });
    await addRecording(t.ctx, { startedAt: CALL_AT, siteId: "south", extension: "202" });
    const submitted = await submitRequest(t.ctx, safeguarding({ requesterEmail: P.staff, purposeId: "own-calls", number: undefined, reason: "" }));
    const decided = await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.southHead, outcome: "approve" });
    expect(decided.status).toBe("FULFILLED");
    const grant = await t.ctx.db.playbackGrant.findFirstOrThrow({ include: { recording: true } });
    expect(grant.recording?.extension).toBe("201");
    await expectCode(submitRequest(t.ctx, safeguarding({ requesterEmail: P.staff })), "FORBIDDEN");
  });

  it("shows what waits for each person and lets the requester withdraw", async () => {
    const submitted = await submitRequest(t.ctx, safeguarding());
    expect((await listPendingActions(t.ctx, { email: P.ceo })).toAuthorise.map((r) => r.id)).toEqual([submitted.id]);
    expect((await listPendingActions(t.ctx, { email: P.requester })).toAuthorise).toHaveLength(0);
    await expectCode(withdrawRequest(t.ctx, { requestId: submitted.reference, requesterEmail: P.ceo }), "FORBIDDEN");
    await withdrawRequest(t.ctx, { requestId: submitted.reference, requesterEmail: P.requester });
    expect((await listMyRequests(t.ctx, { email: P.requester }))[0]?.status).toBe("WITHDRAWN");
    expect((await listPendingActions(t.ctx, { email: P.ceo })).toAuthorise).toHaveLength(0);
  });

  it("writes an audit entry for every step and the chain verifies", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const submitted = await submitRequest(t.ctx, safeguarding());
    await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.ceo, outcome: "approve" });
    const actions = (await t.ctx.db.auditEntry.findMany({ where: { requestId: submitted.id }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["request.submitted", "request.approved", "request.authorised", "request.fulfilled", "grant.issued"]);
    const all = JSON.stringify(await t.ctx.db.auditEntry.findMany(), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    expect(all).not.toContain("2079460001");
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });
});
