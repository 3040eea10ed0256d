/**
 * The whole app boots as `npm start` boots it: embedded PGlite, embedded
 * Azurite, the demo policy and demo recordings; and it refuses, clearly, to
 * start on a PostgreSQL database that has not been migrated.
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
