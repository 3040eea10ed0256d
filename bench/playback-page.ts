/**
 * Playback page response time under load: 200 requesters open their links at
 * the same moment, on PostgreSQL and Azurite, through the real HTTP server.
 * Each open looks the grant up, mints a blob link and appends an audit entry
 * (whose head-row lock serialises writers). Target: p99 under 50 ms.
 *
 * The server runs in a child process (this same file), as it would in
 * production, so the load generator does not steal its event loop. To show where
 * the time goes the benchmark also measures the 404 path (lookup and render,
 * no link, no audit), bare audit appends (no HTTP, no lookup), one open at a
 * time, and the same 200 opens spread over two seconds.
 * Run alone: npx tsx bench/playback-page.ts
 */
import { randomBytes } from "node:crypto";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { verifyAuditChain } from "../src/core/audit/verify-audit-chain.ts";
import { appendAudit } from "../src/core/audit/append-audit.ts";
import type { AuditAction } from "../src/core/audit/audit-actions.ts";
import { transact, type CoreContext } from "../src/core/context.ts";
import { hashToken } from "../src/core/playback/issue-playback-grant.ts";
import { systemClock } from "../src/core/ports/clock.ts";
import { AzureRecordingStore } from "../src/infra/blob/azure-recording-store.ts";
import { startAzurite } from "../src/infra/blob/azurite.ts";
import { demoBeeps } from "../src/infra/demo/synthetic-audio.ts";
import { mountPlayback } from "../src/infra/http/playback/index.ts";
import { createHttpServer } from "../src/infra/http/server.ts";
import { openDatabase } from "../src/infra/db/open-database.ts";
import { createLogger } from "../src/infra/logger.ts";
import { benchPolicy, ms, percentile } from "./support/bench-context.ts";
import { throwawayPostgres } from "./support/throwaway-postgres.ts";

const CONCURRENCY = 200;
const CONTAINER = "bench-playback";
const SERVE_FLAG = "--serve-playback";
const ROUNDS = 5;
const TARGET_P99_MS = 50;

interface Stats {
  p50: number;
  p99: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1]! };
}

const describe = (s: Stats) => `p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)}`;

/** Fires `CONCURRENCY` requests at once, `ROUNDS` times, and returns every latency. */
async function burst(urls: (round: number, i: number) => string, expected: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const results = await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, i) => {
        const started = performance.now();
        const res = await fetch(urls(round, i));
        await res.arrayBuffer();
        if (res.status !== expected) throw new Error(`expected HTTP ${expected}, got ${res.status}`);
        return performance.now() - started;
      }),
    );
    latencies.push(...results);
  }
  return latencies;
}

async function once(poolSize: number): Promise<string[]> {
  const database = await throwawayPostgres("callgate_bench_playback", poolSize);
  const azurite = await startAzurite({ location: "memory" });
  try {
    const store = AzureRecordingStore.fromConnectionString(azurite.connectionString, { containerName: CONTAINER });
    await store.ensureContainer();
    const ctx: CoreContext = { db: database.prisma, policy: benchPolicy(), clock: systemClock, recordings: store };
    const tokens = await seedGrants(ctx, store, CONCURRENCY);
    const server = await startServerProcess({ databaseUrl: database.url, poolSize, connectionString: azurite.connectionString });
    try {
      // Warm up connections, the JIT and the database's caches.
      for (const token of tokens.slice(0, 50)) await (await fetch(`${server.url}/play/${token}`)).arrayBuffer();

      const opened = stats(await burst((_, i) => `${server.url}/play/${tokens[i]}`, 200));
      const spread = stats(await paced(tokens.map((token) => `${server.url}/play/${token}`), 2_000));
      const unknown = stats(await burst(() => `${server.url}/play/${randomBytes(32).toString("base64url")}`, 404));
      const sequential = await sequentialOpens(server.url, tokens);
      const audit = stats(await bareAudits(ctx));
      const chain = await verifyAuditChain(ctx.db);
      const opens = await ctx.db.auditEntry.count({ where: { action: "playback.opened" } });
      const verdict = opened.p99 < TARGET_P99_MS ? "meets" : "MISSES";
      return [
        `playback page, ${CONCURRENCY} simultaneous opens x ${ROUNDS} rounds, PostgreSQL pool ${poolSize}, Azurite: ${describe(opened)} (${verdict} the ${TARGET_P99_MS} ms p99 target)`,
        `  the same ${CONCURRENCY} opens spread evenly over 2 s (100 opens/s): ${describe(spread)}`,
        `  404 page, ${CONCURRENCY} simultaneous (lookup and render only: no link, no audit): ${describe(unknown)}`,
        `  one open at a time (the service time each queued open adds): p50 ${ms(sequential.p50)}, p99 ${ms(sequential.p99)}`,
        `  bare audit appends, ${CONCURRENCY} simultaneous transactions in one process (no HTTP, no lookup): ${describe(audit)}`,
        `  ${opens} opens audited; audit chain ${chain.ok ? "verifies" : `BROKEN at ${chain.firstBad?.seq}`}`,
      ];
    } finally {
      await server.close();
    }
  } finally {
    await azurite.stop();
    await database.close();
  }
}

interface ServerSettings {
  databaseUrl: string;
  poolSize: number;
  connectionString: string;
}

/** Starts the Callgate HTTP server with the playback pages in a child process running this file. */
async function startServerProcess(settings: ServerSettings): Promise<{ url: string; close(): Promise<void> }> {
  // process.execArgv carries tsx's loader, so the child loads TypeScript too.
  const child = fork(fileURLToPath(import.meta.url), [SERVE_FLAG], { execArgv: process.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.send(settings);
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (message: { url: string }) => resolve(message.url));
    child.once("error", reject);
    void exited.then(() => reject(new Error("the benchmark's server process exited early")));
  });
  return {
    url,
    async close() {
      child.send("close");
      await exited;
    },
  };
}

/** The child's side: a server like production's, on its own event loop. */
async function serveInChild(settings: ServerSettings): Promise<void> {
  const database = await openDatabase({ kind: "postgresql", url: settings.databaseUrl, poolSize: settings.poolSize });
  const store = AzureRecordingStore.fromConnectionString(settings.connectionString, { containerName: CONTAINER });
  const ctx: CoreContext = { db: database.prisma, policy: benchPolicy(), clock: systemClock, recordings: store };
  const logger = createLogger({ level: "silent" });
  const http = createHttpServer({ logger });
  // Every client here is 127.0.0.1; keep the guessing limit out of the way of the 404 runs.
  mountPlayback({ http, ctx, logger, rateLimit: { limit: 1_000_000 } });
  const server = await http.listen(0, "127.0.0.1");
  process.once("message", () => {
    void server
      .close()
      .then(() => database.close())
      .then(() => process.exit(0));
  });
  process.send!({ url: server.url });
}

/** Starts one request every `spanMs / urls.length` ms and returns every latency. */
async function paced(urls: string[], spanMs: number): Promise<number[]> {
  const gap = spanMs / urls.length;
  const started = performance.now();
  return Promise.all(
    urls.map(async (url, i) => {
      const due = started + i * gap;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const begun = performance.now();
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`expected HTTP 200, got ${res.status}`);
      return performance.now() - begun;
    }),
  );
}

/** One recording with audio and `count` live grants to it; returns the raw tokens. */
async function seedGrants(ctx: CoreContext, store: AzureRecordingStore, count: number): Promise<string[]> {
  const now = new Date();
  const blobName = "northfield/bench/call-1.wav";
  await store.upload(blobName, demoBeeps(1), { contentType: "audio/wav" });
  const recording = await ctx.db.recording.create({
    data: { callId: "bench-1", startedAt: new Date(now.getTime() - 86_400_000), durationSeconds: 3, direction: "INBOUND", externalNumber: "+442079460001", extension: "102", siteId: "northfield", blobName, contentType: "audio/wav", source: "BLOB" },
  });
  const request = await ctx.db.recordingRequest.create({
    data: {
      reference: "CG-900001",
      requesterEmail: "head@bench.example",
      purposeId: "safeguarding",
      type: "RECORDING",
      status: "FULFILLED",
      siteId: "northfield",
      windowStart: new Date(now.getTime() - 90_000_000),
      windowEnd: new Date(now.getTime() - 80_000_000),
      reason: "Benchmark",
      recordingId: recording.id,
      createdAt: now,
    },
  });
  const tokens = Array.from({ length: count }, () => randomBytes(32).toString("base64url"));
  await ctx.db.playbackGrant.createMany({
    data: tokens.map((token) => ({ requestId: request.id, recordingId: recording.id, requesterEmail: request.requesterEmail, tokenHash: hashToken(token), issuedAt: now, expiresAt: new Date(now.getTime() + 7 * 86_400_000) })),
  });
  return tokens;
}

async function bareAudits(ctx: CoreContext): Promise<number[]> {
  const latencies: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    latencies.push(
      ...(await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, i) => {
          const started = performance.now();
          // An action no command writes: only the append itself is measured.
          await transact(ctx, (tx) => appendAudit(tx, { at: new Date(), actor: "bench", action: "bench.audit" as AuditAction, subjectType: "bench", subjectId: String(i), details: { round } }));
          return performance.now() - started;
        }),
      )),
    );
  }
  return latencies;
}

async function sequentialOpens(url: string, tokens: string[]): Promise<Stats> {
  const latencies: number[] = [];
  for (const token of tokens.slice(0, 100)) {
    const started = performance.now();
    await (await fetch(`${url}/play/${token}`)).arrayBuffer();
    latencies.push(performance.now() - started);
  }
  return stats(latencies);
}

export async function run(): Promise<string[]> {
  const lines: string[] = [];
  for (const poolSize of [10, 20]) lines.push(...(await once(poolSize)));
  return lines;
}

if (process.argv.includes(SERVE_FLAG)) {
  process.once("message", (settings: ServerSettings) => void serveInChild(settings));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await run()) console.log(line);
}
