/**
 * Playback page response time under load: 200 requesters open their links at
 * the same moment, each in its own (bound) browser, on PostgreSQL and Azurite,
 * through the real HTTP server. Each open looks the grant up, checks the
 * browser, records a page view and appends an audit entry (whose head-row lock
 * serialises writers). Target: p99 under 50 ms.
 *
 * Before and after the audio moved behind Callgate, in the same run: the page
 * as it was (a read-only SAS minted per open, rebuilt here from the same
 * lookup, audit and render, at /sas-play/) against the page as it is; and the
 * revocation latency, from the start of a revocation to the audio URL a
 * browser already holds failing: a SAS keeps playing until it expires (polled
 * for a few seconds, then read from its signed expiry), the Callgate audio
 * URL fails at its next request. Each figure is also given as a ratio to the
 * 404 page's p99 in the same run.
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
import { assertNotRevokedMeanwhile, lookUpGrant } from "../src/core/playback/playback-grant.ts";
import { revokeGrant } from "../src/core/playback/revoke-grant.ts";
import { systemClock } from "../src/core/ports/clock.ts";
import { AzureRecordingStore } from "../src/infra/blob/azure-recording-store.ts";
import { startAzurite } from "../src/infra/blob/azurite.ts";
import { demoBeeps } from "../src/infra/demo/synthetic-audio.ts";
import { mountPlayback } from "../src/infra/http/playback/index.ts";
import { renderPlayer } from "../src/infra/http/playback/render.ts";
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

/** Fires `CONCURRENCY` requests at once, `ROUNDS` times, and returns every latency. `cookies[i]` is request i's browser cookie. */
async function burst(urls: (round: number, i: number) => string, expected: number, cookies: string[] = []): Promise<number[]> {
  const latencies: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const results = await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, i) => {
        const started = performance.now();
        const res = await fetch(urls(round, i), cookies[i] ? { headers: { cookie: cookies[i] } } : {});
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
    const tokens = await seedGrants(ctx, store, CONCURRENCY + 2);
    const [revokedAfter, revokedBefore] = tokens.splice(CONCURRENCY, 2) as [string, string];
    const server = await startServerProcess({ databaseUrl: database.url, poolSize, connectionString: azurite.connectionString });
    try {
      // Each link is opened first by its own browser, which it is then bound to (the cookie is that browser's).
      const cookies: string[] = [];
      for (const token of tokens) cookies.push(await firstOpen(`${server.url}/play/${token}`));
      // Warm up connections, the JIT and the database's caches.
      for (const [i, token] of tokens.slice(0, 50).entries()) {
        await (await fetch(`${server.url}/play/${token}`, { headers: { cookie: cookies[i]! } })).arrayBuffer();
        await (await fetch(`${server.url}/sas-play/${token}`)).arrayBuffer();
      }

      const sasOpened = stats(await burst((_, i) => `${server.url}/sas-play/${tokens[i]}`, 200));
      const opened = stats(await burst((_, i) => `${server.url}/play/${tokens[i]}`, 200, cookies));
      const spread = stats(await paced(tokens.map((token) => `${server.url}/play/${token}`), 2_000, cookies));
      const unknown = stats(await burst(() => `${server.url}/play/${randomBytes(32).toString("base64url")}`, 404));
      const sequential = await sequentialOpens(server.url, tokens, cookies);
      const revocation = await revocationLatency(ctx, server.url, revokedAfter, revokedBefore);
      const audit = stats(await bareAudits(ctx));
      const chain = await verifyAuditChain(ctx.db);
      const opens = await ctx.db.auditEntry.count({ where: { action: "playback.opened" } });
      const verdict = opened.p99 < TARGET_P99_MS ? "meets" : "MISSES";
      const ratio = (n: number) => `${(n / unknown.p99).toFixed(2)}x the 404 p99`;
      return [
        `playback page, ${CONCURRENCY} simultaneous opens x ${ROUNDS} rounds, PostgreSQL pool ${poolSize}, Azurite: ${describe(opened)} (${verdict} the ${TARGET_P99_MS} ms p99 target)`,
        `  404 page, ${CONCURRENCY} simultaneous (lookup and render only: no view, no audit): ${describe(unknown)}`,
        `  page p99 at ${CONCURRENCY} concurrent: before (SAS minted per open) ${ms(sasOpened.p99)} = ${ratio(sasOpened.p99)}; after (audio through Callgate, browser bound, page view recorded) ${ms(opened.p99)} = ${ratio(opened.p99)}`,
        `  revocation latency (revoke started -> the audio URL the browser holds fails): before (SAS) ${revocation.sas} = ${ratio(revocation.sasMs)}; after (Callgate audio URL) ${ms(revocation.callgateMs)} = ${ratio(revocation.callgateMs)}`,
        `  the same ${CONCURRENCY} opens spread evenly over 2 s (100 opens/s): ${describe(spread)}`,
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
  http.mount("/sas-play", sasPage(ctx, store));
  const server = await http.listen(0, "127.0.0.1");
  process.once("message", () => {
    void server
      .close()
      .then(() => database.close())
      .then(() => process.exit(0));
  });
  process.send!({ url: server.url });
}

/**
 * The playback page as it was before audio moved behind Callgate, for the
 * before/after figures: the same one-query lookup, a read-only SAS minted for
 * the blob (5 minutes plus the call's length), the audit entry with the
 * revocation re-check, and the player page, its audio pointing at the SAS.
 */
function sasPage(ctx: CoreContext, store: AzureRecordingStore) {
  return async (req: import("express").Request, res: import("express").Response) => {
    const lookup = await lookUpGrant(ctx, req.path.slice(1));
    if (!lookup.found || lookup.ended || lookup.grant.recordingId === null) {
      res.status(404).end();
      return;
    }
    const grant = lookup.grant;
    const now = new Date();
    const sasExpiresAt = new Date(Math.min(now.getTime() + 5 * 60_000 + grant.durationSeconds * 1_000, grant.expiresAt.getTime()));
    const audioUrl = await store.readUrl(grant.blobName!, sasExpiresAt, { contentType: grant.contentType ?? "audio/wav" });
    await transact(ctx, async (tx) => {
      await appendAudit(tx, {
        at: now,
        actor: grant.requesterEmail,
        action: "playback.opened",
        subjectType: "grant",
        subjectId: grant.id,
        requestId: grant.requestId,
        purposeId: grant.purposeId,
        details: { recordingId: grant.recordingId, callId: grant.callId, clientIp: req.ip ?? "unknown", userAgent: "", sasMinted: true, sasPermissions: "read", sasExpiresAt: sasExpiresAt.toISOString() },
      });
      await assertNotRevokedMeanwhile(tx, grant.id, now);
    });
    const view = { grantId: grant.id, organisationName: "Bench", reference: grant.reference, purposeLabel: "Safeguarding", requesterName: "Head", callAtText: grant.startedAt.toISOString(), directionText: "Incoming call", maskedNumber: "+44 •••••••001", durationText: `${grant.durationSeconds} s`, accessEndsText: grant.expiresAt.toISOString(), misuseText: "" };
    const page = renderPlayer(view, audioUrl);
    res.status(200).set({ "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": page.csp }).send(page.html);
  };
}

/** Opens a link in a new browser (no cookie) and returns the cookie it is bound by. */
async function firstOpen(url: string): Promise<string> {
  const res = await fetch(url);
  const html = await res.text();
  if (res.status !== 200) throw new Error(`expected the first open to play, got ${res.status}: ${html.slice(0, 200)}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("callgate_browser="));
  if (!cookie) throw new Error("the first open set no browser cookie");
  return cookie.split(";")[0]!;
}

/**
 * From the start of a revocation to the audio URL a browser already holds
 * failing. The SAS is polled for a few seconds (it keeps playing), then its
 * latency is read from its signed expiry; the Callgate URL is polled until
 * it fails.
 */
async function revocationLatency(ctx: CoreContext, base: string, callgateToken: string, sasToken: string): Promise<{ callgateMs: number; sasMs: number; sas: string }> {
  const actorEmail = "dpo@bench.example";
  const grantOf = async (token: string) => ctx.db.playbackGrant.findUniqueOrThrow({ where: { tokenHash: hashToken(token) }, include: { recording: true } });

  const cookie = await firstOpen(`${base}/play/${callgateToken}`);
  const page = await (await fetch(`${base}/play/${callgateToken}`, { headers: { cookie } })).text();
  const audioUrl = new URL(/<audio[^>]*\ssrc="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, "&"), `${base}/play/${callgateToken}`);
  const playing = await fetch(audioUrl, { headers: { cookie, range: "bytes=0-" } });
  await playing.arrayBuffer();
  if (playing.status !== 206) throw new Error(`expected the audio to play, got ${playing.status}`);
  const callgateGrant = await grantOf(callgateToken);
  const started = performance.now();
  await revokeGrant(ctx, { grantOrRequestId: callgateGrant.id, actorEmail, reason: "Benchmark revocation" });
  let callgateMs = 0;
  for (;;) {
    const res = await fetch(audioUrl, { headers: { cookie, range: "bytes=0-" } });
    await res.arrayBuffer();
    if (res.status === 410) {
      callgateMs = performance.now() - started;
      break;
    }
  }

  // The SAS the old page handed out, with its lifetime: 5 minutes plus the call's length.
  const sasGrant = await grantOf(sasToken);
  const sasUrl = new URL(/<audio[^>]*\ssrc="([^"]+)"/.exec(await (await fetch(`${base}/sas-play/${sasToken}`)).text())![1]!.replace(/&amp;/g, "&"));
  const signedExpiry = new Date(sasUrl.searchParams.get("se")!).getTime();
  const revokedAt = Date.now();
  await revokeGrant(ctx, { grantOrRequestId: sasGrant.id, actorEmail, reason: "Benchmark revocation" });
  const pollMs = 3_000;
  const pollUntil = performance.now() + pollMs;
  let plays = 0;
  while (performance.now() < pollUntil) {
    const res = await fetch(sasUrl);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`the SAS stopped early, with ${res.status}`);
    plays++;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const sasMs = signedExpiry - revokedAt;
  return { callgateMs, sasMs, sas: `${(sasMs / 1000).toFixed(0)} s (still played ${plays} times over the ${pollMs / 1000} s polled after revocation; fails only at its signed expiry)` };
}

/** Starts one request every `spanMs / urls.length` ms and returns every latency. */
async function paced(urls: string[], spanMs: number, cookies: string[] = []): Promise<number[]> {
  const gap = spanMs / urls.length;
  const started = performance.now();
  return Promise.all(
    urls.map(async (url, i) => {
      const due = started + i * gap;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const begun = performance.now();
      const res = await fetch(url, cookies[i] ? { headers: { cookie: cookies[i] } } : {});
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

async function sequentialOpens(url: string, tokens: string[], cookies: string[]): Promise<Stats> {
  const latencies: number[] = [];
  for (const [i, token] of tokens.slice(0, 100).entries()) {
    const started = performance.now();
    await (await fetch(`${url}/play/${token}`, { headers: { cookie: cookies[i]! } })).arrayBuffer();
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
