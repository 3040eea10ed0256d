/**
 * "Telephone extension used to make/receive the call if known", "External
 * number involved if known", "Where possible, the names of all parties to the
 * telephone call" (ECS): where the policy takes the number and extension "if
 * known" (requesting.callNumber: if-known), a request may say which call it
 * was by its day and the names of its parties alone. The fulfiller then picks
 * the call, searching by what is known; a request that names nothing is
 * refused with a message saying what would identify the call.
 */
import { describe, expect, it } from "vitest";
import { fulfilRequest } from "../../src/core/requests/fulfil-request.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { explainPolicy } from "../../src/core/policy/explain-policy.ts";
import { addRecording, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { expectCode } from "../support/expect-code.ts";
import { safeguardingRequest } from "../support/inputs.ts";
import { P, testPolicy, testPolicyInput } from "../support/test-policy.ts";

const ifKnown = () => testPolicy({ requesting: { ...testPolicyInput.requesting, callTime: "if-known", callNumber: "if-known" } });
const byParties = (parties: string | undefined) => safeguardingRequest({ number: undefined, extension: undefined, time: undefined, direction: undefined, parties });

describe.each(DATABASE_KINDS)("a call identified by its day and parties on %s", (kind) => {
  const t = useTestCore(kind, () => ({ policy: ifKnown() }));

  it("refuses a request that says nothing about which call it was, naming what would", async () => {
    const refused = await expectCode(submitRequest(t.ctx, byParties(undefined)), "INVALID_INPUT");
    expect(refused.field).toBe("number");
    expect(refused.message).toBe("Nothing in the request says which call it was: give the external number, the extension or the names of the people on the call (any one of them will do), so it can be found.");
    await expectCode(submitRequest(t.ctx, byParties("   ")), "INVALID_INPUT");
    expect(await t.ctx.db.recordingRequest.count()).toBe(0);
    const refusals = await t.ctx.db.auditEntry.findMany({ where: { action: "request.refused" } });
    expect(refusals.map((e) => (e.details as { code?: string }).code)).toEqual(["INVALID_INPUT", "INVALID_INPUT"]);
  });

  it("never matches a call known only by its parties automatically, even when it is the only one that day", async () => {
    const only = await addRecording(t.ctx, { startedAt: new Date("2026-11-19T10:05:00Z"), number: "+441134960001", extension: "150" });
    const submitted = await submitRequest(t.ctx, byParties("Mrs Patel, a parent, and the office"));
    expect(submitted).toMatchObject({ status: "PENDING_APPROVAL", parties: "Mrs Patel, a parent, and the office" });
    const decided = await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.northHead, outcome: "approve" });
    expect(decided.status).toBe("AWAITING_FULFILMENT");
    const waiting = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "request.awaiting-fulfilment" } });
    expect(waiting.details).toMatchObject({ candidates: 1, fulfillers: [P.it], identifiedBy: "parties" });
    await t.deliver();
    expect(t.channel.to(P.it, "fulfilment-needed")).toHaveLength(1);
    const picked = await fulfilRequest(t.ctx, { requestId: submitted.id, fulfillerEmail: P.it, recordingId: only.id });
    expect(picked.status).toBe("FULFILLED");
  });

  it("searches the calls of the staff the parties name first, and the whole day when none of theirs is in it", async () => {
    const bens = await addRecording(t.ctx, { startedAt: new Date("2026-11-19T09:00:00Z"), extension: "102" });
    const other = await addRecording(t.ctx, { startedAt: new Date("2026-11-19T11:00:00Z"), extension: "150", number: "+441134960002" });
    const submitted = await submitRequest(t.ctx, { ...byParties("Ben Hughes and a parent"), requesterEmail: P.northHead, purposeId: "safeguarding" });
    await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.ceo, outcome: "approve" });
    // Ben's call on his extension is the one offered; the other call that day is not.
    await expectCode(fulfilRequest(t.ctx, { requestId: submitted.id, fulfillerEmail: P.it, recordingId: other.id }), "INVALID_INPUT");
    await expect(fulfilRequest(t.ctx, { requestId: submitted.id, fulfillerEmail: P.it, recordingId: bens.id })).resolves.toMatchObject({ status: "FULFILLED" });

    // Nobody on the call is in the policy: every call that day is offered.
    const unnamed = await submitRequest(t.ctx, { ...byParties("Mr Jones from the council"), submissionKey: "unnamed" });
    await recordDecision(t.ctx, { requestId: unnamed.id, deciderEmail: P.northHead, outcome: "approve" });
    await expect(fulfilRequest(t.ctx, { requestId: unnamed.id, fulfillerEmail: P.it, recordingId: other.id })).resolves.toMatchObject({ status: "FULFILLED" });
  });

  it("still matches automatically when a number is given", async () => {
    await addRecording(t.ctx, { startedAt: new Date("2026-11-19T14:20:00Z") });
    const submitted = await submitRequest(t.ctx, safeguardingRequest({ parties: "Mrs Patel" }));
    const decided = await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.northHead, outcome: "approve" });
    expect(decided.status).toBe("FULFILLED");
  });
});

describe.each(DATABASE_KINDS)("the number or extension required (the default) on %s", (kind) => {
  const t = useTestCore(kind);

  it("refuses a request naming only the parties, as before", async () => {
    expect(testPolicy().requesting.callNumber).toBe("required");
    const refused = await expectCode(submitRequest(t.ctx, safeguardingRequest({ number: undefined, parties: "Mrs Patel" })), "INVALID_INPUT");
    expect([refused.field, refused.message]).toEqual(["number", "Give the external number or the extension, so the call can be found."]);
  });
});

describe("policy explain", () => {
  it("says a call may be named by its parties, and that such a call is always picked by a person", () => {
    const text = explainPolicy(ifKnown()).replace(/\s+/g, " ");
    expect(text).toContain("The requester may leave out the external number and the extension if they do not know them, and name the people on the call instead; a request giving none of the three is refused.");
    expect(explainPolicy(testPolicy()).replace(/\s+/g, " ")).not.toContain("name the people on the call instead");
  });
});
