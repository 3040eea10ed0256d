/**
 * The playback page end to end on both databases and a real Azurite: what it
 * shows, how its audio is streamed through Callgate (Range requests, each
 * re-checking the grant), and what it writes to the audit log.
 */
import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { openPlayback } from "../../src/core/playback/open-playback.ts";
import { revokeGrant } from "../../src/core/playback/revoke-grant.ts";
import { startAzurite, type RunningAzurite } from "../../src/infra/blob/azurite.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { P } from "../support/test-policy.ts";
import { audioSrc, audioUrlOf, callAtText, grantPlayback, startPlayback, unknownToken, type PlaybackFixture } from "./playback-fixtures.ts";

let azurite: RunningAzurite;
beforeAll(async () => {
  azurite = await startAzurite({ location: "memory" });
});
afterAll(async () => {
  await azurite?.stop();
});

/** Headers an audio response may carry: what a player needs and the server's own safe defaults. */
const AUDIO_HEADERS = new Set([
  "content-type",
  "content-length",
  "content-range",
  "accept-ranges",
  "cache-control",
  "date",
  "connection",
  "keep-alive",
  "x-request-id",
  "x-content-type-options",
  "referrer-policy",
  "x-frame-options",
  "content-security-policy",
  "cross-origin-opener-policy",
  "cross-origin-resource-policy",
  "permissions-policy",
]);

/** A copy of `db` whose next transaction first runs `before` (to land a revocation between a lookup and its audit entry). */
function beforeNextTransaction<T extends object>(db: T, before: () => Promise<unknown>): T {
  let done = false;
  return new Proxy(db, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key !== "$transaction" || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        if (!done) {
          done = true;
          await before();
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe.each(DATABASE_KINDS)("playback page on %s", (kind) => {
  let f: PlaybackFixture;
  beforeEach(async () => {
    f = await startPlayback(kind, azurite);
  });
  afterEach(async () => {
    await f.close();
  });

  const opens = (grantId: string) => f.t.ctx.db.auditEntry.findMany({ where: { subjectId: grantId, action: "playback.opened" }, orderBy: { seq: "asc" } });

  it("shows the call's details, the confidentiality notice and a player without download", async () => {
    const g = await grantPlayback(f);
    const res = await fetch(`${f.url}/play/${g.token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await res.text();

    expect(html).toContain('<html lang="en-GB">');
    expect(html).toContain("<h1>Call recording</h1>");
    expect(html).toContain("Test Learning Trust");
    expect(html).toContain(callAtText(f, g));
    expect(html).toContain("Incoming call");
    expect(html).toContain(g.maskedNumber);
    expect(html).toContain(g.reference);
    const grant = await f.t.ctx.db.playbackGrant.findUniqueOrThrow({ where: { id: g.grantId } });
    expect(html).toContain(`<dt>Your access ends</dt><dd>${callAtTextOf(grant.expiresAt)}</dd>`);
    expect(html).toContain("Every access is logged.");
    expect(html).toMatch(/<strong>Confidential\.<\/strong>/);

    expect(html).toMatch(/<audio [^>]*controls controlsList="nodownload noplaybackrate" preload="metadata"/);
    expect(html).not.toMatch(/\sdownload[\s=>]/);
    expect(html).not.toMatch(/<a\s/);
    expect(html).not.toMatch(/<script|<link|<img/);

    // The player fetches the audio from Callgate, by a path relative to the page: no storage link, no signature.
    expect(audioSrc(html)).toMatch(new RegExp(`^${g.token}/audio\\?view=[0-9a-f-]{36}$`));
    expect(html).not.toContain(azurite.url);
    expect(html).not.toContain("sig=");
    expect(html).toContain("Listen somewhere private, with headphones if others are near.");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("media-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it("streams exactly the call's audio through Callgate, whole or by Range, with no blob metadata", async () => {
    const g = await grantPlayback(f);
    // What the phone system writes on the blob: the full number and the member of staff.
    const blob = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(f.store.containerName).getBlobClient(g.blobName);
    await blob.setMetadata({ externalnumber: "+442079460123", staffemail: "ben.hughes@north.example", extension: "102" });
    const audioUrl = await audioUrlOf(`${f.url}/play/${g.token}`);
    const total = g.audio.length;

    const whole = await fetch(audioUrl);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("audio/wav");
    expect(whole.headers.get("content-length")).toBe(String(total));
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(whole.headers.get("cache-control")).toBe("no-store");
    expect(Buffer.from(await whole.arrayBuffer()).equals(g.audio)).toBe(true);

    const first = await fetch(audioUrl, { headers: { range: "bytes=0-99" } });
    expect(first.status).toBe(206);
    expect(first.headers.get("content-range")).toBe(`bytes 0-99/${total}`);
    expect(first.headers.get("content-length")).toBe("100");
    expect(Buffer.from(await first.arrayBuffer()).equals(g.audio.subarray(0, 100))).toBe(true);

    const rest = await fetch(audioUrl, { headers: { range: "bytes=100-" } });
    expect(rest.status).toBe(206);
    expect(rest.headers.get("content-range")).toBe(`bytes 100-${total - 1}/${total}`);
    expect(Buffer.from(await rest.arrayBuffer()).equals(g.audio.subarray(100))).toBe(true);

    const tail = await fetch(audioUrl, { headers: { range: "bytes=-10" } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get("content-range")).toBe(`bytes ${total - 10}-${total - 1}/${total}`);
    expect(Buffer.from(await tail.arrayBuffer()).equals(g.audio.subarray(total - 10))).toBe(true);

    const past = await fetch(audioUrl, { headers: { range: `bytes=${total}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${total}`);

    for (const res of [whole, first, rest, tail, past]) {
      const names = [...res.headers.keys()];
      expect(names.filter((name) => !AUDIO_HEADERS.has(name)), names.join(", ")).toEqual([]);
      const values = [...res.headers.values()].join("\n");
      expect(values).not.toContain("+442079460123");
      expect(values).not.toContain("ben.hughes");
    }
  });

  it("answers a long Range request in pieces no longer than the chunk limit", async () => {
    await f.close();
    f = await startPlayback(kind, azurite, { maxAudioChunkBytes: 1_000 });
    const g = await grantPlayback(f);
    const audioUrl = await audioUrlOf(`${f.url}/play/${g.token}`);
    const res = await fetch(audioUrl, { headers: { range: "bytes=0-" } });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes 0-999/${g.audio.length}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(g.audio.subarray(0, 1_000))).toBe(true);
  });

  it("stops the audio at the very next request once the grant is revoked", async () => {
    const g = await grantPlayback(f);
    const audioUrl = await audioUrlOf(`${f.url}/play/${g.token}`);
    expect((await fetch(audioUrl, { headers: { range: "bytes=0-" } })).status).toBe(206);
    await revokeGrant(f.t.ctx, { grantOrRequestId: g.grantId, actorEmail: P.dpo, reason: "Shared outside the team" });
    const after = await fetch(audioUrl, { headers: { range: "bytes=1000-" } });
    expect(after.status).toBe(410);
    expect(after.headers.get("content-type")).toBeNull();
    expect(await after.arrayBuffer()).toHaveProperty("byteLength", 0);
  });

  it("stops the audio once the grant expires", async () => {
    const g = await grantPlayback(f);
    const audioUrl = await audioUrlOf(`${f.url}/play/${g.token}`);
    const grant = await f.t.ctx.db.playbackGrant.findUniqueOrThrow({ where: { id: g.grantId } });
    f.t.clock.set(new Date(grant.expiresAt.getTime() + 1));
    expect((await fetch(audioUrl)).status).toBe(410);
  });

  it("plays audio only for a page view of the same grant", async () => {
    const g = await grantPlayback(f);
    const other = await grantPlayback(f);
    const mine = new URL(await audioUrlOf(`${f.url}/play/${g.token}`));
    const theirs = new URL(await audioUrlOf(`${f.url}/play/${other.token}`));
    const view = mine.searchParams.get("view")!;
    const noView = `${f.url}/play/${g.token}/audio`;
    const foreignView = `${f.url}/play/${g.token}/audio?view=${theirs.searchParams.get("view")}`;
    const madeUp = `${f.url}/play/${g.token}/audio?view=${crypto.randomUUID()}`;
    const otherGrant = `${f.url}/play/${other.token}/audio?view=${view}`;
    for (const url of [noView, foreignView, madeUp, otherGrant, `${f.url}/play/${g.token}/audio?view=not-a-uuid`, `${f.url}/play/${unknownToken()}/audio?view=${view}`]) {
      expect((await fetch(url)).status, url).toBe(404);
    }
    expect((await fetch(`${f.url}/play/${g.token}/audio?view=${view}`, { method: "HEAD" })).status).toBe(405);
    expect(await f.t.ctx.db.auditEntry.count({ where: { action: "playback.audio-started" } })).toBe(0);
  });

  it("audits the first audio fetch of each page view once, however many Range requests follow", async () => {
    const g = await grantPlayback(f);
    const audioEntries = () => f.t.ctx.db.auditEntry.findMany({ where: { subjectId: g.grantId, action: "playback.audio-started" }, orderBy: { seq: "asc" } });
    const firstView = await audioUrlOf(`${f.url}/play/${g.token}`, { headers: { "user-agent": "Test Browser/1.0" } });
    // A player's opening burst, all at once, then seeking.
    await Promise.all(Array.from({ length: 8 }, () => fetch(firstView, { headers: { range: "bytes=0-", "user-agent": "Test Browser/1.0" } }).then((r) => r.arrayBuffer())));
    for (const start of [500, 2_000, 100]) await (await fetch(firstView, { headers: { range: `bytes=${start}-` } })).arrayBuffer();
    expect(await audioEntries()).toHaveLength(1);

    const secondView = await audioUrlOf(`${f.url}/play/${g.token}`);
    await (await fetch(secondView, { headers: { range: "bytes=0-" } })).arrayBuffer();
    const entries = await audioEntries();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ actor: P.requester, subjectType: "grant", requestId: g.requestId, purposeId: "safeguarding" });
    expect(entries[0]!.details).toMatchObject({ viewId: new URL(firstView).searchParams.get("view"), clientIp: "127.0.0.1", userAgent: "Test Browser/1.0" });
    const views = await f.t.ctx.db.playbackView.findMany({ where: { grantId: g.grantId } });
    expect(views).toHaveLength(2);
    expect(views.every((v) => v.audioStartedAt !== null)).toBe(true);
    expect((await verifyAuditChain(f.t.ctx.db)).ok).toBe(true);
  });

  it("writes one audit entry per open with the client's address and browser, never the token or the link", async () => {
    const g = await grantPlayback(f);
    await fetch(`${f.url}/play/${g.token}`, { headers: { "user-agent": "Test Browser/1.0" } });
    await fetch(`${f.url}/play/${g.token}`, { headers: { "user-agent": "Another Browser/2.0" } });

    const entries = await opens(g.grantId);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ actor: P.requester, subjectType: "grant", subjectId: g.grantId, requestId: g.requestId, purposeId: "safeguarding" });
    expect(entries[0]!.details).toMatchObject({ clientIp: "127.0.0.1", userAgent: "Test Browser/1.0", viewId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(entries[1]!.details).toMatchObject({ userAgent: "Another Browser/2.0" });

    const everything = JSON.stringify(await f.t.ctx.db.auditEntry.findMany(), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) + f.logs();
    expect(everything).not.toContain(g.token);
    expect((await verifyAuditChain(f.t.ctx.db)).ok).toBe(true);
  });

  it("refuses a revoked grant at the next open with 410 and shows no player", async () => {
    const g = await grantPlayback(f);
    expect((await fetch(`${f.url}/play/${g.token}`)).status).toBe(200);
    await revokeGrant(f.t.ctx, { grantOrRequestId: g.grantId, actorEmail: P.dpo, reason: "Investigation closed" });

    const res = await fetch(`${f.url}/play/${g.token}`);
    expect(res.status).toBe(410);
    const html = await res.text();
    expect(html).toContain("This link no longer works");
    expect(html).toContain("Access to this recording was revoked on");
    expect(html).toContain("Carys Evans");
    expect(html).not.toContain("<audio");
    expect(html).not.toContain(azurite.url);
    expect(res.headers.get("content-security-policy")).not.toContain("media-src");
    expect(await opens(g.grantId)).toHaveLength(1);
    expect((await verifyAuditChain(f.t.ctx.db)).ok).toBe(true);
  });

  it("refuses an open whose grant is revoked between the lookup and the audit entry, and audits nothing", async () => {
    const g = await grantPlayback(f);
    const racing = { ...f.t.ctx, db: beforeNextTransaction(f.t.ctx.db, () => revokeGrant(f.t.ctx, { grantOrRequestId: g.grantId, actorEmail: P.dpo, reason: "Shared outside the team" })) };
    const result = await openPlayback(racing, { token: g.token, clientIp: "127.0.0.1", userAgent: "test" });
    expect(result).toMatchObject({ outcome: "ended", reason: "revoked" });
    expect(await opens(g.grantId)).toHaveLength(0);
    expect(await f.t.ctx.db.playbackView.count({ where: { grantId: g.grantId } })).toBe(0);
    expect((await verifyAuditChain(f.t.ctx.db)).ok).toBe(true);
  });

  it("refuses an expired grant with 410 and shows no player", async () => {
    const g = await grantPlayback(f);
    const grant = await f.t.ctx.db.playbackGrant.findUniqueOrThrow({ where: { id: g.grantId } });
    f.t.clock.set(new Date(grant.expiresAt.getTime() + 1));

    const res = await fetch(`${f.url}/play/${g.token}`);
    expect(res.status).toBe(410);
    const html = await res.text();
    expect(html).toContain(`Access to this recording ended on ${callAtTextOf(grant.expiresAt)}, when the time allowed for it ran out.`);
    expect(html).not.toContain("<audio");
    expect(await opens(g.grantId)).toHaveLength(0);
  });

  it("answers 404 to unknown and malformed tokens, and refuses HEAD", async () => {
    const g = await grantPlayback(f);
    for (const token of [unknownToken(), "abc", g.token.slice(0, 42), `${g.token}A`, "%E2%80%AE" + g.token.slice(3)]) {
      const res = await fetch(`${f.url}/play/${token}`);
      expect(res.status, token).toBe(404);
      expect(await res.text()).toContain("Link not recognised");
    }
    expect((await fetch(`${f.url}/play/${g.token}`, { method: "HEAD" })).status).toBe(405);
    expect(await opens(g.grantId)).toHaveLength(0);
    expect(f.logs()).not.toContain(g.token);
  });

  const callAtTextOf = (at: Date) => callAtText(f, { callStartedAt: at } as Parameters<typeof callAtText>[1]);
});
