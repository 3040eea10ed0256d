/**
 * Who may speak to /api/messages. With credentials the Teams SDK checks every
 * token (no token: 401, no handler runs). Without them, unauthenticated local
 * mode is refused on a non-loopback HOST, logged loudly, and admits only
 * activities whose Bot Connector is on loopback (the Agents Playground), so a
 * forged service URL cannot choose whose e-mail the bot believes.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startTeamsAdapter, type TeamsAdapter } from "../../src/adapters/teams/index.ts";
import { MESSAGING_PATH } from "../../src/adapters/teams/ids.ts";
import { createHttpServer, type RunningServer } from "../../src/infra/http/server.ts";
import { createLogger } from "../../src/infra/logger.ts";
import { testCore, type TestCore } from "../support/core.ts";
import { teamsTestbed } from "../support/playground/testbed.ts";

const activity = (serviceUrl: string) => ({
  type: "message",
  id: "a1",
  channelId: "msteams",
  serviceUrl,
  text: "help",
  from: { id: "29:someone", aadObjectId: "00000000-0000-4000-8000-000000000001" },
  recipient: { id: "28:bot" },
  conversation: { id: "c1", conversationType: "personal" },
});

describe("the Teams endpoint's front door", () => {
  let core: TestCore;
  let server: RunningServer | undefined;
  let adapter: TeamsAdapter | undefined;
  const logLines: string[] = [];

  async function start(config: Parameters<typeof startTeamsAdapter>[0]["config"], host = "127.0.0.1") {
    core = await testCore("pglite", { linkEveryone: false });
    const logger = createLogger({ level: "info", destination: { write: (line: string) => void logLines.push(line) } });
    const http = createHttpServer({ logger, shutdownGraceMs: 200 });
    adapter = await startTeamsAdapter({ ctx: core.ctx, config, logger, http, host, drainMs: 200 });
    server = await http.listen(0, "127.0.0.1");
    return (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server!.url}${MESSAGING_PATH}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  }

  afterEach(async () => {
    await adapter?.close();
    await server?.close();
    await core?.close();
    adapter = undefined;
    server = undefined;
    logLines.length = 0;
  });

  it("rejects an activity without a token when credentials are configured, before any handler runs", async () => {
    const post = await start({ mode: "authenticated", clientId: "11111111-2222-4333-8444-555555555555", clientSecret: "secret", tenantId: "66666666-7777-4888-9999-000000000000" });
    const res = await post(activity("http://127.0.0.1:9/_connector"));
    expect(res.status).toBe(401);
    expect(await core.ctx.db.chatIdentity.count()).toBe(0);
    expect(adapter!.authenticated).toBe(true);
    expect(logLines.join("\n")).not.toContain("UNAUTHENTICATED LOCAL MODE");
  });

  it("warns loudly in unauthenticated local mode and refuses activities naming a Bot Connector off this machine", async () => {
    const post = await start({ mode: "local" });
    expect(logLines.join("\n")).toContain("TEAMS IS IN UNAUTHENTICATED LOCAL MODE");
    expect(logLines.some((l) => /"level":(40|"warn")/.test(l) && l.includes("UNAUTHENTICATED")), logLines.find((l) => l.includes("UNAUTHENTICATED"))).toBe(true);
    const res = await post(activity("https://attacker.example/_connector"));
    expect(res.status).toBe(401);
    expect(await core.ctx.db.chatIdentity.count()).toBe(0);
  });

  it("refuses to start local mode on an interface other machines can reach", async () => {
    await expect(start({ mode: "local" }, "0.0.0.0")).rejects.toThrow(/unauthenticated local mode/);
    await core.close();
    // A name that starts like a loopback address is still a name anyone can point anywhere.
    await expect(start({ mode: "local" }, "127.attacker.test")).rejects.toThrow(/unauthenticated local mode/);
  });
});

/** A Bot Connector on loopback that records what the bot asks of it; member look-ups answer `member`. */
async function fakeConnector(host: string, member: { status: number; body?: unknown }) {
  const calls: Array<{ method: string; path: string; body: string }> = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      calls.push({ method: req.method ?? "", path: req.url ?? "", body });
      res.setHeader("content-type", "application/json");
      if (req.method === "GET" && /\/members\//.test(req.url ?? "")) {
        res.statusCode = member.status;
        res.end(JSON.stringify(member.body ?? { error: { code: "MemberNotFound", message: "no such member" } }));
        return;
      }
      res.end(JSON.stringify({ id: `sent-${calls.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(":") ? `[${host}]` : host;
  return { calls, port, url: `http://${shown}:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("the Teams endpoint in local mode", () => {
  let core: TestCore;
  let server: RunningServer | undefined;
  let adapter: TeamsAdapter | undefined;
  const closers: Array<() => Promise<void>> = [];
  const logLines: string[] = [];

  async function start() {
    core = await testCore("pglite", { linkEveryone: false });
    const logger = createLogger({ level: "info", destination: { write: (line: string) => void logLines.push(line) } });
    const http = createHttpServer({ logger, shutdownGraceMs: 200 });
    adapter = await startTeamsAdapter({ ctx: core.ctx, config: { mode: "local" }, logger, http, host: "127.0.0.1", drainMs: 200 });
    server = await http.listen(0, "127.0.0.1");
    // null sends bytes with no content type at all (a string body would be labelled text/plain).
    return (body: string, contentType: string | null = "application/json") =>
      fetch(`${server!.url}${MESSAGING_PATH}`, { method: "POST", headers: contentType ? { "content-type": contentType } : {}, body: contentType ? body : new TextEncoder().encode(body) });
  }

  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await adapter?.close();
    await server?.close();
    await core?.close();
    adapter = undefined;
    server = undefined;
    logLines.length = 0;
  });

  it("refuses service URLs that only look like this machine, before the bot calls them", async () => {
    const post = await start();
    for (const serviceUrl of [
      "http://127.attacker.test/_connector",
      "http://127.0.0.1.nip.io/_connector",
      "http://localhost.attacker.test/_connector",
      "http://[::ffff:a00:1]/_connector",
      "http://10.0.0.1/_connector",
      "http://0.0.0.0:9/_connector",
      "http://[::]:9/_connector",
      "ftp://127.0.0.1/_connector",
      "http://someone:secret@127.0.0.1:9/_connector",
      "not a url",
    ]) {
      const res = await post(JSON.stringify(activity(serviceUrl)));
      expect(res.status, serviceUrl).toBe(401);
    }
    expect(await core.ctx.db.chatIdentity.count()).toBe(0);
  });

  it("admits a connector on 127.0.0.0/8, on ::1 and on localhost", async () => {
    const post = await start();
    const v4 = await fakeConnector("127.0.0.1", { status: 404 });
    const v6 = await fakeConnector("::1", { status: 404 });
    closers.push(v4.close, v6.close);
    for (const serviceUrl of [`${v4.url}/_connector`, `http://localhost:${v4.port}/_connector`, `${v6.url}/_connector`]) {
      const before = v4.calls.length + v6.calls.length;
      const res = await post(JSON.stringify(activity(serviceUrl)));
      expect(res.status, serviceUrl).toBeLessThan(400);
      expect(v4.calls.length + v6.calls.length, serviceUrl).toBeGreaterThan(before);
    }
  });

  it("accepts only application/json and answers anything else with 415", async () => {
    const post = await start();
    const body = JSON.stringify(activity("http://127.0.0.1:9/_connector"));
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/jsonp", null]) {
      const res = await post(body, type);
      expect(res.status, String(type)).toBe(415);
      expect(await res.json()).toEqual({ error: { code: "INVALID_INPUT", message: "That content type is not supported here." } });
    }
    expect((await post(body, "application/json; charset=utf-8")).status).not.toBe(415);
    expect(await core.ctx.db.chatIdentity.count()).toBe(0);
  });

  it("answers malformed JSON and activities of the wrong shape with 400 and a plain message", async () => {
    const post = await start();
    const good = activity("http://127.0.0.1:9/_connector");
    for (const body of [
      '{"type": "message", "serviceUrl": ',
      "[]",
      '"message"',
      "null",
      "{}",
      JSON.stringify({ type: "message" }),
      JSON.stringify({ ...good, from: "29:someone" }),
      JSON.stringify({ ...good, conversation: undefined }),
      JSON.stringify({ ...good, type: 42 }),
    ]) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      const answer = (await res.json()) as { error?: { message?: string } };
      expect(answer.error?.message, body).toMatch(/^[A-Z][^{}<>]+\.$/);
    }
    expect(logLines.join("\n")).not.toContain("Internal server error");
  });

  it("answers a forged activity from someone Teams does not know with a plain reply, never 500", async () => {
    const post = await start();
    const connector = await fakeConnector("127.0.0.1", { status: 404 });
    closers.push(connector.close);
    const res = await post(JSON.stringify(activity(`${connector.url}/_connector`)));
    expect(res.status).toBeLessThan(500);
    const reply = connector.calls.find((c) => c.method === "POST" && c.path.includes("/activities"));
    expect(reply?.body).toContain("not set up in Callgate");
    expect(await core.ctx.db.chatIdentity.count()).toBe(0);
  });

  it("answers someone Teams knows but the policy does not with a plain reply", async () => {
    const post = await start();
    const connector = await fakeConnector("127.0.0.1", { status: 200, body: { id: "29:someone", email: "stranger@elsewhere.example", userPrincipalName: "stranger@elsewhere.example" } });
    closers.push(connector.close);
    const res = await post(JSON.stringify(activity(`${connector.url}/_connector`)));
    expect(res.status).toBeLessThan(500);
    const reply = connector.calls.find((c) => c.method === "POST" && c.path.includes("/activities"));
    expect(reply?.body).toContain("not set up in Callgate");
    expect(await core.ctx.db.chatIdentity.count()).toBe(0);
  });

  it("never answers 500 when the connector an unknown sender names cannot be reached", async () => {
    const post = await start();
    const res = await post(JSON.stringify(activity("http://127.0.0.1:9/_connector")));
    expect(res.status).toBeLessThan(500);
    const invoke = await post(JSON.stringify({ ...activity("http://127.0.0.1:9/_connector"), type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: "approve", data: {} } } }));
    expect(invoke.status).toBeLessThan(500);
  });
});

describe("a forged activity through the real Agents Playground", () => {
  it("answers a sender the Playground does not know with 4xx or a plain reply, never 500, and links nobody", async () => {
    const t = await teamsTestbed("pglite");
    try {
      const forged = {
        ...activity(`${t.playground.url}/_connector`),
        from: { id: "29:forged-attacker", aadObjectId: "00000000-0000-4000-8000-0000000000ff" },
        recipient: { id: t.playground.botId },
        conversation: { id: t.playground.personalChatId, conversationType: "personal", tenantId: t.playground.tenantId },
      };
      for (const body of [forged, { ...forged, type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: "approve", data: { requestId: "x" } } } }]) {
        const res = await fetch(`${t.url}${MESSAGING_PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        expect(res.status, body.type).toBeLessThan(500);
      }
      expect(await t.ctx.db.chatIdentity.count()).toBe(0);
      expect(t.logLines.join("\n")).not.toMatch(/"level":50[^\n]*failed to answer/);
    } finally {
      await t.close();
    }
  });
});
