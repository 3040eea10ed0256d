/**
 * The authorisation shapes of the seed documents, through the core commands:
 * the requester's own role decides (Vision Academy §3.1), a note every
 * approval must carry (LIFE §2, ECS disciplinary), no authoriser with a
 * conflict of interest (North Wales Housing Appendix 1 row 4), own calls
 * authorised by the HR manager (Oxford Open Learning), and covert
 * monitoring only on a ground the policy lists (LIFE §4).
 */
import { describe, expect, it } from "vitest";
import { authoriseCovertMonitoring } from "../../src/core/covert/authorise-covert-monitoring.ts";
import { listCovertAuthorisations } from "../../src/core/covert/list-covert-authorisations.ts";
import { loadPolicyFile } from "../../src/core/policy/load-policy.ts";
import { testPolicy, testPolicyInput, P } from "../support/test-policy.ts";
import type { Policy } from "../../src/core/policy/schema.ts";
import type { CoreContext } from "../../src/core/context.ts";
import { fulfilRequest } from "../../src/core/requests/fulfil-request.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { SHAPE_PURPOSES } from "../support/authorisation-shapes-policy.ts";
import { addRecording, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { expectCode } from "../support/expect-code.ts";
import { safeguardingRequest } from "../support/inputs.ts";

const CALL_AT = new Date("2026-11-19T14:35:00Z");

/** The test policy with the shapes under test: the CEO answers extension 105. */
function shapesPolicy(): Policy {
  return testPolicy({
    people: testPolicyInput.people.map((p) => (p.email === P.ceo ? { ...p, extensions: ["105"] } : p)),
    purposes: [...testPolicyInput.purposes, ...SHAPE_PURPOSES],
    covertMonitoring: {
      allowed: true,
      authoriserRoles: ["ceo"],
      grounds: [
        { id: "illegal-or-unauthorised", label: "Good cause to suspect an illegal or unauthorised action" },
        { id: "serious-misconduct", label: "Grounds to suspect serious misconduct" },
      ],
    },
  });
}

const oolPolicy = await loadPolicyFile("policies/oxford-open-learning-trust.yml");

async function auditActions(t: { ctx: CoreContext }) {
  return t.ctx.db.auditEntry.findMany({ orderBy: { seq: "asc" } });
}

describe.each(DATABASE_KINDS)("authorisation shapes on %s", (kind) => {
  const t = useTestCore(kind, () => ({ policy: shapesPolicy() }));

  describe("the requester's own role decides (Vision Academy §3.1)", () => {
    it("authorises as it is made, audited with the role, and plays at once where one call fits", async () => {
      await addRecording(t.ctx, { startedAt: CALL_AT });
      const view = await submitRequest(t.ctx, safeguardingRequest({ purposeId: "slt-decision" }));
      expect(view.status).toBe("FULFILLED");
      expect(view.selfAuthorisedBy).toBe("Senior Leadership Team");
      expect(view.approvals.needed).toBe(0);
      expect(await t.ctx.db.decision.count()).toBe(0);
      const entries = await auditActions(t);
      const self = entries.find((e) => e.action === "request.self-authorised");
      expect(self?.actor).toBe(P.requester);
      expect(self?.details).toMatchObject({ role: "Senior Leadership Team" });
      const actions = entries.map((e) => e.action);
      expect(actions.indexOf("request.self-authorised")).toBeGreaterThan(actions.indexOf("request.submitted"));
      expect(actions.indexOf("request.fulfilled")).toBeGreaterThan(actions.indexOf("request.self-authorised"));
      await t.deliver();
      expect(t.channel.sent.filter((s) => s.notice.kind === "approval-needed")).toHaveLength(0);
      expect(t.channel.to(P.requester, "access-granted")).toHaveLength(1);
    });

    it("sends the IT Manager to find the call from metadata, who has no veto", async () => {
      await addRecording(t.ctx, { startedAt: CALL_AT });
      const other = await addRecording(t.ctx, { startedAt: new Date("2026-11-19T14:40:00Z") });
      const view = await submitRequest(t.ctx, safeguardingRequest({ purposeId: "slt-decision" }));
      expect(view.status).toBe("AWAITING_FULFILMENT");
      await t.deliver();
      expect(t.channel.to(P.it, "fulfilment-needed")).toHaveLength(1);
      // The IT Manager cannot decide (deny) the request: only find the call.
      await expectCode(recordDecision(t.ctx, { requestId: view.id, deciderEmail: P.it, outcome: "deny", reason: "I do not think this is needed" }), "ALREADY_DECIDED");
      const done = await fulfilRequest(t.ctx, { requestId: view.id, fulfillerEmail: P.it, recordingId: other.id });
      expect(done.status).toBe("FULFILLED");
    });

    it("keeps self-approval forbidden for a purpose authorised by approvals", async () => {
      const view = await submitRequest(t.ctx, safeguardingRequest({ requesterEmail: P.northHead }));
      expect(view.selfAuthorisedBy).toBeNull();
      await expectCode(recordDecision(t.ctx, { requestId: view.id, deciderEmail: P.northHead, outcome: "approve" }), "SELF_APPROVAL");
    });
  });

  describe("an approval note the purpose requires (ECS disciplinary, LIFE §2)", () => {
    it("refuses an approval without a long enough note, naming the prompt, and audits the refusal", async () => {
      const view = await submitRequest(t.ctx, safeguardingRequest({ purposeId: "disciplinary-release" }));
      expect(view.approvalNote).toEqual({ prompt: "Record the Data Controller's written agreement", minLength: 15 });
      const missing = await expectCode(recordDecision(t.ctx, { requestId: view.id, deciderEmail: P.ceo, outcome: "approve" }), "INVALID_INPUT");
      expect(missing.field).toBe("note");
      expect(missing.message).toContain("Record the Data Controller's written agreement");
      const short = await expectCode(recordDecision(t.ctx, { requestId: view.id, deciderEmail: P.ceo, outcome: "approve", note: "  agreed  " }), "INVALID_INPUT");
      expect(short.message).toContain("you wrote 6");
      expect(await t.ctx.db.decision.count()).toBe(0);
      const refusals = (await auditActions(t)).filter((e) => e.action === "decision.refused");
      expect(refusals).toHaveLength(2);
      expect(refusals[0]?.actor).toBe(P.ceo);
    });

    it("keeps the note with the decision, in the audit entry and in what the requester is shown", async () => {
      await addRecording(t.ctx, { startedAt: CALL_AT });
      const view = await submitRequest(t.ctx, safeguardingRequest({ purposeId: "disciplinary-release" }));
      const note = "Written agreement of the Data Controller, e-mail of 18/11/2026";
      const decided = await recordDecision(t.ctx, { requestId: view.id, deciderEmail: P.ceo, outcome: "approve", note: `  ${note}\u0000 ` });
      expect(decided.status).toBe("FULFILLED");
      expect(decided.decisions[0]?.note).toBe(note);
      expect((await t.ctx.db.decision.findFirstOrThrow()).note).toBe(note);
      const approved = (await auditActions(t)).find((e) => e.action === "request.approved");
      expect(approved?.details).toMatchObject({ note });
      await t.deliver();
      const outcome = t.channel.to(P.requester, "request-outcome")[0];
      expect(outcome?.kind === "request-outcome" && outcome.request.decisions[0]?.note).toBe(note);
    });

    it("refuses a denial without a reason but asks no note of it", async () => {
      const view = await submitRequest(t.ctx, safeguardingRequest({ purposeId: "disciplinary-release" }));
      const denied = await recordDecision(t.ctx, { requestId: view.id, deciderEmail: P.ceo, outcome: "deny", reason: "No disciplinary process is open" });
      expect(denied.status).toBe("DENIED");
      expect(denied.decisions[0]?.note).toBeNull();
    });
  });

  describe("conflict of interest (North Wales Housing Appendix 1 row 4)", () => {
    it("asks for the member of staff the request concerns, and checks they are in the policy", async () => {
      const none = await expectCode(submitRequest(t.ctx, safeguardingRequest({ purposeId: "staff-investigation" })), "INVALID_INPUT");
      expect(none.field).toBe("concernsEmail");
      const unknown = await expectCode(submitRequest(t.ctx, safeguardingRequest({ purposeId: "staff-investigation", concernsEmail: "someone@else.example" })), "INVALID_INPUT");
      expect(unknown.field).toBe("concernsEmail");
      const notAsked = await expectCode(submitRequest(t.ctx, safeguardingRequest({ concernsEmail: P.northHead })), "INVALID_INPUT");
      expect(notAsked.field).toBe("concernsEmail");
      expect(await t.ctx.db.recordingRequest.count()).toBe(0);
    });

    it("never asks the member of staff concerned, and refuses their approval with CONFLICT_OF_INTEREST", async () => {
      const view = await submitRequest(t.ctx, safeguardingRequest({ purposeId: "staff-investigation", concernsEmail: "AMARA@trust.example" }));
      expect(view.concerns).toEqual({ email: P.northHead, name: "Amara Okafor" });
      expect(view.authoriserEmails).toEqual([P.ceo]);
      await t.deliver();
      expect(t.channel.to(P.northHead, "approval-needed")).toHaveLength(0);
      expect(t.channel.to(P.ceo, "approval-needed")).toHaveLength(1);
      const refused = await expectCode(recordDecision(t.ctx, { requestId: view.id, deciderEmail: P.northHead, outcome: "deny", reason: "This is about me, not needed" }), "CONFLICT_OF_INTEREST");
      expect(refused.message).toContain("the request concerns you");
      const audit = (await auditActions(t)).find((e) => e.action === "decision.refused");
      expect(audit?.actor).toBe(P.northHead);
      expect(JSON.stringify(audit?.details)).toContain("CONFLICT_OF_INTEREST");
      expect(await t.ctx.db.decision.count()).toBe(0);
      const approved = await recordDecision(t.ctx, { requestId: view.id, deciderEmail: P.ceo, outcome: "approve" });
      expect(approved.status).not.toBe("PENDING_APPROVAL");
    });

    it("refuses a party to the call, named in the parties or on the call's extension", async () => {
      const named = await submitRequest(t.ctx, safeguardingRequest({ parties: "Farid Khan and a parent" }));
      expect(named.authoriserEmails).toEqual([P.northHead]);
      const r1 = await expectCode(recordDecision(t.ctx, { requestId: named.id, deciderEmail: P.ceo, outcome: "approve" }), "CONFLICT_OF_INTEREST");
      expect(r1.message).toContain("you were a party to the call");
      const onExtension = await submitRequest(t.ctx, safeguardingRequest({ extension: "105" }));
      await expectCode(recordDecision(t.ctx, { requestId: onExtension.id, deciderEmail: P.ceo, outcome: "approve" }), "CONFLICT_OF_INTEREST");
      // Someone merely sharing part of a name is not a party.
      const unrelated = await submitRequest(t.ctx, safeguardingRequest({ parties: "Mr Farida Khanum" }));
      expect(unrelated.authoriserEmails).toEqual(expect.arrayContaining([P.ceo]));
    });

    it("refuses a request only a conflicted person could authorise, writing nothing", async () => {
      const refused = await expectCode(submitRequest(t.ctx, safeguardingRequest({ purposeId: "ceo-only-investigation", concernsEmail: P.ceo })), "CONFLICT_OF_INTEREST");
      expect(refused.field).toBe("concernsEmail");
      expect(await t.ctx.db.recordingRequest.count()).toBe(0);
      expect((await auditActions(t)).map((e) => e.action).filter((a) => a !== "identity.linked")).toEqual(["request.refused"]);
    });
  });

  describe("covert monitoring only on a listed ground (LIFE §4)", () => {
    const covert = (over: Record<string, unknown> = {}) => ({
      actorEmail: P.ceo,
      staffEmails: [P.staff],
      reason: "Good cause to suspect calls are being used to sell pupils' data",
      newInvestigation: "Suspected data selling",
      ...over,
    });

    it("refuses an authorisation without a ground, naming the choices, and audits it", async () => {
      const missing = await expectCode(authoriseCovertMonitoring(t.ctx, covert()), "INVALID_INPUT");
      expect(missing.field).toBe("ground");
      expect(missing.message).toContain('"serious-misconduct" (Grounds to suspect serious misconduct)');
      const wrong = await expectCode(authoriseCovertMonitoring(t.ctx, covert({ ground: "curiosity" })), "INVALID_INPUT");
      expect(wrong.message).toContain('"curiosity" is not one of the grounds');
      expect(await t.ctx.db.covertAuthorisation.count()).toBe(0);
      expect((await auditActions(t)).filter((e) => e.action === "covert.refused")).toHaveLength(2);
    });

    it("stores and audits the ground, and shows it in the listing", async () => {
      const view = await authoriseCovertMonitoring(t.ctx, covert({ ground: "serious-misconduct" }));
      expect(view.ground).toEqual({ id: "serious-misconduct", label: "Grounds to suspect serious misconduct" });
      expect((await t.ctx.db.covertAuthorisation.findFirstOrThrow()).ground).toBe("serious-misconduct");
      const audit = (await auditActions(t)).find((e) => e.action === "covert.authorised");
      expect(audit?.details).toMatchObject({ ground: "serious-misconduct" });
      const listed = await listCovertAuthorisations(t.ctx, { actorEmail: P.dpo, all: false });
      expect(listed.map((v) => v.ground?.id)).toEqual(["serious-misconduct"]);
    });
  });
});

describe.each(DATABASE_KINDS)("own calls authorised by the HR manager (Oxford Open Learning) on %s", (kind) => {
  const t = useTestCore(kind, { policy: oolPolicy });
  const ADVISER = "student.adviser@oolt.example";
  const HR = "hr.manager@oolt.example";
  const own = { requesterEmail: ADVISER, purposeId: "own-calls", date: "2026-11-19", time: "14:30", windowMinutes: 30, reason: "Coaching on a difficult call" };

  it("lets a member of staff ask for their own call, which the HR manager authorises, and finds only their own calls", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT, siteId: "oolt", extension: "300" }); // someone else's call
    const mine = await addRecording(t.ctx, { startedAt: new Date("2026-11-19T14:20:00Z"), siteId: "oolt", extension: "301", staffEmail: ADVISER });
    const view = await submitRequest(t.ctx, own);
    expect(view.authoriserEmails).toEqual([HR]);
    await t.deliver();
    expect(t.channel.to(HR, "approval-needed")).toHaveLength(1);
    // "Who can monitor calls?" names others as authorised people, but not for an employee's own calls.
    await expectCode(recordDecision(t.ctx, { requestId: view.id, deciderEmail: "customer.service.manager@oolt.example", outcome: "approve" }), "FORBIDDEN");
    await expectCode(recordDecision(t.ctx, { requestId: view.id, deciderEmail: ADVISER, outcome: "approve" }), "SELF_APPROVAL");
    const decided = await recordDecision(t.ctx, { requestId: view.id, deciderEmail: HR, outcome: "approve" });
    expect(decided.status).toBe("FULFILLED");
    const grant = await t.ctx.db.playbackGrant.findFirstOrThrow({ where: { requestId: view.id } });
    expect(grant.recordingId).toBe(mine.id);
    expect(grant.requesterEmail).toBe(ADVISER);
  });

  it("lets only the staff the purpose names ask for their own calls", async () => {
    await expectCode(submitRequest(t.ctx, { ...own, requesterEmail: "greg.smith@oolt.example" }), "FORBIDDEN");
  });
});
