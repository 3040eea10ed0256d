/**
 * Authorising through Teams, in the Agents Playground: deny with a reason,
 * two approvals with progress, every authoriser's card redrawn, Universal
 * Actions refresh per viewer, and every refusal (second click, the
 * requester, someone not entitled, someone not in the policy) answered on
 * the card with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERBS } from "../../src/adapters/teams/ids.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { controlsOf, elementsWithId, visibleText } from "../support/playground/playground-client.ts";
import { teamsTestbed, type TeamsTestbed } from "../support/playground/testbed.ts";
import { P } from "../support/test-policy.ts";

const FORM = { purposeId: "safeguarding", date: "2026-11-19", time: "14:30", windowMinutes: "30", direction: "inbound", number: "020 7946 0001", siteId: "north", type: "recording", reason: "Parent reported an abusive call to the office" };

describe("Teams decisions in the Agents Playground", () => {
  let t: TeamsTestbed;
  const u = (email: string) => t.client.user(email);

  /** The approval card about `reference` in a person's chat. */
  const cardAbout = (email: string, reference: string) => t.client.cardAbout(email, reference);

  async function request(values: Record<string, string> = {}): Promise<{ id: string; reference: string }> {
    const before = (await t.client.messagesTo(t.client.current)).length;
    await t.client.say(t.client.current, "request recording");
    const form = await t.client.until(async () => (await t.client.messagesTo(t.client.current)).slice(before).find((m) => visibleText(m.card).includes("Request a call recording")), "the form");
    const answer = await t.client.click(t.client.current, form, VERBS.submitRequest, { ...FORM, ...values });
    const reference = /CG-\d{6}/.exec(visibleText(answer))?.[0];
    if (!reference || !visibleText(answer).includes("has been sent")) throw new Error(`not submitted: ${visibleText(answer)}`);
    await t.deliver();
    const row = await t.ctx.db.recordingRequest.findFirstOrThrow({ where: { reference } });
    return { id: row.id, reference };
  }

  beforeAll(async () => {
    t = await teamsTestbed("pglite");
    for (const email of [P.northHead, P.southHead, P.ceo, P.dpo, P.it]) await t.client.install(u(email));
    await t.client.until(async () => (await t.ctx.db.chatIdentity.count()) >= 5, "installs");
  });
  afterAll(async () => {
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    await t?.close();
  });

  it("denies with a reason from the Deny panel, tells the requester and removes every authoriser's buttons", async () => {
    const { id, reference } = await request();
    const tooShort = await t.client.click(u(P.northHead), await cardAbout(P.northHead, reference), VERBS.deny, { reason: "no" });
    // The refusal sits beside the reason field, and what was typed is kept.
    expect(elementsWithId(tooShort, "reason")[0]).toMatchObject({ type: "Input.Text", value: "no" });
    expect(elementsWithId(tooShort, "reasonError")[0]?.text).toMatch(/reason/i);
    expect(elementsWithId(tooShort, "reasonRefused")[0]?.text).toBe("Your denial was not recorded: open Deny to change your reason.");
    expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id } })).status).toBe("PENDING_APPROVAL");

    const done = await t.client.click(u(P.northHead), await cardAbout(P.northHead, reference), VERBS.deny, { reason: "Not a safeguarding matter; use the complaints procedure" });
    expect(visibleText(done)).toContain(`You denied ${reference}`);
    expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id } })).status).toBe("DENIED");
    await t.deliver();
    const outcome = (await t.client.messagesTo(t.client.current)).at(-1)!;
    expect(visibleText(outcome.card)).toContain(`${reference}: Denied`);
    expect(visibleText(outcome.card)).toContain("“Not a safeguarding matter; use the complaints procedure”");
    for (const email of [P.northHead, P.ceo]) {
      const card = await cardAbout(email, reference);
      expect(controlsOf(card.card), email).toEqual([]);
      expect(visibleText(card.card)).toContain("Denied by Amara Okafor on Fri 20 Nov 2026, 12:00");
    }
  });

  it("collects two approvals for a disciplinary request, showing 1 of 2 and keeping the other authoriser's buttons", async () => {
    const { id, reference } = await request({ purposeId: "disciplinary", reason: "Disciplinary hearing 12/2026: abusive language on this call" });
    expect((await t.client.messagesTo(u(P.northHead))).some((m) => visibleText(m.card).includes(reference))).toBe(false);

    const first = await t.client.click(u(P.ceo), await cardAbout(P.ceo, reference), VERBS.approve);
    expect(visibleText(first)).toContain("That is 1 of 2 approvals");
    await t.deliver();
    const ceoCard = await cardAbout(P.ceo, reference);
    expect(controlsOf(ceoCard.card)).toEqual([]);
    expect(visibleText(ceoCard.card)).toContain("You approved this on Fri 20 Nov 2026, 12:00");
    const dpoCard = await cardAbout(P.dpo, reference);
    expect(dpoCard.updates).toBeGreaterThan(0);
    expect(visibleText(dpoCard.card)).toContain("Approvals: 1 of 2.");
    expect(controlsOf(dpoCard.card)).toContain("Approve");

    await t.client.click(u(P.dpo), dpoCard, VERBS.approve);
    expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id } })).status).not.toBe("PENDING_APPROVAL");
    await t.deliver();
    for (const email of [P.ceo, P.dpo]) expect(controlsOf((await cardAbout(email, reference)).card), email).toEqual([]);
  });

  it("refuses a second click, the requester and someone not entitled on the card, changing nothing", async () => {
    const { id, reference } = await request();
    const card = await cardAbout(P.ceo, reference);
    await t.client.click(u(P.ceo), card, VERBS.approve);
    const decisions = await t.ctx.db.decision.count({ where: { requestId: id } });

    const again = await t.client.invoke(u(P.ceo), card, VERBS.approve, { requestId: id, notice: "approval-needed" });
    expect(visibleText(again)).toContain("Nothing was changed.");
    expect(visibleText(again)).toContain("already been decided");

    const requesterCard = (await t.client.messagesTo(t.client.current)).find((m) => visibleText(m.card).includes(`Request ${reference} sent`))!;
    const own = await t.client.invoke(t.client.current, requesterCard, VERBS.approve, { requestId: id, notice: "approval-needed" });
    expect(visibleText(own)).toContain("Nothing was changed.");

    const { id: openId } = await request();
    const devCard = (await t.client.messagesTo(u(P.it)))[0]!;
    const notEntitled = await t.client.invoke(u(P.it), devCard, VERBS.approve, { requestId: openId, notice: "approval-needed" });
    expect(visibleText(notEntitled)).toContain("You are not an authoriser");
    const selfApproval = await t.client.invoke(t.client.current, requesterCard, VERBS.approve, { requestId: openId, notice: "approval-needed" });
    expect(visibleText(selfApproval)).toContain("You cannot authorise your own request");
    expect(await t.ctx.db.decision.count({ where: { requestId: id } })).toBe(decisions);
    expect(await t.ctx.db.decision.count({ where: { requestId: openId } })).toBe(0);
    expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: openId } })).status).toBe("PENDING_APPROVAL");
  });

  it("answers a Universal Actions refresh with the card as that viewer should see it now", async () => {
    const { id, reference } = await request();
    const amaraCard = await cardAbout(P.northHead, reference);
    expect(amaraCard.card?.refresh).toMatchObject({ action: { verb: VERBS.refresh }, userIds: [u(P.northHead).id] });
    const before = await t.client.invoke(u(P.northHead), amaraCard, VERBS.refresh, { requestId: id, notice: "approval-needed" });
    expect(controlsOf(before)).toContain("Approve");
    await t.client.click(u(P.ceo), await cardAbout(P.ceo, reference), VERBS.approve);
    const after = await t.client.invoke(u(P.northHead), amaraCard, VERBS.refresh, { requestId: id, notice: "approval-needed" });
    expect(controlsOf(after)).toEqual([]);
    expect(visibleText(after)).toContain("Approved by Farid Khan");
  });
});

describe("Teams identity in the Agents Playground", () => {
  it("tells someone who is not in the policy, politely, who to ask", async () => {
    const t = await teamsTestbed("pglite", { leaveOut: [P.it] });
    try {
      const visitor = t.playground.users.find((p) => p.email.endsWith("@not-in-policy.example"))!;
      await t.client.say(visitor, "request recording");
      const reply = await t.client.until(async () => (await t.client.messagesTo(visitor)).at(-1), "a reply");
      expect(visibleText(reply.card)).toContain("You are not set up in Callgate yet");
      expect(visibleText(reply.card)).toContain("Carys Evans");
      expect(await t.ctx.db.chatIdentity.count()).toBe(0);
    } finally {
      await t.close();
    }
  });
});
