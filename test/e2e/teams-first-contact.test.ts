/**
 * Teams people who had not opened Callgate when a notice was due, in the real
 * Agents Playground: the notice waits (not failed) and arrives on their first
 * contact; `pending` posts the card to act on there; a changed serviceUrl is
 * where the next notice goes; and the authoriser's Revoke access and the
 * requester's Ask for more time work as they do on Slack.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERBS } from "../../src/adapters/teams/ids.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { startFailingProxy, type FailingProxy } from "../support/playground/failing-proxy.ts";
import { controlsOf, findExecute, visibleText, type BotMessage } from "../support/playground/playground-client.ts";
import { teamsTestbed, type TeamsTestbed } from "../support/playground/testbed.ts";
import { P } from "../support/test-policy.ts";

const FORM = { purposeId: "safeguarding", date: "2026-11-19", time: "14:30", windowMinutes: "30", direction: "inbound", number: "020 7946 0001", siteId: "north", type: "recording", reason: "Parent reported an abusive call to the office" };

describe("Teams first contact, pending and serviceUrl in the Agents Playground", () => {
  let t: TeamsTestbed;
  let proxy: FailingProxy;
  const u = (email: string) => t.client.user(email);
  const approvalCardOf = async (email: string, reference: string): Promise<BotMessage | undefined> =>
    (await t.client.messagesTo(u(email))).find((m) => visibleText(m.card).includes(`${reference} needs your decision`) && findExecute(m.card, VERBS.approve));

  async function request(): Promise<{ id: string; reference: string }> {
    const before = (await t.client.messagesTo(t.client.current)).length;
    await t.client.say(t.client.current, "request recording");
    const form = await t.client.until(async () => (await t.client.messagesTo(t.client.current)).slice(before).find((m) => visibleText(m.card).includes("Request a call recording")), "the form");
    const answer = await t.client.click(t.client.current, form, VERBS.submitRequest, FORM);
    const reference = /CG-\d{6}/.exec(visibleText(answer))?.[0];
    if (!reference) throw new Error(`not submitted: ${visibleText(answer)}`);
    const row = await t.ctx.db.recordingRequest.findFirstOrThrow({ where: { reference } });
    return { id: row.id, reference };
  }

  beforeAll(async () => {
    t = await teamsTestbed("pglite");
    proxy = await startFailingProxy(t.playground.url);
  });
  afterAll(async () => {
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    await proxy?.close();
    await t?.close();
  });

  it("keeps an authoriser's approval card waiting until they first write, then delivers it", async () => {
    const { id, reference } = await request();
    await t.deliver();
    // Amara (north head) has never written to the bot: nothing reached her, and nothing was given up.
    expect(await approvalCardOf(P.northHead, reference)).toBeUndefined();
    const waiting = await t.ctx.db.outboxMessage.findMany({ where: { requestId: id, recipientEmail: P.northHead } });
    expect(waiting.map((w) => w.status)).toEqual(["WAITING"]);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "notification.waiting" } })).toBeGreaterThan(0);
    // The requester is told in words, without internal codes.
    const told = (await t.client.messagesTo(t.client.current)).map((m) => visibleText(m.card)).find((x) => x.includes("could not deliver"));
    expect(told).toContain("Amara Okafor has not opened Callgate in chat yet; it will be delivered as soon as they do");
    expect(told).not.toContain("approval-needed");

    await t.client.say(u(P.northHead), "hello");
    await t.client.until(async () => (await t.ctx.db.outboxMessage.count({ where: { requestId: id, recipientEmail: P.northHead, status: "PENDING" } })) === 1, "the notice re-queued");
    await t.deliver();
    const card = await approvalCardOf(P.northHead, reference);
    expect(card).toBeDefined();
    expect(controlsOf(card!.card)).toContain("Approve");
  });

  it("answers `pending` with a button that posts the card to act on, right there", async () => {
    const { reference } = await request();
    await t.client.install(u(P.ceo));
    await t.deliver();
    const before = (await t.client.messagesTo(u(P.ceo))).length;
    await t.client.say(u(P.ceo), "pending");
    const list = await t.client.until(async () => (await t.client.messagesTo(u(P.ceo))).slice(before).find((m) => visibleText(m.card).includes("Waiting for you")), "the pending list");
    expect(visibleText(list.card)).not.toContain("Open the card");
    const button = controlsOf(list.card).find((c) => c.includes(reference));
    expect(button).toBe(`Approve or deny: ${reference}`);
    const row = await t.ctx.db.recordingRequest.findFirstOrThrow({ where: { reference } });
    const answer = await t.client.invoke(u(P.ceo), list, VERBS.showPendingCard, { requestId: row.id, notice: "approval-needed" });
    expect(visibleText(answer)).toContain(`The card for ${reference} is below`);
    const posted = await t.client.until(async () => (await t.client.messagesTo(u(P.ceo))).slice(before).find((m) => visibleText(m.card).includes(`${reference} needs your decision`)), "the posted card");
    const done = await t.client.click(u(P.ceo), posted, VERBS.approve);
    expect(visibleText(done)).toContain(`You approved ${reference}`);
  });

  it("shows one \"Request … sent\" card per request, and the reason prompt of the purpose chosen", async () => {
    const prompt = (id: string) => t.ctx.policy.purposes.find((p) => p.id === id)!.reasonPrompt;
    const before = (await t.client.messagesTo(t.client.current)).length;
    await t.client.say(t.client.current, "request recording");
    const form = await t.client.until(async () => (await t.client.messagesTo(t.client.current)).slice(before).find((m) => visibleText(m.card).includes("Request a call recording")), "the form");
    // Before a purpose is chosen, the form says what each one asks for.
    for (const id of ["safeguarding", "disciplinary"]) expect(visibleText(form.card)).toContain(prompt(id));
    const refused = await t.client.click(t.client.current, form, VERBS.submitRequest, { ...FORM, purposeId: "disciplinary", reason: "too short" });
    expect(visibleText(refused)).toContain(`Reason. ${prompt("disciplinary")}`);
    expect(visibleText(refused)).not.toContain(`Reason. ${prompt("safeguarding")}`);
    const sent = await t.client.click(t.client.current, { ...form, card: refused }, VERBS.submitRequest, { ...FORM, purposeId: "disciplinary", reason: "Disciplinary hearing 12/2026: abusive language on this call" });
    const reference = /CG-\d{6}/.exec(visibleText(sent))![0];
    await t.deliver();
    const titled = (await t.client.messagesTo(t.client.current)).filter((m) => visibleText(m.card).includes(`Request ${reference} sent`));
    expect(titled).toHaveLength(1);
  });

  it("sends the next notice to the serviceUrl of the latest activity, not a cached one", async () => {
    await t.client.install(u(P.southHead));
    await t.client.until(async () => (await t.ctx.db.chatIdentity.count({ where: { email: P.southHead } })) === 1, "linked");
    // Teams moves the conversation: the next activity names another Bot Connector.
    await t.client.sayVia(u(P.southHead), `${proxy.url}/_connector`, "mine");
    await t.client.until(async () => JSON.stringify((await t.ctx.db.chatIdentity.findFirst({ where: { email: P.southHead } }))?.address).includes(proxy.url), "the new serviceUrl stored");
    // The answer to `mine` goes back through the new connector too; let it land first.
    await t.client.until(async () => (await t.client.messagesTo(u(P.southHead))).some((m) => visibleText(m.card).includes("Your requests")), "the answer to mine");
    // A notice for them now goes through the new one: failing it there proves where it went.
    const row = await t.ctx.db.outboxMessage.create({ data: { recipientEmail: P.southHead, kind: "compliance-notice", payload: { title: "Test notice", lines: ["Where does this go?"] }, nextAttemptAt: t.clock.now(), createdAt: t.clock.now() } });
    proxy.failNext();
    await t.deliver();
    const after = await t.ctx.db.outboxMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.status).toBe("FAILED");
    expect(after.lastError).toMatch(/^SEND_FAILED/);
  });
});
