/**
 * Token guessing: an unknown token must not answer measurably faster (or
 * slower) than a known one whose access has ended, and a client that keeps
 * guessing is stopped. Timing bounds are generous on purpose: the check is
 * that no extra work (or missing work) separates the two paths, not a
 * benchmark.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type RunningAzurite } from "../../src/infra/blob/azurite.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { grantPlayback, startPlayback, TestBrowser, unknownToken, type PlaybackFixture } from "./playback-fixtures.ts";

let azurite: RunningAzurite;
beforeAll(async () => {
  azurite = await startAzurite({ location: "memory" });
});
afterAll(async () => {
  await azurite?.stop();
});

const SAMPLES = 200;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(url: string, expected: number): Promise<number> {
  const started = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  const elapsed = performance.now() - started;
  if (res.status !== expected) throw new Error(`expected ${expected} from ${url.replace(/\/play\/.*/, "/play/[token]")}, got ${res.status}`);
  return elapsed;
}

describe.each(DATABASE_KINDS)("playback token guessing on %s", (kind) => {
  let f: PlaybackFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it("answers unknown and malformed tokens in the same time as known tokens whose access has ended", async () => {
    f = await startPlayback(kind, azurite, { rateLimit: { limit: 1_000_000 } });
    const expired = await grantPlayback(f);
    const revoked = await grantPlayback(f);
    await f.t.ctx.db.playbackGrant.update({ where: { id: revoked.grantId }, data: { revokedAt: f.t.clock.now(), revokedBy: "test" } });
    const grant = await f.t.ctx.db.playbackGrant.findUniqueOrThrow({ where: { id: expired.grantId } });
    f.t.clock.set(new Date(grant.expiresAt.getTime() + 1));

    const samples = { unknown: [] as number[], malformed: [] as number[], expired: [] as number[], revoked: [] as number[] };
    const once = async (record: boolean) => {
      // Interleaved, so drift (JIT, caches, a busy machine) hits every kind alike.
      const u = await timed(`${f!.url}/play/${unknownToken()}`, 404);
      const m = await timed(`${f!.url}/play/${unknownToken().slice(0, 20)}`, 404);
      const e = await timed(`${f!.url}/play/${expired.token}`, 410);
      const r = await timed(`${f!.url}/play/${revoked.token}`, 410);
      if (!record) return;
      samples.unknown.push(u);
      samples.malformed.push(m);
      samples.expired.push(e);
      samples.revoked.push(r);
    };
    for (let i = 0; i < 30; i++) await once(false);
    for (let i = 0; i < SAMPLES; i++) await once(true);

    const medians = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<keyof typeof samples, number>;
    const known = (medians.expired + medians.revoked) / 2;
    // Recorded for the report: what the two paths cost on this machine.
    console.info(`${kind} medians (ms): ${Object.entries(medians).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ")}`);
    for (const guess of [medians.unknown, medians.malformed]) {
      expect(guess / known).toBeGreaterThan(0.7);
      expect(guess / known).toBeLessThan(1.4);
    }
    // No guess wrote anything.
    expect(await f.t.ctx.db.auditEntry.count({ where: { action: "playback.opened" } })).toBe(0);
  });

  it("stops a client after 20 unknown links in 10 minutes, and only that client, until the window passes", async () => {
    let now = 1_000_000;
    f = await startPlayback(kind, azurite, { trustProxy: true, rateLimit: { limit: 20, windowMs: 10 * 60_000, now: () => now } });
    const g = await grantPlayback(f);
    // One browser (the requester's, moving between networks), so good opens stay in the browser the link is bound to.
    const requester = new TestBrowser();
    const from = (ip: string, token: string) => requester.fetch(`${f!.url}/play/${token}`, { headers: { "x-forwarded-for": ip } });

    // Good opens are not failures, however many.
    for (let i = 0; i < 25; i++) expect((await from("203.0.113.5", g.token)).status).toBe(200);
    for (let i = 0; i < 20; i++) {
      now += 1_000;
      expect((await from("203.0.113.5", unknownToken())).status).toBe(404);
    }
    const limited = await from("203.0.113.5", unknownToken());
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(500);
    expect(await limited.text()).toContain("Too many attempts");
    // One warning when the limit is reached, not one per refused request.
    expect(await from("203.0.113.5", unknownToken()).then((r) => r.status)).toBe(429);
    expect(f.logs().match(/reached the limit of unknown links/g)).toHaveLength(1);

    // Limited means limited: even a real token gets no page (so a hit cannot be told from a miss) and no audit entry.
    const opensBefore = await f.t.ctx.db.auditEntry.count({ where: { action: "playback.opened" } });
    expect((await from("203.0.113.5", g.token)).status).toBe(429);
    expect(await f.t.ctx.db.auditEntry.count({ where: { action: "playback.opened" } })).toBe(opensBefore);

    // Another address is unaffected; an IPv6 client is keyed by its /64.
    expect((await from("198.51.100.7", g.token)).status).toBe(200);
    for (let i = 0; i < 20; i++) expect((await from(`2001:db8:1:2::${(i + 1).toString(16)}`, unknownToken())).status).toBe(404);
    expect((await from("2001:db8:1:2:ffff::1", g.token)).status).toBe(429);
    expect((await from("2001:db8:1:3::1", g.token)).status).toBe(200);

    // Once the oldest failure leaves the window, one more try is allowed.
    now += 10 * 60_000 - 19_000;
    expect((await from("203.0.113.5", g.token)).status).toBe(200);
    expect((await from("203.0.113.5", unknownToken())).status).toBe(404);
    expect((await from("203.0.113.5", g.token)).status).toBe(429);
  });

  it("holds the limit exactly when a client guesses many links at once", async () => {
    f = await startPlayback(kind, azurite, { trustProxy: true, rateLimit: { limit: 20 } });
    const statuses = await Promise.all(
      Array.from({ length: 60 }, () => fetch(`${f!.url}/play/${unknownToken()}`, { headers: { "x-forwarded-for": "192.0.2.1" } }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 404)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
  });
});
