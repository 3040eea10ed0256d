/**
 * The trial's way to act as each demo person: /trial lists the policy's
 * people, and opening one starts a real Agents Playground with that person as
 * its current user; a message typed there links that person (and delivers
 * what waited for them) and their notices arrive through their own Playground.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGING_PATH, startTeamsAdapter, TrialPlaygrounds, findTrialPerson, type TeamsAdapter } from "../../src/adapters/teams/index.ts";
import { createHttpServer, type RunningServer } from "../../src/infra/http/server.ts";
import { createLogger } from "../../src/infra/logger.ts";
import { testCore } from "../support/core.ts";
import { P } from "../support/test-policy.ts";

describe("acting as each demo person in the Teams trial", () => {
  let core: Awaited<ReturnType<typeof testCore>>;
  let adapter: TeamsAdapter;
  let running: RunningServer;
  let trial: TrialPlaygrounds;

  beforeAll(async () => {
    core = await testCore("pglite", { linkEveryone: false });
    const logger = createLogger({ level: "silent" });
    const http = createHttpServer({ logger, shutdownGraceMs: 500 });
    adapter = await startTeamsAdapter({ ctx: core.ctx, config: { mode: "local" }, logger, http, host: "127.0.0.1", drainMs: 500 });
    // Port 0 for the first: each later one asks for a port taken by nobody, or gets a free one.
    trial = new TrialPlaygrounds({ policy: core.ctx.policy, logger, basePort: 0 });
    trial.mount(http);
    running = await http.listen(0, "127.0.0.1");
    await trial.start(`${running.url}${MESSAGING_PATH}`);
  });
  afterAll(async () => {
    await trial?.close();
    await adapter?.close();
    await running?.close();
    await core?.close();
  });

  it("lists every person in the policy, each with a link to their own chat", async () => {
    const page = await (await fetch(`${running.url}/trial`)).text();
    for (const [i, person] of core.ctx.policy.people.entries()) expect(page).toContain(`<a href="/trial/as/${i}" target="_blank">${person.name}</a>`);
  });

  it("opens a person's own Playground, speaking as them, and links them when they write", async () => {
    const index = core.ctx.policy.people.findIndex((p) => p.email === P.ceo);
    const res = await fetch(`${running.url}/trial/as/${index}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    const url = res.headers.get("location")!.replace(/\/$/, "");
    const playground = await trial.as(P.ceo);
    expect(playground.url).toBe(url);
    expect(playground.users[0]!.email).toBe(P.ceo);
    expect(await (await fetch(`${url}/_debug/ping`)).text()).toBe("pong");
    // Typed on that person's page: Callgate now knows them, reachable through this Playground.
    const sent = await fetch(`${url}/_conversation/v1/conversations/${encodeURIComponent(playground.personalChatId)}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ from: { id: playground.users[0]!.id }, text: "pending", textFormat: "plain" }),
    });
    expect(sent.ok).toBe(true);
    const deadline = Date.now() + 10_000;
    let identity = null;
    while (!identity && Date.now() < deadline) {
      identity = await core.ctx.db.chatIdentity.findFirst({ where: { email: P.ceo } });
      if (!identity) await new Promise((r) => setTimeout(r, 50));
    }
    expect(JSON.stringify(identity?.address)).toContain(`${url}/_connector`);
  });

  it("finds the person `--as` names by first name, full name or e-mail, and refuses anyone else", () => {
    const farid = core.ctx.policy.people.find((p) => p.email === P.ceo)!;
    expect(findTrialPerson(core.ctx.policy, farid.name.split(" ")[0]!.toLowerCase())).toBe(P.ceo);
    expect(findTrialPerson(core.ctx.policy, farid.name)).toBe(P.ceo);
    expect(findTrialPerson(core.ctx.policy, P.ceo.toUpperCase())).toBe(P.ceo);
    expect(() => findTrialPerson(core.ctx.policy, "nobody-at-all")).toThrow(/nobody of that name is in the policy/);
  });
});
