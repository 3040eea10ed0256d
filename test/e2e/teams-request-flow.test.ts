/**
 * The request flow through the real Microsoft 365 Agents Playground and the
 * real Teams adapter: the form and its validation, the approval card
 * reaching the authorisers (and nobody else), approve as a different user,
 * every authoriser's card updated, and the link reaching only the requester.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERBS } from "../../src/adapters/teams/ids.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { addRecording } from "../support/core.ts";
import { controlsOf, visibleText, type BotMessage } from "../support/playground/playground-client.ts";
import { teamsTestbed, type TeamsTestbed } from "../support/playground/testbed.ts";
import { P } from "../support/test-policy.ts";

const CALL_AT = new Date("2026-11-19T14:35:00Z");
const FORM = { purposeId: "safeguarding", date: "2026-11-19", time: "14:30", windowMinutes: "30", direction: "inbound", number: "020 7946 0001", extension: "", parties: "", siteId: "north", type: "recording", reason: "Parent reported an abusive call to the office" };

describe("Teams request flow in the Agents Playground", () => {
  let t: TeamsTestbed;
  const u = (email: string) => t.client.user(email);
  const last = async (email: string): Promise<BotMessage> => {
    const list = await t.client.messagesTo(u(email));
    if (!list.length) throw new Error(`${email} has no messages`);
    return list.at(-1)!;
  };

  beforeAll(async () => {
    t = await teamsTestbed("pglite");
    for (const email of [P.northHead, P.southHead, P.ceo, P.dpo, P.it]) await t.client.install(u(email));
  });
  afterAll(async () => {
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    await t?.close();
  });

  it("links each person who installs the bot by their e-mail, with their personal chat's reference", async () => {
    const identities = await t.client.until(async () => {
      const rows = await t.ctx.db.chatIdentity.findMany({ where: { platform: "teams" } });
      return rows.length >= 5 && rows;
    }, "five linked identities");
    const farid = identities.find((i) => i.email === P.ceo)!;
    expect(farid.platformUserId).toBe(u(P.ceo).aadObjectId);
    expect(farid.address).toMatchObject({ conversation: { id: await t.client.conversationOf(u(P.ceo)), conversationType: "personal" }, user: { id: u(P.ceo).id } });
  });

  it("sends the form for `request recording`, with only the purposes this person may use", async () => {
    await t.client.say(t.client.current, "request recording");
    const form = await t.client.until(async () => (await t.client.messagesTo(t.client.current)).find((m) => visibleText(m.card).includes("Request a call recording")), "the form");
    const purposes = JSON.stringify(form.card);
    expect(purposes).toContain("Safeguarding");
    expect(purposes).toContain("Disciplinary");
    expect(purposes).not.toContain("My own calls");
    expect(controlsOf(form.card)).toEqual(["Send request"]);
    for (const type of ["Input.Date", "Input.Time", "Input.ChoiceSet", "Input.Text"]) expect(purposes).toContain(type);
  });

  it("returns the form with the error beside the field when the reason is too short, keeping the values", async () => {
    const form = (await t.client.messagesTo(t.client.current)).find((m) => visibleText(m.card).includes("Request a call recording"))!;
    const answer = await t.client.click(t.client.current, form, VERBS.submitRequest, { ...FORM, reason: "too short" });
    const text = visibleText(answer);
    expect(text).toContain("Please explain a little more");
    expect(JSON.stringify(answer)).toContain('"id":"reasonError"');
    expect(JSON.stringify(answer)).toContain("020 7946 0001");
    expect(await t.ctx.db.recordingRequest.count()).toBe(0);
  });

  it("submits the request and sends an approval card to each authoriser and no one else", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const form = (await t.client.messagesTo(t.client.current)).find((m) => visibleText(m.card).includes("Request a call recording"))!;
    const answer = await t.client.click(t.client.current, form, VERBS.submitRequest, FORM);
    expect(visibleText(answer)).toMatch(/CG-\d{6}\*\*: it has been sent for authorisation to Amara Okafor, Farid Khan/);
    await t.deliver();
    const amara = await last(P.northHead);
    expect(visibleText(amara.card)).toContain("needs your decision");
    expect(controlsOf(amara.card)).toEqual(["Approve", "Deny", "Deny the request"]);
    expect(visibleText((await last(P.ceo)).card)).toContain("needs your decision");
    for (const email of [P.southHead, P.dpo, P.it]) {
      expect((await t.client.messagesTo(u(email))).filter((m) => visibleText(m.card).includes("needs your decision")), email).toEqual([]);
    }
    expect(visibleText((await last(t.client.current.email)).card)).toContain("sent");
  });

  it("approves as a different user, updates every authoriser's card, and gives the link to the requester alone", async () => {
    const card = await last(P.ceo);
    const answer = await t.client.click(u(P.ceo), card, VERBS.approve);
    expect(visibleText(answer)).toContain("You approved");
    // The recording was found at once, so what is left to do is what Slack offers too: revoke access.
    expect(controlsOf(answer)).toEqual(["Revoke access", "Revoke access now"]);
    await t.deliver();
    for (const email of [P.northHead, P.ceo]) {
      const approval = (await t.client.messagesTo(u(email))).find((m) => visibleText(m.card).includes("Approved by Farid Khan"));
      expect(approval, email).toBeDefined();
      expect(approval!.updates).toBeGreaterThan(0);
      expect(controlsOf(approval!.card)).toEqual(["Revoke access", "Revoke access now"]);
    }
    const requester = await t.client.messagesTo(t.client.current);
    const link = requester.find((m) => JSON.stringify(m.card ?? {}).includes("https://callgate.test/play/"));
    expect(link).toBeDefined();
    for (const email of [P.northHead, P.ceo, P.southHead, P.dpo, P.it]) {
      for (const m of await t.client.messagesTo(u(email))) expect(JSON.stringify(m.card ?? {})).not.toContain("/play/");
    }
  });
  it("lets an authoriser revoke the requester's access from their card, and the requester hears it", async () => {
    const card = (await t.client.messagesTo(u(P.ceo))).find((m) => controlsOf(m.card).includes("Revoke access"))!;
    const tooShort = await t.client.click(u(P.ceo), card, VERBS.revokeAccess, { reason: "" });
    expect(visibleText(tooShort)).toContain("Please give a reason for revoking access");
    expect(await t.ctx.db.playbackGrant.count({ where: { revokedAt: null } })).toBe(1);
    const done = await t.client.click(u(P.ceo), card, VERBS.revokeAccess, { reason: "The link was forwarded to a parent" });
    expect(visibleText(done)).toContain("Access is revoked. The link no longer works");
    expect(await t.ctx.db.playbackGrant.count({ where: { revokedAt: null } })).toBe(0);
    await t.deliver();
    const ended = (await t.client.messagesTo(t.client.current)).at(-1)!;
    expect(visibleText(ended.card)).toContain("has been withdrawn");
  });
});

