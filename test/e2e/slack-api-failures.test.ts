/**
 * When Slack's Web API fails (429 with Retry-After, 5xx, no answer) the
 * request's state is never lost or half-done: the outbox keeps the notice,
 * retries it with backoff, and delivers it exactly once when Slack is back.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACTIONS, COMMANDS } from "../../src/adapters/slack/ids.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { deliverNotifications } from "../../src/core/notify/deliver-notifications.ts";
import type { ChatChannel } from "../../src/core/ports/chat.ts";
import { hasAction } from "../support/fake-slack/payloads.ts";
import { PUBLIC_URL, slackTestbed, type SlackTestbed } from "../support/fake-slack/testbed.ts";
import { P } from "../support/test-policy.ts";

const REASON = "Parent reported an abusive call to the office";

describe.each(["pglite", "postgresql"] as const)("Slack API failures on %s", (kind) => {
  let t: SlackTestbed;
  const u = (email: string) => t.user(email);
  beforeEach(async () => {
    t = await slackTestbed(kind);
  });
  afterEach(async () => {
    expect(t.fake.violations).toEqual([]);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    await t.close();
  });

  async function submit(): Promise<void> {
    await t.command(u(P.requester), COMMANDS.requestRecording, "19/11/2026 14:30 020 7946 0001");
    await t.submit(u(P.requester), { reason: REASON });
  }
  const pending = () => t.ctx.db.outboxMessage.count({ where: { status: "PENDING" } });

  it("keeps notices through a long 429, tries again no sooner than Retry-After, then delivers each exactly once", async () => {
    await submit();
    t.fake.fail("chat.postMessage", { status: 429, retryAfter: 20 }, 3);
    const failedAt = t.clock.now().getTime();
    const first = await t.deliver();
    expect(first.retrying).toBe(3);
    expect(t.fake.messages).toHaveLength(0);
    expect(await pending()).toBe(3);
    expect((await t.ctx.db.recordingRequest.findFirstOrThrow()).status).toBe("PENDING_APPROVAL");
    const rows = await t.ctx.db.outboxMessage.findMany({ where: { status: "PENDING" } });
    for (const row of rows) {
      expect(row.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(failedAt + 20_000);
      expect(row.lastError).toMatch(/^RATE_LIMITED: /);
    }
    const posts = t.fake.callsOf("chat.postMessage").length;

    // The outbox's own backoff (5 s) would have tried again here; Slack said 20 s.
    t.clock.advance(6_000);
    expect(await t.deliver()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    t.clock.advance(13_000);
    expect(await t.deliver()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(t.fake.callsOf("chat.postMessage")).toHaveLength(posts);

    t.clock.advance(1_000);
    const second = await t.deliver();
    expect(second.sent).toBe(3);
    expect(await pending()).toBe(0);
    for (const who of [P.requester, P.northHead, P.ceo]) expect(t.fake.messagesTo(u(who))).toHaveLength(1);
  });

  it("waits out a short Retry-After inline", async () => {
    await submit();
    t.fake.fail("chat.postMessage", { status: 429, retryAfter: 1 });
    const result = await t.deliver();
    expect(result).toMatchObject({ sent: 3, retrying: 0 });
    expect(t.fake.messages).toHaveLength(3);
  });

  it("retries after Slack 5xx errors and time-outs without double-posting", async () => {
    await submit();
    t.fake.fail("conversations.open", { status: 503 });
    t.fake.fail("chat.postMessage", { status: 500 });
    t.fake.fail("chat.postMessage", { hang: true });
    const first = await t.deliver();
    expect(first.sent + first.retrying).toBe(3);
    expect(first.retrying).toBe(3);
    t.clock.advance(6_000);
    await t.deliver();
    expect(await pending()).toBe(0);
    for (const who of [P.requester, P.northHead, P.ceo]) expect(t.fake.messagesTo(u(who))).toHaveLength(1);
    const failed = await t.ctx.db.outboxMessage.findMany({ where: { attempts: { gt: 1 } } });
    expect(failed.map((f) => f.lastError?.split(":")[0])).toEqual(["SEND_FAILED", "SEND_FAILED", "SEND_FAILED"]);
  });

  it("keeps a decision made while Slack fails to update the messages, and updates them later", async () => {
    await submit();
    await t.deliver();
    await t.click(u(P.ceo), t.fake.messagesTo(u(P.ceo))[0]!, ACTIONS.approve);
    t.fake.fail("chat.update", { status: 502 }, 2);
    const first = await t.deliver();
    expect(first.retrying).toBeGreaterThan(0);
    expect((await t.ctx.db.recordingRequest.findFirstOrThrow()).status).not.toBe("PENDING_APPROVAL");
    // Each failed refresh backs off (5 s, then 10 s) before the outbox tries again.
    for (let i = 0; i < 2; i++) {
      t.clock.advance(60_000);
      await t.deliver();
    }
    expect(await pending()).toBe(0);
    for (const who of [P.northHead, P.ceo]) expect(hasAction(t.fake.messagesTo(u(who))[0]!, ACTIONS.approve)).toBe(false);
  });

  it("sends one copy, whose buttons stay current, when the outbox dies between Slack's post and recording it", async () => {
    await submit();
    // Slack posts, then the instance dies before the database hears of it.
    const real = t.adapter.channel;
    const dying: ChatChannel = {
      platform: real.platform,
      send: async (to, notice, delivery) => {
        await real.send(to, notice, delivery);
        throw new Error("killed after the post");
      },
      update: (message, notice, recipient) => real.update(message, notice, recipient),
      findSent: (to, key, since) => real.findSent(to, key, since),
    };
    await deliverNotifications(t.ctx, { channels: [dying], publicUrl: PUBLIC_URL });
    expect(t.fake.messages).toHaveLength(3);
    expect(await t.ctx.db.chatMessage.count()).toBe(0);
    expect(await t.ctx.db.outboxMessage.count({ where: { status: "PENDING", sendingSince: { not: null } } })).toBe(3);

    t.clock.advance(60_000);
    expect(await t.deliver()).toMatchObject({ sent: 3, failed: 0 });
    for (const who of [P.requester, P.northHead, P.ceo]) expect(t.fake.messagesTo(u(who))).toHaveLength(1);
    expect(t.fake.callsOf("chat.postMessage")).toHaveLength(3);
    // The copies already there were adopted: their handles are kept, so a decision refreshes them.
    const handles = await t.ctx.db.chatMessage.findMany();
    expect(handles.map((h) => h.messageId).sort()).toEqual([P.northHead, P.ceo].map((who) => t.fake.messagesTo(u(who))[0]!.ts).sort());
    await t.click(u(P.ceo), t.fake.messagesTo(u(P.ceo))[0]!, ACTIONS.approve);
    await t.deliver();
    for (const who of [P.northHead, P.ceo]) expect(hasAction(t.fake.messagesTo(u(who))[0]!, ACTIONS.approve)).toBe(false);
  });

  it("tells the person when Slack fails to open the form, with a reference, and creates nothing", async () => {
    t.fake.fail("views.open", { status: 500 });
    await t.command(u(P.requester), COMMANDS.requestRecording);
    const reply = String(t.fake.responsesTo(u(P.requester)).at(-1)?.text);
    expect(reply).toMatch(/^Something went wrong on our side and nothing was changed\..*reference [0-9a-f]{8}\.$/);
    expect(await t.ctx.db.recordingRequest.count()).toBe(0);
    const logged = t.logLines.filter((l) => l.includes('"level":"error"'));
    expect(logged.some((l) => l.includes(reply.slice(-9, -1)))).toBe(true);
  });
});
