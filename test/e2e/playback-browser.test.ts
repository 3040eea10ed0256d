/**
 * The playback page in headless Chromium, as a requester sees it: a live link
 * shows the call and a player that streams the audio from Callgate itself
 * (never from storage, through the page's own Content-Security-Policy) and
 * offers no download; an expired and a revoked link show the 410 page. Screenshots go to test-artifacts/playback/.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { revokeGrant } from "../../src/core/playback/revoke-grant.ts";
import { startAzurite, type RunningAzurite } from "../../src/infra/blob/azurite.ts";
import { artifactPath, launchBrowser } from "../support/browser.ts";
import { P } from "../support/test-policy.ts";
import { callAtText, grantPlayback, startPlayback, type PlaybackFixture } from "../integration/playback-fixtures.ts";

/** What the tests read from the page's audio element (the DOM's types are not in this project's lib). Casts only: functions passed to evaluate() run in the browser and can use nothing from this module. */
interface AudioElement {
  readyState: number;
  duration: number;
  currentTime: number;
  muted: boolean;
  controls: boolean;
  controlsList: Iterable<string>;
  error: { code: number } | null;
  play(): Promise<void>;
}

let azurite: RunningAzurite;
let f: PlaybackFixture;
let browser: Browser;
let context: BrowserContext;

/** Why Chromium could not start, reported by every test (a failed hook would only mark them skipped). */
let launchError: unknown;

beforeAll(async () => {
  try {
    browser = await launchBrowser();
    context = await browser.newContext({ locale: "en-GB", userAgent: "Callgate e2e (headless Chromium)" });
  } catch (error) {
    launchError = error;
    return;
  }
  azurite = await startAzurite({ location: "memory" });
  f = await startPlayback("pglite", azurite);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await f?.close();
  await azurite?.stop();
});

describe("playback page in Chromium", () => {
  beforeEach(() => {
    if (launchError) throw launchError;
  });

  it("shows the call and a working player with no download control", async () => {
    const g = await grantPlayback(f);
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused/i.test(message.text())) blocked.push(message.text());
    });
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    const response = await page.goto(`${f.url}/play/${g.token}`);
    expect(response?.status()).toBe(200);

    await expect.poll(() => page.title()).toBe(`Call recording ${g.reference} – Test Learning Trust`);
    expect(await page.getAttribute("html", "lang")).toBe("en-GB");
    expect(await page.locator("h1").innerText()).toBe("Call recording");
    const details = await page.locator("dl").innerText();
    expect(details).toContain(callAtText(f, g));
    expect(details).toContain("Incoming call");
    expect(details).toContain(g.reference);
    expect(await page.getByRole("note").innerText()).toContain("Every access is logged.");

    // The player is labelled, loads the audio's metadata and knows its length (3 s of beeps).
    await expect.poll(() => page.locator("audio#recording").evaluate((a) => (a as unknown as AudioElement).readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const state = await page.locator("audio#recording").evaluate((element) => {
      const a = element as unknown as AudioElement;
      return {
      duration: a.duration,
      error: a.error?.code ?? null,
      controls: a.controls,
      controlsList: [...a.controlsList],
      };
    });
    expect(state.error).toBeNull();
    expect(state.duration).toBeCloseTo(3, 1);
    expect(state.controls).toBe(true);
    expect(state.controlsList).toEqual(expect.arrayContaining(["nodownload", "noplaybackrate"]));
    expect(await page.locator("audio#recording").getAttribute("aria-labelledby")).toBe("player-heading");

    // It can play: the browser decodes the audio and time moves on.
    await page.locator("audio#recording").evaluate(async (element) => {
      const a = element as unknown as AudioElement;
      a.muted = true;
      await a.play();
    });
    await expect.poll(() => page.locator("audio#recording").evaluate((a) => (a as unknown as AudioElement).currentTime), { timeout: 10_000 }).toBeGreaterThan(0);

    // Nothing to download: no links at all, no download attribute, no other media.
    expect(await page.locator("a").count()).toBe(0);
    expect(await page.locator("[download]").count()).toBe(0);
    expect(await page.locator("audio, video").count()).toBe(1);
    expect(blocked).toEqual([]);
    // Everything came from Callgate: the audio by Range requests to /play/<token>/audio, nothing from storage.
    expect(requested.filter((url) => !url.startsWith(`${f.url}/play/${g.token}`))).toEqual([]);
    expect(requested.some((url) => url.startsWith(`${f.url}/play/${g.token}/audio?view=`))).toBe(true);

    await page.screenshot({ path: artifactPath("playback", "live.png"), fullPage: true });
    await page.close();
  });

  it("keeps playing in the browser that opened it when the link is clicked on another site, and refuses another browser", async () => {
    const g = await grantPlayback(f);
    // A chat client's web page on another site (localhost is not the same site as 127.0.0.1).
    const chat = createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(`<!doctype html><a id="link" href="${f.url}/play/${g.token}">Open the recording</a>`);
    });
    await new Promise<void>((resolve) => chat.listen(0, "127.0.0.1", resolve));
    const chatUrl = `http://localhost:${(chat.address() as AddressInfo).port}/`;
    const mine = await browser.newContext({ locale: "en-GB" });
    const other = await browser.newContext({ locale: "en-GB" });
    try {
      const page = await mine.newPage();
      for (let visit = 0; visit < 2; visit++) {
        await page.goto(chatUrl);
        await page.click("#link");
        // SameSite=Strict keeps the cookie off the cross-site click; the page reloads itself same-site, with it.
        await expect.poll(() => page.locator("h1").innerText(), { timeout: 10_000 }).toBe("Call recording");
        expect(await page.locator("audio#recording").count()).toBe(1);
      }
      const cookie = (await mine.cookies(`${f.url}/play/${g.token}`)).find((c) => c.name === "callgate_browser")!;
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/play" });

      const forwarded = await other.newPage();
      const response = await forwarded.goto(`${f.url}/play/${g.token}`);
      expect(response?.status()).toBe(403);
      expect(await forwarded.locator("h1").innerText()).toBe("This link plays in another browser");
      expect(await forwarded.locator("main").innerText()).toContain("bound to the browser that first opened it");
      expect(await forwarded.locator("audio").count()).toBe(0);
      await forwarded.screenshot({ path: artifactPath("playback", "other-browser.png"), fullPage: true });
    } finally {
      await mine.close();
      await other.close();
      await new Promise<void>((resolve) => chat.close(() => resolve()));
    }
  });

  it("shows the 410 page for an expired link", async () => {
    const g = await grantPlayback(f);
    const grant = await f.t.ctx.db.playbackGrant.findUniqueOrThrow({ where: { id: g.grantId } });
    f.t.clock.set(new Date(grant.expiresAt.getTime() + 60_000));
    try {
      const page = await context.newPage();
      const response = await page.goto(`${f.url}/play/${g.token}`);
      expect(response?.status()).toBe(410);
      expect(await page.locator("h1").innerText()).toBe("This link no longer works");
      expect(await page.locator("main").innerText()).toContain("when the time allowed for it ran out");
      expect(await page.locator("audio").count()).toBe(0);
      await page.screenshot({ path: artifactPath("playback", "expired.png"), fullPage: true });
      await page.close();
    } finally {
      f.t.clock.set(new Date());
    }
  });

  it("shows the 410 page for a revoked link", async () => {
    const g = await grantPlayback(f);
    await revokeGrant(f.t.ctx, { grantOrRequestId: g.grantId, actorEmail: P.dpo, reason: "Investigation closed" });
    const page = await context.newPage();
    const response = await page.goto(`${f.url}/play/${g.token}`);
    expect(response?.status()).toBe(410);
    expect(await page.locator("h1").innerText()).toBe("This link no longer works");
    expect(await page.locator("main").innerText()).toContain("Access to this recording was revoked on");
    expect(await page.locator("audio").count()).toBe(0);
    await page.screenshot({ path: artifactPath("playback", "revoked.png"), fullPage: true });
    await page.close();
  });
});
