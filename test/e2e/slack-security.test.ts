/**
 * Only Slack gets in, and Slack's redeliveries never act twice: bad
 * signatures and stale timestamps get 401 before any listener runs; a retried
 * submission, click or command (x-slack-retry-num) changes nothing more.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACTIONS, COMMANDS } from "../../src/adapters/slack/ids.ts";
import { appHomeOpenedEnvelope, messageActionPayload, slashCommandPayload, viewSubmissionPayload } from "../support/fake-slack/payloads.ts";
import { slackTestbed, type SlackTestbed } from "../support/fake-slack/testbed.ts";
import { P } from "../support/test-policy.ts";

const REASON = "Parent reported an abusive call to the office";

describe("Slack request authenticity and retries on pglite", () => {
  let t: SlackTestbed;
  const ben = () => t.user(P.requester);
  beforeEach(async () => {
    t = await slackTestbed("pglite");
  });
  afterEach(async () => {
    expect(t.fake.violations).toEqual([]);
    await t.close();
  });

  it("answers 401 to a request signed with the wrong secret, and runs no listener", async () => {
    const before = t.fake.calls.length;
    const response = await t.post("command", slashCommandPayload(t.fake, ben(), COMMANDS.requestRecording), { wrongSecret: "not-the-signing-secret" });
    expect(response.status).toBe(401);
    expect(t.fake.calls.slice(before)).toEqual([]);
  });

  it("answers 401 to a correctly signed request older than five minutes", async () => {
    const before = t.fake.calls.length;
    const response = await t.post("command", slashCommandPayload(t.fake, ben(), COMMANDS.requestRecording), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(response.status).toBe(401);
    expect(t.fake.calls.slice(before)).toEqual([]);
  });

  it("answers 401 to an event or interaction with a tampered body", async () => {
    const before = t.fake.calls.length;
    for (const kind of ["event", "interaction"] as const) {
      const payload = kind === "event" ? appHomeOpenedEnvelope(ben()) : { type: "block_actions", user: { id: ben() }, actions: [{ action_id: ACTIONS.approve, value: "x" }] };
      const response = await fetch(t.endpoint, {
        method: "POST",
        headers: { "content-type": kind === "event" ? "application/json" : "application/x-www-form-urlencoded", "x-slack-request-timestamp": String(Math.floor(Date.now() / 1000)), "x-slack-signature": "v0=0000" },
        body: kind === "event" ? JSON.stringify(payload) : `payload=${encodeURIComponent(JSON.stringify(payload))}`,
      });
      expect(response.status).toBe(401);
    }
    expect(t.fake.calls.slice(before)).toEqual([]);
  });

  it("refuses a body over 1 MB before reading it into Bolt", async () => {
    const response = await t.post("command", { ...slashCommandPayload(t.fake, ben(), COMMANDS.recordings), text: "x".repeat(1_100_000) });
    expect(response.status).toBe(413);
  });

  it("creates one request when Slack redelivers the same form submission", async () => {
    await t.command(ben(), COMMANDS.requestRecording, "19/11/2026 14:30 020 7946 0001");
    const payload = viewSubmissionPayload(ben(), t.fake.lastViewFor(ben())!, { reason: REASON });
    const [first, retry] = await Promise.all([t.post("interaction", payload), t.post("interaction", payload, { retryNum: 1 })]);
    const again = await t.post("interaction", payload, { retryNum: 2 });
    expect(await t.ctx.db.recordingRequest.count()).toBe(1);
    const reference = (await t.ctx.db.recordingRequest.findFirstOrThrow()).reference;
    for (const answer of [first, retry, again]) expect(JSON.stringify(answer.json())).toContain(reference);
    await t.deliver();
    expect(t.fake.messagesTo(ben())).toHaveLength(1);
  });

  it("records one decision and sends no refusal when Slack redelivers an Approve click", async () => {
    await t.command(ben(), COMMANDS.requestRecording, "19/11/2026 14:30 020 7946 0001");
    await t.submit(ben(), { reason: REASON });
    await t.deliver();
    const farid = t.user(P.ceo);
    const click = messageActionPayload(t.fake, farid, t.fake.messagesTo(farid)[0]!, ACTIONS.approve);
    await t.post("interaction", click);
    await t.post("interaction", click, { retryNum: 1 });
    expect(await t.ctx.db.decision.count()).toBe(1);
    const replies = t.fake.responsesTo(farid).map((r) => String(r.text));
    expect(replies.filter((r) => r.startsWith("You approved"))).toHaveLength(1);
    expect(replies.filter((r) => r.startsWith("Nothing was changed"))).toHaveLength(0);
  });

  it("acknowledges a redelivered slash command without opening a second form", async () => {
    const payload = slashCommandPayload(t.fake, ben(), COMMANDS.requestRecording);
    expect((await t.post("command", payload)).status).toBe(200);
    expect((await t.post("command", payload, { retryNum: 1 })).status).toBe(200);
    expect(t.fake.callsOf("views.open")).toHaveLength(1);
  });

  it("tells someone not in the policy who to ask, and opens no form", async () => {
    await t.command("U0OUTSIDER", COMMANDS.requestRecording);
    expect(String(t.fake.responsesTo("U0OUTSIDER").at(-1)?.text)).toBe(
      "Sorry: You are not set up in Callgate yet. Ask your Data Protection Officer (Carys Evans) to add you to the organisation's policy.",
    );
    expect(t.fake.callsOf("views.open")).toHaveLength(0);
  });
});
