/**
 * Only Slack gets in, and Slack's redeliveries never act twice: bad
 * signatures and stale timestamps get 401 before any listener runs; a retried
 * submission, click or command (x-slack-retry-num) changes nothing more.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACTIONS, COMMANDS, VIEWS } from "../../src/adapters/slack/ids.ts";
import { appHomeOpenedEnvelope, messageActionPayload, slashCommandPayload, viewSubmissionPayload } from "../support/fake-slack/payloads.ts";
import { mountFiles } from "../../src/infra/http/files/index.ts";
import { mountPlayback } from "../../src/infra/http/playback/index.ts";
import { createHttpServer, type RunningServer } from "../../src/infra/http/server.ts";
import { createLogger } from "../../src/infra/logger.ts";
import type { FileStore } from "../../src/core/ports/file-store.ts";
import type { RecordingStore } from "../../src/core/ports/recording-store.ts";
import { testCore, type TestCore } from "../support/core.ts";
import { slackSignature } from "../support/fake-slack/signed-requests.ts";
import { SIGNING_SECRET, slackTestbed, type SlackTestbed } from "../support/fake-slack/testbed.ts";
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

  it("answers 401 to a correctly signed request more than five minutes in the future, and runs no listener", async () => {
    const before = t.fake.calls.length;
    const response = await t.post("command", slashCommandPayload(t.fake, ben(), COMMANDS.requestRecording), { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 });
    expect(response.status).toBe(401);
    expect(response.text).toBe("");
    expect(t.fake.calls.slice(before)).toEqual([]);
    // A little clock skew either way is still Slack.
    const skewed = await t.post("command", slashCommandPayload(t.fake, ben(), COMMANDS.recordings, "help"), { timestamp: Math.floor(Date.now() / 1000) + 60 });
    expect(skewed.status).toBe(200);
  });

  it("answers 401 to a request with no timestamp or a malformed one", async () => {
    for (const timestamp of [undefined, "soon", "1e3", "-5", ""]) {
      const body = new URLSearchParams({ command: COMMANDS.recordings, user_id: ben() }).toString();
      const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", "x-slack-signature": slackSignature(SIGNING_SECRET, Number(timestamp), body) };
      if (timestamp !== undefined) headers["x-slack-request-timestamp"] = timestamp;
      expect((await fetch(t.endpoint, { method: "POST", headers, body })).status, String(timestamp)).toBe(401);
    }
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

/**
 * Signed but malformed requests, and odd tokens on the link routes: each gets
 * a 4xx with a plain message (or, where Slack insists on 200, an
 * acknowledgement), never a 500 and never a stack trace.
 */
describe("Slack and link routes under malformed input on pglite", () => {
  let t: SlackTestbed;
  const ben = () => t.user(P.requester);
  beforeEach(async () => {
    t = await slackTestbed("pglite");
  });
  afterEach(async () => {
    await t.close();
  });

  const FORM = "application/x-www-form-urlencoded";
  const JSON_TYPE = "application/json";
  const interaction = (payload: unknown) => `payload=${encodeURIComponent(typeof payload === "string" ? payload : JSON.stringify(payload))}`;
  const user = () => ({ id: ben(), username: "ben", team_id: "T0TEST" });
  const shapes: Array<[string, () => { contentType: string; body: string }]> = [
    ["payload= that is not JSON", () => ({ contentType: FORM, body: interaction("{not json") })],
    ["payload= that is JSON but not an object", () => ({ contentType: FORM, body: interaction("42") })],
    ["payload with no type", () => ({ contentType: FORM, body: interaction({ user: user() }) })],
    ["payload of an unknown type", () => ({ contentType: FORM, body: interaction({ type: "nonsense", user: user() }) })],
    ["block_actions with no actions", () => ({ contentType: FORM, body: interaction({ type: "block_actions", user: user(), team: { id: "T0TEST" } }) })],
    ["block_actions with an empty actions list", () => ({ contentType: FORM, body: interaction({ type: "block_actions", user: user(), team: { id: "T0TEST" }, actions: [] }) })],
    ["block_actions with no user", () => ({ contentType: FORM, body: interaction({ type: "block_actions", team: { id: "T0TEST" }, actions: [{ action_id: ACTIONS.approve, value: "x" }] }) })],
    ["block_actions with an action that is not an object", () => ({ contentType: FORM, body: interaction({ type: "block_actions", user: user(), team: { id: "T0TEST" }, actions: [null] }) })],
    ["block_actions approving with no value", () => ({ contentType: FORM, body: interaction({ type: "block_actions", user: user(), team: { id: "T0TEST" }, actions: [{ action_id: ACTIONS.approve, type: "button" }] }) })],
    ["view_submission with no view", () => ({ contentType: FORM, body: interaction({ type: "view_submission", user: user(), team: { id: "T0TEST" } }) })],
    ["view_submission with no view.state", () => ({ contentType: FORM, body: interaction({ type: "view_submission", user: user(), team: { id: "T0TEST" }, view: { id: "V1", callback_id: VIEWS.requestForm } }) })],
    ["view_submission with a state of the wrong shape", () => ({ contentType: FORM, body: interaction({ type: "view_submission", user: user(), team: { id: "T0TEST" }, view: { id: "V1", callback_id: VIEWS.requestForm, state: { values: "x" } } }) })],
    ["deny reason view_submission with no state", () => ({ contentType: FORM, body: interaction({ type: "view_submission", user: user(), team: { id: "T0TEST" }, view: { id: "V1", callback_id: VIEWS.denyReason, private_metadata: "{" } }) })],
    ["slash command with only the command", () => ({ contentType: FORM, body: new URLSearchParams({ command: COMMANDS.requestRecording }).toString() })],
    ["slash command with no user", () => ({ contentType: FORM, body: new URLSearchParams({ command: COMMANDS.recordings, text: "mine", team_id: "T0TEST" }).toString() })],
    ["DPO command with no response_url", () => ({ contentType: FORM, body: new URLSearchParams({ command: COMMANDS.dpo, text: "help", user_id: ben(), team_id: "T0TEST" }).toString() })],
    ["an empty form body", () => ({ contentType: FORM, body: "" })],
    ["an empty JSON body", () => ({ contentType: JSON_TYPE, body: "" })],
    ["a JSON body that is not JSON", () => ({ contentType: JSON_TYPE, body: "{" })],
    ["a JSON null body", () => ({ contentType: JSON_TYPE, body: "null" })],
    ["a JSON slash command on the form route", () => ({ contentType: JSON_TYPE, body: JSON.stringify({ command: COMMANDS.recordings, user_id: ben(), text: "help" }) })],
    ["an event envelope with no event", () => ({ contentType: JSON_TYPE, body: JSON.stringify({ type: "event_callback", team_id: "T0TEST" }) })],
    ["an event of the wrong shape", () => ({ contentType: JSON_TYPE, body: JSON.stringify({ type: "event_callback", team_id: "T0TEST", event: { type: "app_home_opened" } }) })],
    ["a url_verification with no challenge", () => ({ contentType: JSON_TYPE, body: JSON.stringify({ type: "url_verification" }) })],
    ["a text/plain body", () => ({ contentType: "text/plain", body: "hello" })],
  ];

  it.each(shapes)("answers %s without a 500 or a stack trace", async (_name, shape) => {
    const { contentType, body } = shape();
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(t.endpoint, { method: "POST", headers: { "content-type": contentType, "x-slack-request-timestamp": String(timestamp), "x-slack-signature": slackSignature(SIGNING_SECRET, timestamp, body) }, body });
    const text = await response.text();
    await t.adapter.settled();
    expect(response.status).toBeLessThan(500);
    expect(text).not.toMatch(/\bat .+:\d+:\d+|Error:|TypeError|SyntaxError|node_modules/);
    expect(t.logLines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });
});

describe("link routes under odd tokens on pglite", () => {
  let links: RunningServer;
  let core: TestCore;
  let lines: string[];
  beforeEach(async () => {
    core = await testCore("pglite");
    // Unknown tokens never reach storage; the routes only need it to be there.
    core.ctx.recordings = {} as RecordingStore;
    core.ctx.files = {} as FileStore;
    lines = [];
    const logger = createLogger({ level: "info", destination: { write: (line: string) => void lines.push(line) } });
    const http = createHttpServer({ logger });
    mountPlayback({ http, ctx: core.ctx, logger });
    mountFiles({ http, ctx: core.ctx, logger });
    links = await http.listen(0, "127.0.0.1");
  });
  afterEach(async () => {
    await links.close();
    await core.close();
  });

  const oddTokens: Array<[string, string]> = [
    ["very long", "A".repeat(8_000)],
    ["non-ASCII", encodeURIComponent("tök€n-☎-\u202e")],
    ["%00", "abc%00def"],
    ["only %00", "%00"],
    ["a bad percent escape", "%E0%A4%A"],
    ["an encoded slash", "..%2F..%2Fetc"],
  ];
  it.each(oddTokens.flatMap(([name, token]) => ["/play", "/files"].map((route) => [route, name, token] as const)))("answers %s with a %s token without a 500 or a stack trace", async (route, _name, token) => {
    const response = await fetch(`${links.url}${route}/${token}`, { redirect: "manual" });
    const text = await response.text();
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(text).not.toMatch(/\bat .+:\d+:\d+|Error:|node_modules/);
    expect(lines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });
});
