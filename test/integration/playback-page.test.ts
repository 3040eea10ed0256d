/**
 * The playback page end to end on both databases and a real Azurite: what it
 * shows, how its audio is streamed through Callgate (Range requests, each
 * re-checking the grant), and what it writes to the audit log.
 */
import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { confirmPlaybackBrowser } from "../../src/core/playback/confirm-playback-browser.ts";
import { openPlayback } from "../../src/core/playback/open-playback.ts";
import { revokeGrant } from "../../src/core/playback/revoke-grant.ts";
import { startAzurite, type RunningAzurite } from "../../src/infra/blob/azurite.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { expectCode } from "../support/expect-code.ts";
import { P } from "../support/test-policy.ts";
import { audioSrc, audioUrlOf, callAtText, grantPlayback, startPlayback, TestBrowser, unknownToken, type PlaybackFixture } from "./playback-fixtures.ts";

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
  /** The requester's browser: the first to open each link, so bound to it. */
  let b: TestBrowser;
  beforeEach(async () => {
    f = await startPlayback(kind, azurite);
    b = new TestBrowser();
  });
  afterEach(async () => {
    await f.close();
  });

  const opens = (grantId: string) => f.t.ctx.db.auditEntry.findMany({ where: { subjectId: grantId, action: "playback.opened" }, orderBy: { seq: "asc" } });

  it("shows the call's details, the confidentiality notice and a player without download", async () => {
    const g = await grantPlayback(f);
    const res = await b.fetch(`${f.url}/play/${g.token}`);
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
    const audioUrl = await audioUrlOf(b, `${f.url}/play/${g.token}`);
    const total = g.audio.length;

    const whole = await b.fetch(audioUrl);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("audio/wav");
    expect(whole.headers.get("content-length")).toBe(String(total));
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(whole.headers.get("cache-control")).toBe("no-store");
    expect(Buffer.from(await whole.arrayBuffer()).equals(g.audio)).toBe(true);

    const first = await b.fetch(audioUrl, { headers: { range: "bytes=0-99" } });
    expect(first.status).toBe(206);
    expect(first.headers.get("content-range")).toBe(`bytes 0-99/${total}`);
    expect(first.headers.get("content-length")).toBe("100");
    expect(Buffer.from(await first.arrayBuffer()).equals(g.audio.subarray(0, 100))).toBe(true);

    const rest = await b.fetch(audioUrl, { headers: { range: "bytes=100-" } });
    expect(rest.status).toBe(206);
    expect(rest.headers.get("content-range")).toBe(`bytes 100-${total - 1}/${total}`);
    expect(Buffer.from(await rest.arrayBuffer()).equals(g.audio.subarray(100))).toBe(true);

    const tail = await b.fetch(audioUrl, { headers: { range: "bytes=-10" } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get("content-range")).toBe(`bytes ${total - 10}-${total - 1}/${total}`);
    expect(Buffer.from(await tail.arrayBuffer()).equals(g.audio.subarray(total - 10))).toBe(true);

    const past = await b.fetch(audioUrl, { headers: { range: `bytes=${total}-` } });
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
    const audioUrl = await audioUrlOf(b, `${f.url}/play/${g.token}`);
    const res = await b.fetch(audioUrl, { headers: { range: "bytes=0-" } });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes 0-999/${g.audio.length}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(g.audio.subarray(0, 1_000))).toBe(true);
  });

  it("stops the audio at the very next request once the grant is revoked", async () => {
    const g = await grantPlayback(f);
    const audioUrl = await audioUrlOf(b, `${f.url}/play/${g.token}`);
    expect((await b.fetch(audioUrl, { headers: { range: "bytes=0-" } })).status).toBe(206);
    await revokeGrant(f.t.ctx, { grantOrRequestId: g.grantId, actorEmail: P.dpo, reason: "Shared outside the team" });
    const after = await b.fetch(audioUrl, { headers: { range: "bytes=1000-" } });
    expect(after.status).toBe(410);
    expect(after.headers.get("content-type")).toBeNull();
    expect(await after.arrayBuffer()).toHaveProperty("byteLength", 0);
  });

  it("stops the audio once the grant expires", async () => {
    const g = await grantPlayback(f);
    const audioUrl = await audioUrlOf(b, `${f.url}/play/${g.token}`);
    const grant = await f.t.ctx.db.playbackGrant.findUniqueOrThrow({ where: { id: g.grantId } });
    f.t.clock.set(new Date(grant.expiresAt.getTime() + 1));
    expect((await b.fetch(audioUrl)).status).toBe(410);
  });

  it("plays audio only for a page view of the same grant", async () => {
    const g = await grantPlayback(f);
    const other = await grantPlayback(f);
    const mine = new URL(await audioUrlOf(b, `${f.url}/play/${g.token}`));
    const theirs = new URL(await audioUrlOf(b, `${f.url}/play/${other.token}`));
    const view = mine.searchParams.get("view")!;
    const noView = `${f.url}/play/${g.token}/audio`;
    const foreignView = `${f.url}/play/${g.token}/audio?view=${theirs.searchParams.get("view")}`;
    const madeUp = `${f.url}/play/${g.token}/audio?view=${crypto.randomUUID()}`;
    const otherGrant = `${f.url}/play/${other.token}/audio?view=${view}`;
    for (const url of [noView, foreignView, madeUp, otherGrant, `${f.url}/play/${g.token}/audio?view=not-a-uuid`, `${f.url}/play/${unknownToken()}/audio?view=${view}`]) {
      expect((await b.fetch(url)).status, url).toBe(404);
    }
    expect((await b.fetch(`${f.url}/play/${g.token}/audio?view=${view}`, { method: "HEAD" })).status).toBe(405);
    expect(await f.t.ctx.db.auditEntry.count({ where: { action: "playback.audio-started" } })).toBe(0);
  });

  it("audits the first audio fetch of each page view once, however many Range requests follow", async () => {
    const g = await grantPlayback(f);
    const audioEntries = () => f.t.ctx.db.auditEntry.findMany({ where: { subjectId: g.grantId, action: "playback.audio-started" }, orderBy: { seq: "asc" } });
    const firstView = await audioUrlOf(b, `${f.url}/play/${g.token}`, { headers: { "user-agent": "Test Browser/1.0" } });
    // A player's opening burst, all at once, then seeking.
    await Promise.all(Array.from({ length: 8 }, () => b.fetch(firstView, { headers: { range: "bytes=0-", "user-agent": "Test Browser/1.0" } }).then((r) => r.arrayBuffer())));
    for (const start of [500, 2_000, 100]) await (await b.fetch(firstView, { headers: { range: `bytes=${start}-` } })).arrayBuffer();
    expect(await audioEntries()).toHaveLength(1);

    const secondView = await audioUrlOf(b, `${f.url}/play/${g.token}`);
    await (await b.fetch(secondView, { headers: { range: "bytes=0-" } })).arrayBuffer();
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
    await b.fetch(`${f.url}/play/${g.token}`, { headers: { "user-agent": "Test Browser/1.0" } });
    await b.fetch(`${f.url}/play/${g.token}`, { headers: { "user-agent": "Another Browser/2.0" } });

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
    expect((await b.fetch(`${f.url}/play/${g.token}`)).status).toBe(200);
    await revokeGrant(f.t.ctx, { grantOrRequestId: g.grantId, actorEmail: P.dpo, reason: "Investigation closed" });

    const res = await b.fetch(`${f.url}/play/${g.token}`);
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
    const result = await openPlayback(racing, { token: g.token, clientIp: "127.0.0.1", userAgent: "test", browserSecret: null });
    expect(result).toMatchObject({ outcome: "ended", reason: "revoked" });
    expect(await opens(g.grantId)).toHaveLength(0);
    expect(await f.t.ctx.db.playbackView.count({ where: { grantId: g.grantId } })).toBe(0);
    expect((await verifyAuditChain(f.t.ctx.db)).ok).toBe(true);
  });

  it("refuses an expired grant with 410 and shows no player", async () => {
    const g = await grantPlayback(f);
    const grant = await f.t.ctx.db.playbackGrant.findUniqueOrThrow({ where: { id: g.grantId } });
    f.t.clock.set(new Date(grant.expiresAt.getTime() + 1));

    const res = await b.fetch(`${f.url}/play/${g.token}`);
    expect(res.status).toBe(410);
    const html = await res.text();
    expect(html).toContain(`Access to this recording ended on ${callAtTextOf(grant.expiresAt)}, when the time allowed for it ran out.`);
    expect(html).not.toContain("<audio");
    expect(await opens(g.grantId)).toHaveLength(0);
  });

  it("answers 404 to unknown and malformed tokens, and refuses HEAD", async () => {
    const g = await grantPlayback(f);
    for (const token of [unknownToken(), "abc", g.token.slice(0, 42), `${g.token}A`, "%E2%80%AE" + g.token.slice(3)]) {
      const res = await b.fetch(`${f.url}/play/${token}`);
      expect(res.status, token).toBe(404);
      expect(await res.text()).toContain("Link not recognised");
    }
    expect((await b.fetch(`${f.url}/play/${g.token}`, { method: "HEAD" })).status).toBe(405);
    expect(await opens(g.grantId)).toHaveLength(0);
    expect(f.logs()).not.toContain(g.token);
  });

  describe("bound to the requester's browser", () => {
    const refusals = (grantId: string) => f.t.ctx.db.auditEntry.findMany({ where: { subjectId: grantId, action: "playback.refused" }, orderBy: { seq: "asc" } });
    const pendingNotices = () => f.t.channel.to(P.requester, "playback-browser-pending");

    it("binds the link to the first browser that opens it, by an HttpOnly, SameSite=Strict cookie", async () => {
      const g = await grantPlayback(f);
      const res = await b.fetch(`${f.url}/play/${g.token}`);
      expect(res.status).toBe(200);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith("callgate_browser="))!;
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Strict/);
      expect(cookie).toMatch(/; Path=\/play/);
      // PUBLIC_URL here is plain http, where a Secure cookie would never come back.
      expect(cookie).not.toMatch(/; Secure/);
      const grant = await f.t.ctx.db.playbackGrant.findUniqueOrThrow({ where: { id: g.grantId } });
      expect(grant.browserHashes).toHaveLength(1);
      expect(grant.browserHashes[0]).not.toContain(b.cookie("callgate_browser", new URL(f.url).host));
      // The same browser keeps playing.
      expect((await b.fetch(`${f.url}/play/${g.token}`)).status).toBe(200);
      expect((await b.fetch(`${f.url}/play/${g.token}`)).headers.getSetCookie()).toEqual([]);
    });

    it("marks the cookie Secure when PUBLIC_URL is https", async () => {
      await f.close();
      f = await startPlayback(kind, azurite, { secureCookies: true });
      const g = await grantPlayback(f);
      const res = await b.fetch(`${f.url}/play/${g.token}`);
      expect(res.headers.getSetCookie().find((c) => c.startsWith("callgate_browser="))).toMatch(/; Secure/);
    });

    it("refuses a forwarded link in another browser, audits it, tells the DPO and asks the requester once", async () => {
      const g = await grantPlayback(f);
      expect((await b.fetch(`${f.url}/play/${g.token}`)).status).toBe(200);
      const colleague = new TestBrowser();
      const res = await colleague.fetch(`${f.url}/play/${g.token}`, { headers: { "user-agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/130.0 Safari/537.36" } });
      expect(res.status).toBe(403);
      const html = await res.text();
      expect(html).toContain("bound to the browser that first opened it");
      expect(html).toContain("Ben Hughes, who asked for the recording, has been asked in Callgate to confirm this browser.");
      expect(html).not.toContain("<audio");
      expect(html).not.toContain(g.maskedNumber);

      const [refusal] = await refusals(g.grantId);
      expect(refusal).toMatchObject({ actor: P.requester, subjectType: "grant", requestId: g.requestId });
      expect(refusal!.details).toMatchObject({ code: "OTHER_BROWSER", browser: "Chrome on Windows", clientIp: "127.0.0.1" });

      await f.t.deliver();
      const [asked] = pendingNotices();
      expect(asked).toMatchObject({ kind: "playback-browser-pending", grantId: g.grantId, browserText: "Chrome on Windows" });
      const dpo = f.t.channel.to(P.dpo, "compliance-notice");
      expect(dpo).toHaveLength(1);
      expect(JSON.stringify(dpo[0])).toContain(`Playback link for ${g.reference} opened in another browser`);

      // The same browser again: refused and audited again, but nobody is told twice.
      expect((await colleague.fetch(`${f.url}/play/${g.token}`)).status).toBe(403);
      await f.t.deliver();
      expect(await refusals(g.grantId)).toHaveLength(2);
      expect(pendingNotices()).toHaveLength(1);
      expect(f.t.channel.to(P.dpo, "compliance-notice")).toHaveLength(1);
      // The requester's browser is unaffected.
      expect((await b.fetch(`${f.url}/play/${g.token}`)).status).toBe(200);
      expect((await verifyAuditChain(f.t.ctx.db)).ok).toBe(true);
    });

    it("lets the other browser play once when the requester allows it, and only the requester, and only once", async () => {
      const g = await grantPlayback(f);
      await b.fetch(`${f.url}/play/${g.token}`);
      const phone = new TestBrowser();
      expect((await phone.fetch(`${f.url}/play/${g.token}`)).status).toBe(403);
      await f.t.deliver();
      const asked = pendingNotices()[0];
      if (asked?.kind !== "playback-browser-pending") throw new Error("the requester was not asked");

      await expectCode(confirmPlaybackBrowser(f.t.ctx, { grantId: asked.grantId, pendingId: asked.pendingId, requesterEmail: P.dpo }), "FORBIDDEN");
      await confirmPlaybackBrowser(f.t.ctx, { grantId: asked.grantId, pendingId: asked.pendingId, requesterEmail: P.requester });
      await expectCode(confirmPlaybackBrowser(f.t.ctx, { grantId: asked.grantId, pendingId: asked.pendingId, requesterEmail: P.requester }), "ALREADY_DONE");

      const audioUrl = await audioUrlOf(phone, `${f.url}/play/${g.token}`);
      expect((await phone.fetch(audioUrl, { headers: { range: "bytes=0-" } })).status).toBe(206);
      // Allowed once: the next open from that browser is refused again (and asked about again).
      expect((await phone.fetch(`${f.url}/play/${g.token}`)).status).toBe(403);
      const entries = await f.t.ctx.db.auditEntry.findMany({ where: { subjectId: g.grantId }, orderBy: { seq: "asc" } });
      expect(entries.map((e) => e.action)).toEqual(["grant.issued", "playback.opened", "playback.refused", "playback.browser-allowed", "playback.opened", "playback.audio-started", "playback.refused"]);
      expect(entries[4]!.details).toMatchObject({ browser: "allowed once by the requester" });
    });

    it("makes an older button useless once another browser has been refused since", async () => {
      const g = await grantPlayback(f);
      await b.fetch(`${f.url}/play/${g.token}`);
      await new TestBrowser().fetch(`${f.url}/play/${g.token}`);
      await f.t.deliver();
      await new TestBrowser().fetch(`${f.url}/play/${g.token}`);
      await f.t.deliver();
      const [older, newer] = pendingNotices();
      if (older?.kind !== "playback-browser-pending" || newer?.kind !== "playback-browser-pending") throw new Error("expected two questions");
      await expectCode(confirmPlaybackBrowser(f.t.ctx, { grantId: g.grantId, pendingId: older.pendingId, requesterEmail: P.requester }), "ALREADY_DONE");
      await confirmPlaybackBrowser(f.t.ctx, { grantId: g.grantId, pendingId: newer.pendingId, requesterEmail: P.requester });
      await revokeGrant(f.t.ctx, { grantOrRequestId: g.grantId, actorEmail: P.dpo, reason: "Investigation closed" });
      await expectCode(confirmPlaybackBrowser(f.t.ctx, { grantId: g.grantId, pendingId: newer.pendingId, requesterEmail: P.requester }), "TOO_LATE");
    });

    it("plays a page view's audio only in the browser that opened it", async () => {
      const g = await grantPlayback(f);
      const audioUrl = await audioUrlOf(b, `${f.url}/play/${g.token}`);
      expect((await new TestBrowser().fetch(audioUrl)).status).toBe(403);
      expect((await fetch(audioUrl)).status).toBe(403);
      expect((await b.fetch(audioUrl)).status).toBe(200);
    });

    it("binds only one of two browsers that open an unbound link at the same moment", async () => {
      const g = await grantPlayback(f);
      const statuses = await Promise.all([new TestBrowser(), new TestBrowser(), new TestBrowser()].map((x) => x.fetch(`${f.url}/play/${g.token}`).then((r) => r.status)));
      expect(statuses.sort()).toEqual([200, 403, 403]);
      expect((await f.t.ctx.db.playbackGrant.findUniqueOrThrow({ where: { id: g.grantId } })).browserHashes).toHaveLength(1);
    });

    it("answers a cross-site open without the cookie with a page that reloads itself, deciding nothing", async () => {
      const g = await grantPlayback(f);
      const res = await b.fetch(`${f.url}/play/${g.token}`, { headers: { "sec-fetch-site": "cross-site" } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<meta http-equiv="refresh" content="0">');
      expect(res.headers.getSetCookie()).toEqual([]);
      expect((await f.t.ctx.db.playbackGrant.findUniqueOrThrow({ where: { id: g.grantId } })).browserHashes).toEqual([]);
      expect(await opens(g.grantId)).toHaveLength(0);
      // The reload, same-site, binds as usual.
      expect((await b.fetch(`${f.url}/play/${g.token}`, { headers: { "sec-fetch-site": "same-origin" } })).status).toBe(200);
    });
  });

  const callAtTextOf = (at: Date) => callAtText(f, { callStartedAt: at } as Parameters<typeof callAtText>[1]);
});
