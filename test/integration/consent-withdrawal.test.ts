import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/adapters/slack/ids.ts";
import { consentMessage } from "../../src/adapters/slack/render/consent-message.ts";
import { consentCard } from "../../src/adapters/teams/cards/consent-card.ts";
import { VERBS } from "../../src/adapters/teams/ids.ts";
import { noticeActions } from "../../src/core/notify/notice-actions.ts";
import { requestAccessExtension } from "../../src/core/playback/request-access-extension.ts";
import { fulfilRequest } from "../../src/core/requests/fulfil-request.ts";
import { recordConsent } from "../../src/core/requests/record-consent.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { loadRequestView, type RequestView } from "../../src/core/requests/request-view.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { withdrawConsent } from "../../src/core/requests/withdraw-consent.ts";
import { addRecording, useTestCore, type TestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { expectCode } from "../support/expect-code.ts";
import { hasAction } from "../support/fake-slack/payloads.ts";
import { slackTestbed, type SlackTestbed } from "../support/fake-slack/testbed.ts";
import { P, testPolicy } from "../support/test-policy.ts";

const CALL_AT = new Date("2026-11-19T14:35:00Z");

const training = {
  requesterEmail: P.requester,
  purposeId: "training",
  date: "2026-11-19",
  time: "14:30",
  number: "020 7946 0001",
  reason: "Induction training for new office staff",
  employeeEmail: P.staff,
};

/** A training request authorised, consented to and (with one matching call) delivered. */
async function consented(t: TestCore): Promise<RequestView> {
  const submitted = await submitRequest(t.ctx, training);
  await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.northHead, outcome: "approve" });
  return recordConsent(t.ctx, { requestId: submitted.id, employeeEmail: P.staff, given: true });
}

// The actions the core offers the employee, as each platform draws them.
const offered = (request: RequestView) => noticeActions(testPolicy(), { kind: "consent-needed", request }, P.staff);
const slackActions = (request: RequestView) => JSON.stringify(consentMessage(request, offered(request)).blocks);
const teamsActions = (request: RequestView) => JSON.stringify(consentCard(request, offered(request), { userId: "29:ellie" }).actions ?? []);

describe.each(DATABASE_KINDS)("withdrawing training consent on %s", (kind) => {
  const t = useTestCore(kind);

  it("revokes the requester's live access at once, tells them, and stops any more time", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const delivered = await consented(t);
    expect(delivered.status).toBe("FULFILLED");
    const grant = await t.ctx.db.playbackGrant.findFirstOrThrow({ where: { requestId: delivered.id } });
    await t.deliver();

    t.clock.advance(60 * 60_000);
    const after = await withdrawConsent(t.ctx, { requestId: delivered.reference, employeeEmail: P.staff });
    expect(after.status).toBe("CONSENT_REFUSED");
    const consent = await t.ctx.db.consent.findUniqueOrThrow({ where: { requestId: delivered.id } });
    expect(consent.withdrawnAt?.toISOString()).toBe("2026-11-20T13:00:00.000Z");
    const revoked = await t.ctx.db.playbackGrant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(revoked).toMatchObject({ revokedBy: P.staff });
    expect(revoked.revokedAt?.toISOString()).toBe("2026-11-20T13:00:00.000Z");

    const audit = await t.ctx.db.auditEntry.findMany({ where: { requestId: delivered.id, action: { in: ["grant.revoked", "consent.withdrawn"] } }, orderBy: { seq: "asc" } });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ["grant.revoked", P.staff],
      ["consent.withdrawn", P.staff],
    ]);

    await t.deliver();
    const ended = t.channel.to(P.requester, "access-ended");
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ reason: "revoked" });
    const told = t.channel.to(P.requester, "compliance-notice");
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ title: `Consent withdrawn for ${delivered.reference}` });
    expect(JSON.stringify(told[0])).toContain("Ellie Shaw has withdrawn their consent");
    // The employee's message is refreshed in place and no longer offers to withdraw.
    const prompt = t.channel.sent.find((s) => s.to === P.staff && s.notice.kind === "consent-needed")!;
    const latest = t.channel.updates.filter((u) => u.messageId === prompt.messageId).at(-1)!.notice;
    expect(latest.kind === "consent-needed" && latest.request.status).toBe("CONSENT_REFUSED");

    await expectCode(requestAccessExtension(t.ctx, { requestId: delivered.id, requesterEmail: P.requester, reason: "I still need it for the session" }), "FORBIDDEN");
    await expectCode(withdrawConsent(t.ctx, { requestId: delivered.id, employeeEmail: P.staff }), "ALREADY_DONE");
  });

  it("refuses pending requests for more time and ends grants that had already expired", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const delivered = await consented(t);
    t.clock.advance(8 * 24 * 60 * 60_000);
    const { extensionId } = await requestAccessExtension(t.ctx, { requestId: delivered.id, requesterEmail: P.requester, reason: "The training session moved to next week" });
    await withdrawConsent(t.ctx, { requestId: delivered.id, employeeEmail: P.staff });
    expect(await t.ctx.db.accessExtension.findUniqueOrThrow({ where: { id: extensionId } })).toMatchObject({ status: "DENIED", decidedBy: P.staff });
    expect(await t.ctx.db.playbackGrant.count({ where: { requestId: delivered.id, revokedAt: null } })).toBe(0);
    await t.deliver();
    expect(t.channel.to(P.requester, "access-ended")).toHaveLength(0);
    expect(t.channel.to(P.requester, "extension-outcome")).toHaveLength(1);
  });

  it("stops a request still waiting for its recording to be found", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const other = await addRecording(t.ctx, { startedAt: new Date(CALL_AT.getTime() + 5 * 60_000) });
    const waiting = await consented(t);
    expect(waiting.status).toBe("AWAITING_FULFILMENT");
    await withdrawConsent(t.ctx, { requestId: waiting.id, employeeEmail: P.staff });
    await expectCode(fulfilRequest(t.ctx, { requestId: waiting.id, fulfillerEmail: P.it, recordingId: other.id }), "ALREADY_DECIDED");
    expect(await t.ctx.db.playbackGrant.count()).toBe(0);
  });

  it("lets nobody but the recorded employee withdraw, and only after consenting", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const submitted = await submitRequest(t.ctx, training);
    await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.northHead, outcome: "approve" });
    await expectCode(withdrawConsent(t.ctx, { requestId: submitted.id, employeeEmail: P.staff }), "WRONG_STATE");
    await recordConsent(t.ctx, { requestId: submitted.id, employeeEmail: P.staff, given: true });
    for (const someoneElse of [P.requester, P.northHead, P.dpo]) {
      await expectCode(withdrawConsent(t.ctx, { requestId: submitted.id, employeeEmail: someoneElse }), "FORBIDDEN");
    }
    await expectCode(withdrawConsent(t.ctx, { requestId: submitted.id, employeeEmail: P.outsider }), "NOT_SET_UP");
    expect((await t.ctx.db.consent.findUniqueOrThrow({ where: { requestId: submitted.id } })).withdrawnAt).toBeNull();
    expect(await t.ctx.db.playbackGrant.count({ where: { revokedAt: null } })).toBe(1);

    const refusedOne = await submitRequest(t.ctx, { ...training, reason: "Another induction training session" });
    await recordDecision(t.ctx, { requestId: refusedOne.id, deciderEmail: P.northHead, outcome: "approve" });
    await recordConsent(t.ctx, { requestId: refusedOne.id, employeeEmail: P.staff, given: false });
    await expectCode(withdrawConsent(t.ctx, { requestId: refusedOne.id, employeeEmail: P.staff }), "WRONG_STATE");
  });

  it("offers Withdraw consent in Slack and Teams only while the consent is in use", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const submitted = await submitRequest(t.ctx, training);
    await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.northHead, outcome: "approve" });
    const asking = await loadRequestView(t.ctx.db, t.ctx.policy, submitted.id);
    expect(slackActions(asking)).not.toContain(ACTIONS.consentWithdraw);
    expect(teamsActions(asking)).not.toContain(VERBS.consentWithdraw);

    const delivered = await recordConsent(t.ctx, { requestId: submitted.id, employeeEmail: P.staff, given: true });
    expect(slackActions(delivered)).toContain(ACTIONS.consentWithdraw);
    expect(slackActions(delivered)).toContain("Withdraw your consent?");
    expect(teamsActions(delivered)).toContain(VERBS.consentWithdraw);
    expect(teamsActions(delivered)).toContain("Action.ShowCard");

    const withdrawn = await withdrawConsent(t.ctx, { requestId: submitted.id, employeeEmail: P.staff });
    expect(slackActions(withdrawn)).not.toContain(ACTIONS.consentWithdraw);
    expect(teamsActions(withdrawn)).not.toContain(VERBS.consentWithdraw);
  });
});

describe("withdrawing consent through Slack", () => {
  let t: SlackTestbed;
  const u = (email: string) => t.user(email);
  beforeEach(async () => {
    t = await slackTestbed("pglite");
  });
  afterEach(async () => {
    expect(t.fake.violations).toEqual([]);
    await t.close();
  });

  it("withdraws from the button on the employee's message, which then updates", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const submitted = await submitRequest(t.ctx, training);
    await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.northHead, outcome: "approve" });
    await t.deliver();
    const ask = () => t.fake.messagesTo(u(P.staff))[0]!;
    await t.click(u(P.staff), ask(), ACTIONS.consentGive);
    await t.deliver();
    expect(hasAction(ask(), ACTIONS.consentWithdraw)).toBe(true);

    await t.click(u(P.staff), ask(), ACTIONS.consentWithdraw);
    expect(String(t.fake.responsesTo(u(P.staff)).at(-1)?.text)).toContain(`You withdrew your consent to ${submitted.reference}`);
    await t.deliver();
    expect(hasAction(ask(), ACTIONS.consentWithdraw)).toBe(false);
    expect((await t.ctx.db.playbackGrant.findFirstOrThrow()).revokedBy).toBe(P.staff);
    expect(JSON.stringify(t.fake.messagesTo(u(P.requester)))).toContain("Consent withdrawn for");
  });
});
