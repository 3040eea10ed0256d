/**
 * The playback page end to end on both databases and a real Azurite: what it
 * shows, what the link it mints can and cannot do, and what it writes to the
 * audit log.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { openPlayback } from "../../src/core/playback/open-playback.ts";
import { revokeGrant } from "../../src/core/playback/revoke-grant.ts";
import { startAzurite, type RunningAzurite } from "../../src/infra/blob/azurite.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { P } from "../support/test-policy.ts";
import { audioSrc, callAtText, grantPlayback, startPlayback, unknownToken, type PlaybackFixture } from "./playback-fixtures.ts";

let azurite: RunningAzurite;
beforeAll(async () => {
  azurite = await startAzurite({ location: "memory" });
});
afterAll(async () => {
  await azurite?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

    const src = new URL(audioSrc(html));
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`media-src ${src.origin}`);
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it("mints a read-only link that plays exactly the call's blob, inline, for minutes", async () => {
    const g = await grantPlayback(f);
    const before = Date.now();
    const src = audioSrc(await (await fetch(`${f.url}/play/${g.token}`)).text());
    const params = new URL(src).searchParams;
    expect(params.get("sp")).toBe("r");
    expect(params.get("sr")).toBe("b");
    // Five minutes plus the call's two.
    const lifetime = new Date(params.get("se")!).getTime() - before;
    expect(lifetime).toBeGreaterThan(6 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(7 * 60_000 + 1_000);

    const audio = await fetch(src);
    expect(audio.status).toBe(200);
    expect(audio.headers.get("content-type")).toBe("audio/wav");
    expect(audio.headers.get("content-disposition")).toBe("inline");
    expect(Buffer.from(await audio.arrayBuffer()).equals(g.audio)).toBe(true);
  });

  it("mints a link that cannot write and cannot read another recording", async () => {
    const g = await grantPlayback(f);
    const other = await grantPlayback(f);
    const src = new URL(audioSrc(await (await fetch(`${f.url}/play/${g.token}`)).text()));

    const write = await fetch(src, { method: "PUT", headers: { "x-ms-blob-type": "BlockBlob", "content-type": "audio/wav" }, body: "overwritten" });
    expect(write.status).toBe(403);
    expect((await fetch(src, { method: "DELETE" })).status).toBe(403);

    const sideways = new URL(src);
    sideways.pathname = sideways.pathname.replace(g.blobName, other.blobName);
    expect(sideways.pathname).toContain(other.blobName);
    expect((await fetch(sideways)).status).toBe(403);

    // The blob is unchanged.
    expect(Buffer.from(await (await fetch(src)).arrayBuffer()).equals(g.audio)).toBe(true);
  });

  it("mints links that stop working once they expire", async () => {
    const g = await grantPlayback(f);
    const opened = await openPlayback(f.t.ctx, { token: g.token, clientIp: "127.0.0.1", userAgent: "test", sasLifetimeMs: 2_000 });
    if (opened.outcome !== "opened") throw new Error(`expected the grant to open, got ${opened.outcome}`);
    expect((await fetch(opened.audioUrl)).status).toBe(200);
    // The link's expiry is signed to the second; allow for that and a little skew.
    await sleep(opened.audioExpiresAt.getTime() - Date.now() + 1_500);
    expect((await fetch(opened.audioUrl)).status).toBe(403);
  });

  it("writes one audit entry per open with the client's address and browser, never the token or the link", async () => {
    const g = await grantPlayback(f);
    const first = audioSrc(await (await fetch(`${f.url}/play/${g.token}`, { headers: { "user-agent": "Test Browser/1.0" } })).text());
    await fetch(`${f.url}/play/${g.token}`, { headers: { "user-agent": "Another Browser/2.0" } });

    const entries = await opens(g.grantId);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ actor: P.requester, subjectType: "grant", subjectId: g.grantId, requestId: g.requestId, purposeId: "safeguarding" });
    expect(entries[0]!.details).toMatchObject({ clientIp: "127.0.0.1", userAgent: "Test Browser/1.0", sasMinted: true, sasPermissions: "read" });
    expect(entries[1]!.details).toMatchObject({ userAgent: "Another Browser/2.0" });
    const sasExpiry = (entries[0]!.details as { sasExpiresAt: string }).sasExpiresAt;
    expect(new Date(sasExpiry).getTime()).toBeGreaterThan(Date.now());

    const everything = JSON.stringify(await f.t.ctx.db.auditEntry.findMany(), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) + f.logs();
    expect(everything).not.toContain(g.token);
    expect(everything).not.toContain(new URL(first).searchParams.get("sig")!);
    expect((await verifyAuditChain(f.t.ctx.db)).ok).toBe(true);
  });

  it("refuses a revoked grant at the next open with 410 and mints no link", async () => {
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

  it("refuses an open whose grant is revoked while its link is being minted, and audits nothing", async () => {
    const g = await grantPlayback(f);
    const store = f.t.ctx.recordings!;
    // Revocation lands between the grant lookup and the audit entry.
    const racing = {
      ...f.t.ctx,
      recordings: {
        ...store,
        readUrl: async (...args: Parameters<typeof store.readUrl>) => {
          await revokeGrant(f.t.ctx, { grantOrRequestId: g.grantId, actorEmail: P.dpo, reason: "Shared outside the team" });
          return store.readUrl(...args);
        },
      },
    };
    const result = await openPlayback(racing, { token: g.token, clientIp: "127.0.0.1", userAgent: "test" });
    expect(result).toMatchObject({ outcome: "ended", reason: "revoked" });
    expect(await opens(g.grantId)).toHaveLength(0);
    expect((await verifyAuditChain(f.t.ctx.db)).ok).toBe(true);
  });

  it("refuses an expired grant with 410 and mints no link", async () => {
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
