/**
 * Playback with an identity provider: a real OpenID Connect provider
 * (oidc-provider, its development login and consent pages) on 127.0.0.1,
 * driven with plain HTTP as a browser would (cookies kept, redirects
 * followed, the login and consent forms posted). The requester who signs in
 * plays; anyone else is refused, audited, and the DPO is told.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzurite, type RunningAzurite } from "../../src/infra/blob/azurite.ts";
import { openIdSignIn, type PlaybackSignIn } from "../../src/infra/http/playback/sign-in.ts";
import { P } from "../support/test-policy.ts";
import { audioSrc, grantPlayback, startPlayback, TestBrowser, type PlaybackFixture } from "./playback-fixtures.ts";

let azurite: RunningAzurite;
beforeAll(async () => {
  azurite = await startAzurite({ location: "memory" });
});
afterAll(async () => {
  await azurite?.stop();
});

/** A real OpenID provider on a random loopback port; every account id is an e-mail address, verified. */
async function startProvider(redirectUri: string): Promise<{ issuer: string; close(): Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: "callgate", client_secret: "a-test-client-secret", redirect_uris: [redirectUri], grant_types: ["authorization_code"], response_types: ["code"] }],
    findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, email: id, email_verified: true }) }),
    claims: { openid: ["sub"], email: ["email", "email_verified"] },
    pkce: { required: () => true },
    cookies: { keys: ["a-test-cookie-key"] },
  });
  server.on("request", provider.callback());
  return { issuer, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The first form on a provider page: its action, made absolute, and its hidden fields. */
function form(html: string, base: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form on the provider's page:\n${html.slice(0, 500)}`);
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  return { action: new URL(action.replace(/&amp;/g, "&"), base).toString(), fields };
}

/** Posts a provider page's form, as the browser would, following the redirects that follow. */
async function submit(browser: TestBrowser, page: Response, extra: Record<string, string> = {}): Promise<Response> {
  const { action, fields } = form(await page.text(), page.url);
  return browser.fetch(action, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...fields, ...extra }).toString(),
    follow: true,
  });
}

/** Opens the link, signs in at the provider as `email`, consents, and returns the response Callgate ends on. */
async function signInAndOpen(browser: TestBrowser, pageUrl: string, email: string): Promise<Response> {
  const login = await browser.fetch(pageUrl, { follow: true });
  expect(login.status).toBe(200);
  const consent = await submit(browser, login, { login: email, password: "anything" });
  expect(consent.status).toBe(200);
  return submit(browser, consent);
}

describe("playback with OpenID Connect sign-in", () => {
  let f: PlaybackFixture;
  let provider: { issuer: string; close(): Promise<void> };
  beforeEach(async () => {
    let inner: PlaybackSignIn | undefined;
    // Callgate's address is known only once it listens; the provider's only once it does.
    const signIn: PlaybackSignIn = { start: (...a) => inner!.start(...a), finish: (...a) => inner!.finish(...a) };
    f = await startPlayback("pglite", azurite, { signIn });
    provider = await startProvider(`${f.url}/play/signed-in`);
    inner = openIdSignIn({ issuer: provider.issuer, clientId: "callgate", clientSecret: "a-test-client-secret", redirectUrl: `${f.url}/play/signed-in`, secureCookies: false });
  });
  afterEach(async () => {
    await provider?.close();
    await f?.close();
  });

  it("sends a browser to sign in with PKCE, and plays once the requester has signed in", async () => {
    const g = await grantPlayback(f);
    const b = new TestBrowser();
    const first = await b.fetch(`${f.url}/play/${g.token}`);
    expect(first.status).toBe(303);
    const authorize = new URL(first.headers.get("location")!);
    expect(authorize.origin).toBe(provider.issuer);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${f.url}/play/signed-in`);
    expect(authorize.searchParams.get("scope")).toBe("openid email");
    // Nothing was opened or bound before signing in.
    expect(await f.t.ctx.db.auditEntry.count({ where: { subjectId: g.grantId, action: "playback.opened" } })).toBe(0);

    const page = await signInAndOpen(b, `${f.url}/play/${g.token}`, P.requester);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<h1>Call recording</h1>");
    expect(html).toContain("Listen somewhere private, with headphones if others are near.");
    const audio = await b.fetch(new URL(audioSrc(html), `${f.url}/play/${g.token}`), { headers: { range: "bytes=0-" } });
    expect(audio.status).toBe(206);

    // Signed in once: the browser plays from now on without going back to the provider.
    expect((await b.fetch(`${f.url}/play/${g.token}`)).status).toBe(200);
    const actions = (await f.t.ctx.db.auditEntry.findMany({ where: { subjectId: g.grantId }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["grant.issued", "playback.signed-in", "playback.opened", "playback.audio-started", "playback.opened"]);
  });

  it("refuses someone else who signs in, audits it and tells the DPO", async () => {
    const g = await grantPlayback(f);
    const colleague = new TestBrowser();
    const res = await signInAndOpen(colleague, `${f.url}/play/${g.token}`, P.northHead);
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain("This recording was released to someone else");
    expect(html).toContain(`You signed in as ${P.northHead}.`);
    expect(html).not.toContain("<audio");

    const refusal = await f.t.ctx.db.auditEntry.findFirstOrThrow({ where: { subjectId: g.grantId, action: "playback.refused" } });
    expect(refusal.actor).toBe(P.requester);
    expect(refusal.details).toMatchObject({ code: "WRONG_PERSON", signedInAs: P.northHead });
    await f.t.deliver();
    const told = f.t.channel.to(P.dpo, "compliance-notice");
    expect(told).toHaveLength(1);
    expect(JSON.stringify(told[0])).toContain(`${P.northHead} signed in`);
    // Still not bound: opening again goes back to sign in.
    expect((await colleague.fetch(`${f.url}/play/${g.token}`)).status).toBe(303);
  });

  it("refuses a callback that was not started in this browser", async () => {
    const g = await grantPlayback(f);
    const b = new TestBrowser();
    const start = await b.fetch(`${f.url}/play/${g.token}`);
    const state = new URL(start.headers.get("location")!).searchParams.get("state");
    // Another browser arrives with the state (login CSRF): it has no sign-in cookie.
    const forged = await new TestBrowser().fetch(`${f.url}/play/signed-in?code=made-up&state=${state}`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain("Open the link from your Callgate message again");
  });
});
