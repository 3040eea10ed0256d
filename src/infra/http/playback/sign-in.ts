/**
 * Signing in to play a link, with the organisation's OpenID Connect provider
 * (Microsoft Entra ID, Sign in with Slack, ...): the authorization code flow
 * with PKCE, state and nonce, by openid-client. This module only speaks the
 * protocol; whether the person who signed in may play is the core's decision
 * (complete-playback-sign-in.ts).
 *
 * What the round trip needs to remember (state, nonce, PKCE verifier, the
 * link and the browser's secret) travels in one short-lived HttpOnly cookie
 * scoped to the callback path. It is SameSite=Lax, not Strict, because the
 * provider's redirect back is a cross-site navigation; the state it holds is
 * what ties the callback to the browser that started, so a sign-in started
 * elsewhere cannot be completed here (login CSRF).
 */
import * as oidc from "openid-client";
import type { Request, Response } from "express";
import { AppError } from "../../../core/errors.ts";
import { readCookie } from "./cookies.ts";

/** Where the provider sends people back, relative to the playback mount (register PUBLIC_URL/play/signed-in). */
export const SIGNED_IN_PATH = "/signed-in";
const COOKIE = "callgate_sign_in";
const COOKIE_LIFETIME_MS = 10 * 60_000;

export interface OpenIdSignInOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** PUBLIC_URL + /play/signed-in: the redirect URI registered with the provider. */
  redirectUrl: string;
  /** Mark cookies Secure (PUBLIC_URL is https). */
  secureCookies: boolean;
}

/** Who came back from the provider, for which link, in which browser. */
export interface SignedIn {
  token: string;
  browserSecret: string;
  /** The e-mail the provider vouched for; null when it sent none or said it is unverified. */
  email: string | null;
}

interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  token: string;
  secret: string;
}

export interface PlaybackSignIn {
  /** Sends the browser to the provider to sign in, remembering the link and the browser's secret. */
  start(res: Response, token: string, browserSecret: string): Promise<void>;
  /** Completes the sign-in from the provider's redirect back; throws AppError (INVALID_INPUT, FORBIDDEN) when it cannot. */
  finish(req: Request, res: Response): Promise<SignedIn>;
}

export function openIdSignIn(options: OpenIdSignInOptions): PlaybackSignIn {
  const cookiePath = new URL(options.redirectUrl).pathname;
  let configuration: Promise<oidc.Configuration> | undefined;
  // Discovered on first use (and again after a failure), so a provider that is down does not stop Callgate starting.
  const discover = () => {
    configuration ??= oidc
      .discovery(new URL(options.issuer), options.clientId, options.clientSecret, undefined, new URL(options.issuer).protocol === "http:" ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .catch((error: unknown) => {
        configuration = undefined;
        throw new AppError("STORAGE_ERROR", "Callgate cannot reach the sign-in service just now. Please try again in a few minutes.", undefined, { cause: error });
      });
    return configuration;
  };

  return {
    async start(res, token, browserSecret) {
      const config = await discover();
      const pending: Pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), token, secret: browserSecret };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: options.redirectUrl,
        scope: "openid email",
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: "S256",
        state: pending.state,
        nonce: pending.nonce,
      });
      res.cookie(COOKIE, Buffer.from(JSON.stringify(pending)).toString("base64url"), {
        httpOnly: true,
        secure: options.secureCookies,
        sameSite: "lax",
        path: cookiePath,
        maxAge: COOKIE_LIFETIME_MS,
      });
      res.redirect(303, url.href);
    },

    async finish(req, res) {
      const pending = parsePending(readCookie(req, COOKIE));
      res.clearCookie(COOKIE, { httpOnly: true, secure: options.secureCookies, sameSite: "lax", path: cookiePath });
      if (!pending) throw new AppError("INVALID_INPUT", "Signing in took too long or was started in another browser. Open the link from your Callgate message again.");
      const config = await discover();
      // The URL the provider redirected to, as registered (the server may sit behind a proxy).
      const current = new URL(options.redirectUrl);
      current.search = new URL(req.originalUrl, "http://callgate.invalid").search;
      let tokens;
      try {
        tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true });
      } catch (error) {
        throw new AppError("FORBIDDEN", "Signing in did not finish, so the recording cannot be played. Open the link from your Callgate message again.", undefined, { cause: error });
      }
      const claims = tokens.claims();
      if (!claims) throw new AppError("FORBIDDEN", "The sign-in service did not say who signed in, so the recording cannot be played.");
      let person: { email?: unknown; email_verified?: unknown } = { email: claims.email, email_verified: claims.email_verified };
      // Providers that keep the e-mail out of the ID token (a strict OpenID reading) give it from UserInfo, for the same subject.
      if (typeof person.email !== "string") person = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      const email = typeof person.email === "string" && person.email_verified !== false ? person.email : null;
      return { token: pending.token, browserSecret: pending.secret, email };
    },
  };
}

function parsePending(raw: string | null): Pending | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Partial<Pending>;
    const fields = [value.state, value.nonce, value.verifier, value.token, value.secret];
    return fields.every((f) => typeof f === "string" && f.length > 0 && f.length < 200) ? (value as Pending) : null;
  } catch {
    return null;
  }
}
