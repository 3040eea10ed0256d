/**
 * The whole app boots as `npm start` boots it: embedded PGlite, embedded
 * Azurite, the demo policy and demo recordings; and it refuses, clearly, to
 * start on a PostgreSQL database that has not been migrated. Teams' open,
 * unauthenticated local mode exists only where it was asked for (or for the
 * trial with nothing configured): a Slack-only deployment has no Teams endpoint.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startCallgate, type RunningCallgate } from "../../src/app.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { loadConfig } from "../../src/infra/config.ts";
import { createLogger } from "../../src/infra/logger.ts";
import { FakeSlack } from "../support/fake-slack/fake-slack-server.ts";
import { BOT_TOKEN, SIGNING_SECRET } from "../support/fake-slack/testbed.ts";
import { withDatabase } from "../support/global-setup.ts";

const lines: string[] = [];
const logger = createLogger({ level: "info", destination: new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }) });

describe("starting Callgate on embedded defaults", () => {
  let dir: string;
  let app: RunningCallgate;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "callgate-start-"));
    app = await startCallgate(loadConfig({ CALLGATE_DATA_DIR: dir, PORT: "39781" }), logger, { playground: false });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers /healthz and /readyz", async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ok", checks: { database: { status: "ok" }, storage: { status: "ok" } } });
  });

  it("catalogues the synthetic demo recordings with their audio", async () => {
    const recordings = await app.ctx.db.recording.findMany();
    expect(recordings.length).toBeGreaterThanOrEqual(10);
    expect(recordings.every((r) => r.blobName !== null && (r.externalNumber === null || /^\+\d{8,15}$/.test(r.externalNumber)))).toBe(true);
    expect((await verifyAuditChain(app.ctx.db)).ok).toBe(true);
  });

  it("keeps phone numbers out of the log", () => {
    expect(lines.join("")).not.toMatch(/\+44\d{6,}|0\d{3,4} ?\d{3} ?\d{3,4}/);
  });

  it("runs the trial's Teams endpoint in local mode, which reads only JSON", async () => {
    const res = await fetch(`${app.url}/api/messages`, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    expect(res.status).toBe(415);
    expect(lines.join("")).toContain("TEAMS IS IN UNAUTHENTICATED LOCAL MODE");
  });
});

/** A message activity naming a Bot Connector on this machine: what local mode would admit. */
const localActivity = JSON.stringify({
  type: "message",
  channelId: "msteams",
  serviceUrl: "http://127.0.0.1:9/_connector",
  text: "help",
  from: { id: "29:someone" },
  recipient: { id: "28:bot" },
  conversation: { id: "c1", conversationType: "personal" },
});

describe("starting Callgate without Teams credentials or local mode", () => {
  it("gives a Slack-only deployment no Teams endpoint at all", async () => {
    const slack = await FakeSlack.start({ token: BOT_TOKEN, users: [] });
    const dir = await mkdtemp(join(tmpdir(), "callgate-slack-only-"));
    const ownLines: string[] = [];
    const ownLogger = createLogger({ level: "info", destination: new Writable({ write: (chunk, _enc, done) => (ownLines.push(String(chunk)), done()) }) });
    let running: RunningCallgate | undefined;
    try {
      running = await startCallgate(
        loadConfig({ CALLGATE_DATA_DIR: dir, PORT: "39783", SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.apiUrl, CALLGATE_DEMO: "false" }),
        ownLogger,
      );
      const res = await fetch(`${running.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: localActivity });
      expect(res.status).toBe(404);
      expect(running.channels.map((c) => c.platform)).toEqual(["slack"]);
      expect(ownLines.join("")).not.toContain("UNAUTHENTICATED LOCAL MODE");
      expect(ownLines.join("")).not.toContain("Agents Playground");
    } finally {
      await running?.close();
      await slack.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("mounts nothing for Teams when local mode is turned off", async () => {
    const dir = await mkdtemp(join(tmpdir(), "callgate-no-teams-"));
    let running: RunningCallgate | undefined;
    try {
      running = await startCallgate(loadConfig({ CALLGATE_DATA_DIR: dir, PORT: "39784", TEAMS_LOCAL_MODE: "false", CALLGATE_DEMO: "false" }), logger);
      const res = await fetch(`${running.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: localActivity });
      expect(res.status).toBe(404);
    } finally {
      await running?.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("starting Callgate on PostgreSQL", () => {
  it("refuses a database that is behind and says how to migrate it", async () => {
    const admin = new pg.Client({ connectionString: inject("pgAdminUrl") });
    await admin.connect();
    const name = `callgate_behind_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const dir = await mkdtemp(join(tmpdir(), "callgate-behind-"));
      const config = loadConfig({ CALLGATE_DATA_DIR: dir, PORT: "39782", DATABASE_URL: withDatabase(inject("pgAdminUrl"), name) });
      await expect(startCallgate(config, logger, { playground: false })).rejects.toMatchObject({ code: "DATABASE_BEHIND", message: expect.stringContaining("npm run db:migrate") });
      await rm(dir, { recursive: true, force: true });
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
