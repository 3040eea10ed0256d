/**
 * The DPO console through Slack, end to end: Bolt's real receiver with signed
 * requests, the core on a fresh database with Azurite for delivered files,
 * and the fake Slack Web API (which enforces Slack's rules, scopes and the
 * external file-upload flow). Compliance output only ever lands in the
 * person's DM with the bot; anywhere else they get a private pointer.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Command } from "commander";
import { CONSOLE_MODULES } from "../../src/commands/index.ts";
import type { ConsoleSession } from "../../src/commands/run-console.ts";
import { postConsoleReply, SENT_TO_DM } from "../../src/adapters/slack/console-dm.ts";
import type { SlackDeps } from "../../src/adapters/slack/deps.ts";
import { SlackDirectory } from "../../src/adapters/slack/directory.ts";
import { ACTIONS, COMMANDS } from "../../src/adapters/slack/ids.ts";
import { renderContextFor } from "../../src/adapters/slack/render/render-context.ts";
import { createWebClient } from "../../src/adapters/slack/web-client.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { createLogger } from "../../src/infra/logger.ts";
import { FakeSlack, type FakeMessage } from "../support/fake-slack/fake-slack-server.ts";
import { hasAction, slashCommandPayload } from "../support/fake-slack/payloads.ts";
import { postSigned } from "../support/fake-slack/signed-requests.ts";
import { BOT_TOKEN, OUTSIDER, PUBLIC_URL, SIGNING_SECRET, slackTestbed, type SlackTestbed } from "../support/fake-slack/testbed.ts";
import { startTestStorage, type TestStorage } from "../support/storage.ts";
import { P } from "../support/test-policy.ts";

type Json = Record<string, any>;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A real 1×1 PNG. */
const TINY_PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==", "base64");

const blocksText = (m: FakeMessage) => JSON.stringify(m.blocks);
const header = (m: FakeMessage) => (m.blocks[0] as Json | undefined)?.text?.text as string | undefined;

/** The top-level commands the registered console modules offer, as `help` should list them. */
function consoleCommandNames(): string[] {
  const program = new Command("dpo");
  const session = { actorEmail: P.dpo, publicUrl: PUBLIC_URL } as ConsoleSession;
  for (const module of CONSOLE_MODULES) module.register(program, session, () => {});
  return program.commands.map((c) => c.name());
}

/** Every modules' reply buttons in a message: [label, command line]. */
function buttons(m: FakeMessage): Array<[string, string]> {
  return (m.blocks as Json[]).filter((b) => b.type === "actions").flatMap((b) => (b.elements as Json[]).filter((e) => e.action_id === ACTIONS.consoleRun).map((e) => [e.text.text as string, e.value as string] as [string, string]));
}

describe("the DPO console in Slack", () => {
  let storage: TestStorage;
  let t: SlackTestbed;
  const carys = () => t.user(P.dpo);
  const ben = () => t.user(P.requester);
  const dmOf = (user: string) => `D${user.replace(/^U/, "")}`;

  beforeAll(async () => {
    storage = await startTestStorage();
  });
  afterAll(async () => {
    await storage.stop();
  });
  beforeEach(async () => {
    t = await slackTestbed("pglite");
    storage.attach(t.ctx);
  });
  afterEach(async () => {
    expect(t.fake.violations).toEqual([]);
    await t.close();
  });

  describe("where replies go", () => {
    it("answers /recording-dpo help in the DM it was typed in, listing every console command", async () => {
      // Typed in the bot's DM: the reply is there, and no pointer is needed.
      const response = await t.commandIn(carys(), dmOf(carys()), COMMANDS.dpo, "help");
      expect(response.status).toBe(200);
      const [reply] = t.fake.messagesTo(carys());
      expect(reply).toBeDefined();
      expect(reply!.channel).toBe(dmOf(carys()));
      expect(header(reply!)).toBe("Callgate DPO commands");
      for (const name of consoleCommandNames()) expect(blocksText(reply!)).toContain(name);
      expect(t.fake.responsesTo(carys())).toEqual([]);
    });

    it("sends the reply to the DM and points there privately when the command is typed in a channel", async () => {
      await t.command(carys(), COMMANDS.dpo, "help");
      const [reply] = t.fake.messagesTo(carys());
      expect(reply?.channel).toBe(dmOf(carys()));
      expect(header(reply!)).toBe("Callgate DPO commands");
      expect(t.fake.responsesTo(carys())).toEqual([{ response_type: "ephemeral", replace_original: false, text: SENT_TO_DM }]);
      // Nothing was posted anywhere but DMs (the fake refuses, and would record a violation).
      expect(t.fake.callsOf("chat.postMessage").every((c) => String(c.args.channel).startsWith("D"))).toBe(true);
    });

    it("says what was not understood, in the DM, and never writes the command line to the logs", async () => {
      await t.command(carys(), COMMANDS.dpo, 'frobnicate "Zebedee Jones" 020 7946 0123');
      const [reply] = t.fake.messagesTo(carys());
      expect(header(reply!)).toBe("That command was not understood");
      expect(blocksText(reply!)).toContain(":warning:");
      const logs = t.logLines.join("\n");
      expect(logs).not.toContain("Zebedee");
      expect(logs).not.toContain("frobnicate");
      expect(logs).not.toContain("7946");
    });

    it("tells the person, privately and with a reference, when posting the reply fails on Callgate's side", async () => {
      t.fake.fail("chat.postMessage", { status: 500 });
      await t.command(carys(), COMMANDS.dpo, "help");
      expect(t.fake.messagesTo(carys())).toEqual([]);
      const [answer] = t.fake.responsesTo(carys());
      expect(answer?.response_type).toBe("ephemeral");
      expect(String(answer?.text)).toMatch(/^Something went wrong on our side and nothing was changed\..*reference [0-9a-f]{8}\.$/);
      t.fake.violations.length = 0;
    });

    it("refuses unsigned and badly signed commands and clicks before any listener runs", async () => {
      const before = t.fake.calls.length;
      const forged = await t.post("command", slashCommandPayload(t.fake, carys(), COMMANDS.audit, "last 30 days"), { wrongSecret: "not-the-signing-secret" });
      expect(forged.status).toBe(401);
      const stale = await t.post("command", slashCommandPayload(t.fake, carys(), COMMANDS.dpo, "help"), { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 });
      expect(stale.status).toBe(401);
      const body = new URLSearchParams({ command: COMMANDS.audit, text: "", user_id: carys(), trigger_id: "x" }).toString();
      const unsigned = await fetch(t.endpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
      expect(unsigned.status).toBe(401);
      expect(t.fake.calls.slice(before)).toEqual([]);
      expect(t.fake.messagesTo(carys())).toEqual([]);
    });
  });

  describe("charts", () => {
    function depsFor(): SlackDeps {
      const logger = createLogger({ level: "silent" });
      const client = createWebClient({ token: BOT_TOKEN, apiUrl: t.fake.apiUrl, logger, timeoutMs: 2_000 });
      return { ctx: t.ctx, client, directory: new SlackDirectory(t.ctx, client, logger), render: renderContextFor(t.ctx.policy), logger, publicUrl: PUBLIC_URL };
    }

    it("uploads a reply's chart into the same DM as a real Slack file, after the summary", async () => {
      await postConsoleReply(depsFor(), carys(), { title: "Requests per week", blocks: [{ kind: "text", text: "12 requests" }], image: { png: TINY_PNG, altText: "Requests per week by outcome", fileName: "requests-per-week.png" } });
      const history = t.fake.historyOf(carys());
      expect(history.map((e) => e.type)).toEqual(["message", "file"]);
      const file = t.fake.filesTo(carys())[0]!;
      expect(file).toMatchObject({ channel: dmOf(carys()), filename: "requests-per-week.png", title: "Requests per week by outcome", altText: "Requests per week by outcome" });
      expect(file.bytes.equals(TINY_PNG)).toBe(true);
      // Slack's external upload flow, in order: ask for a URL, send the bytes there, complete into the DM.
      const flow = t.fake.calls.map((c) => c.method).filter((m) => m.startsWith("files.") || m === "upload");
      expect(flow).toEqual(["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]);
      expect(t.fake.callsOf("files.getUploadURLExternal")[0]!.args.length).toBe(String(TINY_PNG.length));
    });

    it("holds uploads to Slack's rules: the scope, single-use URLs, exact lengths, completed once, only into conversations the bot is in", async () => {
      const api = async (method: string, args: Record<string, unknown>, token = BOT_TOKEN) => {
        const response = await fetch(`${t.fake.apiUrl}${method}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(args) });
        return (await response.json()) as Json;
      };
      expect(await api("files.getUploadURLExternal", { filename: "a.png" })).toMatchObject({ ok: false, error: "invalid_arguments" });
      expect(await api("files.getUploadURLExternal", { filename: "a.png", length: 0 })).toMatchObject({ ok: false, error: "missing_argument" });
      expect(await api("files.getUploadURLExternal", { filename: "a.png", length: 4 }, "xoxb-someone-else")).toMatchObject({ ok: false, error: "invalid_auth" });
      expect(await api("conversations.open", { users: carys() })).toMatchObject({ ok: true });
      const ticket = await api("files.getUploadURLExternal", { filename: "a.png", length: 4 });
      expect(ticket).toMatchObject({ ok: true, file_id: expect.stringMatching(/^F/), upload_url: expect.stringContaining("/upload/v1/") });
      expect(await api("files.completeUploadExternal", { files: [{ id: ticket.file_id }], channel_id: dmOf(carys()) })).toMatchObject({ ok: false, error: "file_not_found" });
      expect((await fetch(ticket.upload_url, { method: "POST", body: Buffer.from("abc") })).status).toBe(400);
      // The failed attempt did not use the URL up: the right bytes still go.
      expect((await fetch(ticket.upload_url, { method: "POST", body: Buffer.from("abcd") })).status).toBe(200);
      expect((await fetch(ticket.upload_url, { method: "POST", body: Buffer.from("abcd") })).status).toBe(410);
      expect(await api("files.completeUploadExternal", { files: [{ id: ticket.file_id }], channel_id: "C0GENERAL" })).toMatchObject({ ok: false, error: "not_in_channel" });
      expect(await api("files.completeUploadExternal", { files: [{ id: ticket.file_id }], channel_id: "C0NOWHERE" })).toMatchObject({ ok: false, error: "channel_not_found" });
      expect(await api("files.completeUploadExternal", { files: [{ id: ticket.file_id, title: "A" }], channel_id: dmOf(carys()) })).toMatchObject({ ok: true, files: [{ id: ticket.file_id, title: "A" }] });
      expect(await api("files.completeUploadExternal", { files: [{ id: ticket.file_id }], channel_id: dmOf(carys()) })).toMatchObject({ ok: false, error: "file_not_found" });
      expect(t.fake.filesTo(carys()).map((f) => f.bytes.toString())).toEqual(["abcd"]);
      t.fake.violations.length = 0;
      // An app installed without files:write cannot upload at all.
      const bare = await FakeSlack.start({ token: BOT_TOKEN, users: [], scopes: ["commands", "chat:write", "im:write"] });
      try {
        const refused = await fetch(`${bare.apiUrl}files.getUploadURLExternal`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${BOT_TOKEN}` }, body: JSON.stringify({ filename: "a.png", length: 4 }) });
        expect(await refused.json()).toMatchObject({ ok: false, error: "missing_scope", needed: "files:write" });
      } finally {
        await bare.close();
      }
    });
  });

  describe("audit summaries", () => {
    async function createRequests(count: number): Promise<string[]> {
      const references: string[] = [];
      for (let i = 0; i < count; i++) {
        const view = await submitRequest(t.ctx, { requesterEmail: P.requester, purposeId: "safeguarding", date: "2026-11-19", time: `1${i}:30`, number: "020 7946 0001", reason: `Abusive call reported by the office, case ${i + 1}` });
        references.push(view.reference);
      }
      return references;
    }

    it("gives the DPO the summary and the chart in their DM, pointing there from the channel", async () => {
      await createRequests(3);
      // Slack's 3 s is on the acknowledgement: it comes back empty (nothing shown in the channel) before the work.
      const started = performance.now();
      const response = await postSigned(t.endpoint, "command", slashCommandPayload(t.fake, carys(), COMMANDS.audit, "last 30 days"), { secret: SIGNING_SECRET });
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(response.status).toBe(200);
      expect(response.text).toBe("");
      await t.adapter.settled();
      const [summary] = t.fake.messagesTo(carys());
      expect(summary).toBeDefined();
      expect(summary!.channel).toBe(dmOf(carys()));
      expect(header(summary!)).toMatch(/^Audit summary: last 30 days/);
      // Three requests were made, all for safeguarding at North Academy, none decided yet.
      const fieldTexts = (summary!.blocks as Json[]).flatMap((b) => (b.fields as Json[] | undefined)?.map((f) => f.text as string) ?? []);
      expect(fieldTexts).toContain("*Requests made*\n3");
      const sections = (summary!.blocks as Json[]).map((b) => b.text?.text as string | undefined);
      expect(sections).toContain("• Safeguarding: 3");
      expect(sections).toContain("• North Academy: 3");
      expect(sections).toContain("• Waiting for authorisation: 3");
      // The repeated number is an anomaly, shown masked: never the full number.
      expect(blocksText(summary!)).not.toMatch(/7946\s?0001|\+442079460001/);
      expect(buttons(summary!).map(([label]) => label)).toEqual(["Export CSV", "PDF report"]);
      const [chart] = t.fake.filesTo(carys());
      expect(chart?.channel).toBe(dmOf(carys()));
      expect(chart!.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(t.fake.historyOf(carys()).map((e) => e.type)).toEqual(["message", "file"]);
      expect(t.fake.responsesTo(carys())).toEqual([{ response_type: "ephemeral", replace_original: false, text: SENT_TO_DM }]);
      // The WebClient had nothing to warn about (no deprecated upload method, no missing arguments).
      expect(t.logLines.filter((line) => (JSON.parse(line) as { level: number }).level >= 40)).toEqual([]);
    });

    it("politely refuses anyone who is not the DPO, in their DM, and audits the refusal", async () => {
      await createRequests(1);
      await t.command(ben(), COMMANDS.audit, "this month");
      const [refusal] = t.fake.messagesTo(ben());
      expect(refusal).toBeDefined();
      expect(header(refusal!)).toBe("Nothing was changed");
      expect(blocksText(refusal!)).toContain("only for the Data Protection Officer");
      expect(t.fake.filesTo(ben())).toEqual([]);
      expect(buttons(refusal!)).toEqual([]);
      const refused = await t.ctx.db.auditEntry.findMany({ where: { actor: P.requester, action: "audit.access.refused" } });
      expect(refused).toHaveLength(1);
      expect(refused[0]!.details).toMatchObject({ query: "this month", attempted: "summary" });
    });

    it("refuses someone Slack knows but the policy does not, and audits that too", async () => {
      await t.command(OUTSIDER, COMMANDS.audit, "");
      const [refusal] = t.fake.messagesTo(OUTSIDER);
      expect(header(refusal!)).toBe("Nothing was changed");
      const refused = await t.ctx.db.auditEntry.findMany({ where: { actor: "olly@elsewhere.example", action: "audit.access.refused" } });
      expect(refused).toHaveLength(1);
    });

    it("runs a summary's Export CSV button as the DPO who clicks it: the file arrives by DM", async () => {
      await createRequests(2);
      await t.command(carys(), COMMANDS.audit, "last 30 days");
      const summary = t.fake.messagesTo(carys())[0]!;
      expect(hasAction(summary, ACTIONS.consoleRun)).toBe(true);
      const exportButton = (summary.blocks as Json[]).find((b) => b.type === "actions" && /csv/i.test(b.elements[0].text.text));
      expect(exportButton, JSON.stringify(buttons(summary))).toBeDefined();
      const click = await t.click(carys(), { ...summary, blocks: [exportButton!] }, ACTIONS.consoleRun);
      expect(click.status).toBe(200);
      // The console's answer first ("on its way"), then the outbox's "file ready" DM with the link.
      expect(header(t.fake.messagesTo(carys())[1]!)).toBe("Audit log export on its way");
      await t.deliver();
      const after = t.fake.messagesTo(carys()).slice(2);
      const fileReady = after.find((m) => blocksText(m).includes(`${PUBLIC_URL}/files/`));
      expect(fileReady, after.map((m) => m.text).join(" | ")).toBeDefined();
      const delivered = await t.ctx.db.deliveredFile.findMany({ where: { ownerEmail: P.dpo } });
      const csvFile = delivered.find((f) => f.contentType.startsWith("text/csv"));
      expect(csvFile, delivered.map((f) => f.contentType).join()).toBeDefined();
      const csv = (await storage.readFile(csvFile!.blobName)).toString("utf8");
      expect(csv.split("\n").filter((line) => line.includes("CG-")).length).toBeGreaterThanOrEqual(2);
    });

    it("checks the clicker's role again: someone else clicking the DPO's button is refused", async () => {
      await t.command(carys(), COMMANDS.audit, "");
      const summary = t.fake.messagesTo(carys())[0]!;
      const exportButton = (summary.blocks as Json[]).find((b) => b.type === "actions");
      expect(exportButton).toBeDefined();
      await t.click(ben(), { ...summary, blocks: [exportButton!] }, ACTIONS.consoleRun);
      const [refusal] = t.fake.messagesTo(ben());
      expect(header(refusal!)).toBe("Nothing was changed");
      expect(await t.ctx.db.auditEntry.count({ where: { actor: P.requester, action: "audit.access.refused" } })).toBe(1);
      expect(await t.ctx.db.deliveredFile.count({ where: { ownerEmail: P.requester } })).toBe(0);
    });
  });
});
