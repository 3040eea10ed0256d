/**
 * Who may speak to /api/messages. With credentials the Teams SDK checks every
 * token (no token: 401, no handler runs). Without them, unauthenticated local
 * mode is refused on a non-loopback HOST, logged loudly, and admits only
 * activities whose Bot Connector is on loopback (the Agents Playground), so a
 * forged service URL cannot choose whose e-mail the bot believes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startTeamsAdapter, type TeamsAdapter } from "../../src/adapters/teams/index.ts";
import { MESSAGING_PATH } from "../../src/adapters/teams/ids.ts";
import { createHttpServer, type RunningServer } from "../../src/infra/http/server.ts";
import { createLogger } from "../../src/infra/logger.ts";
import { testCore, type TestCore } from "../support/core.ts";

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
    const post = await start({ enabled: true, clientId: "11111111-2222-4333-8444-555555555555", clientSecret: "secret", tenantId: "66666666-7777-4888-9999-000000000000" });
    const res = await post(activity("http://127.0.0.1:9/_connector"));
    expect(res.status).toBe(401);
    expect(await core.ctx.db.chatIdentity.count()).toBe(0);
    expect(adapter!.authenticated).toBe(true);
    expect(logLines.join("\n")).not.toContain("UNAUTHENTICATED LOCAL MODE");
  });

  it("warns loudly in unauthenticated local mode and refuses activities naming a Bot Connector off this machine", async () => {
    const post = await start({ enabled: false });
    expect(logLines.join("\n")).toContain("TEAMS IS IN UNAUTHENTICATED LOCAL MODE");
    expect(logLines.some((l) => /"level":(40|"warn")/.test(l) && l.includes("UNAUTHENTICATED")), logLines.find((l) => l.includes("UNAUTHENTICATED"))).toBe(true);
    const res = await post(activity("https://attacker.example/_connector"));
    expect(res.status).toBe(401);
    expect(await core.ctx.db.chatIdentity.count()).toBe(0);
  });

  it("refuses to start without credentials on an interface other machines can reach", async () => {
    await expect(start({ enabled: false }, "0.0.0.0")).rejects.toThrow(/unauthenticated local mode/);
  });
});
