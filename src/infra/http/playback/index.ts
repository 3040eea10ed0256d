/**
 * GET /play/:token, the page a requester opens from their direct message, and
 * GET /play/:token/audio, the audio its player streams (HTTP Range requests),
 * both checked against the grant on every request. This layer only
 * translates: it limits guessing per client, asks the core, and renders the
 * outcome (200 player or audio, 206 part of the audio, 404 unknown, 410
 * ended, 416 past the end, 429 limited) with the headers a confidential page
 * needs. Audio responses carry only what a player needs: none of the blob's
 * own headers or metadata are passed on.
 *
 * Binding to the requester: the browser's secret travels in a SameSite=Strict
 * cookie, which browsers leave off a navigation from another site (a click in
 * Slack's or Teams' web app). A page request from another site that carries
 * no cookie is therefore answered with a page that reloads itself, now as a
 * same-site navigation with the cookie, before the core decides anything.
 * With an identity provider, GET /play/signed-in completes the sign-in.
 */
import { pipeline } from "node:stream/promises";
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from "express";
import type { CoreContext } from "../../../core/context.ts";
import { isAppError } from "../../../core/errors.ts";
import { completePlaybackSignIn } from "../../../core/playback/complete-playback-sign-in.ts";
import { openPlayback } from "../../../core/playback/open-playback.ts";
import { streamPlaybackAudio } from "../../../core/playback/stream-playback-audio.ts";
import type { Logger } from "../../logger.ts";
import { STATUS_BY_CODE, type HttpServer } from "../server.ts";
import { BROWSER_COOKIE, readCookie, setBrowserCookie } from "./cookies.ts";
import { parseRange } from "./range.ts";
import { BadTokenLimiter, type BadTokenLimitOptions } from "./rate-limit.ts";
import { renderBounce, renderBrowserRefused, renderFailure, renderPlayer, renderRateLimited, renderRefusal, renderSignInRefused, type RenderedPage } from "./render.ts";
import { SIGNED_IN_PATH, type PlaybackSignIn } from "./sign-in.ts";

export interface MountPlaybackOptions {
  http: Pick<HttpServer, "mount">;
  /** Must carry `recordings`; pages fail with 503 otherwise. */
  ctx: CoreContext;
  logger: Logger;
  /** Unknown tokens allowed per client address; default 20 per 10 minutes, per instance. */
  rateLimit?: BadTokenLimitOptions;
  /** Longest audio response; default 1 MiB (see stream-playback-audio.ts). */
  maxAudioChunkBytes?: number;
  /** Mark cookies Secure; set it when PUBLIC_URL is https. */
  secureCookies?: boolean;
  /** Sign people in with an identity provider; without it a link is bound to the first browser that opens it. */
  signIn?: PlaybackSignIn;
}

export function mountPlayback(options: MountPlaybackOptions): { limiter: BadTokenLimiter } {
  const { ctx } = options;
  const logger = options.logger.child({ module: "playback" });
  const limiter = new BadTokenLimiter(options.rateLimit);
  const organisationName = ctx.policy.organisation.name;
  const router = express.Router();

  // HEAD would open the grant (and audit it) without showing anything; link
  // checkers that probe with it get nothing.
  const noHead: RequestHandler = (_req, res) => {
    res.status(405).setHeader("Allow", "GET").end();
  };
  router.head("/:token", noHead);
  router.head("/:token/audio", noHead);
  const secure = options.secureCookies ?? false;
  const binding = options.signIn ? "sign-in" : "first-browser";

  // Registered before /:token, which would otherwise take "signed-in" for a (malformed) token.
  const signIn = options.signIn;
  if (signIn) {
    router.get(SIGNED_IN_PATH, (async (req: Request, res: Response) => {
      const clientIp = req.ip ?? req.socket.remoteAddress ?? "unknown";
      const signedIn = await signIn.finish(req, res);
      const result = await completePlaybackSignIn(ctx, { ...signedIn, clientIp, userAgent: req.get("user-agent") ?? null });
      if (result.outcome === "unknown" || result.outcome === "ended") {
        send(res, renderRefusal(result));
        return;
      }
      if (result.outcome === "refused") {
        logger.warn({ clientIp, code: result.code }, "playback refused: signed in as someone other than the requester");
        send(res, renderSignInRefused(result));
        return;
      }
      logger.info({ clientIp }, "playback: the requester signed in");
      setBrowserCookie(res, signedIn.browserSecret, secure);
      // Relative to /play/signed-in: back to /play/<token>.
      res.redirect(303, encodeURIComponent(signedIn.token));
    }) as RequestHandler);
  }

  router.get("/:token", (async (req: Request<{ token: string }>, res: Response) => {
    const clientIp = req.ip ?? req.socket.remoteAddress ?? "unknown";
    const gate = limiter.begin(clientIp);
    if ("retryAfterMs" in gate) {
      // Debug only: a guesser would otherwise flood the log. The warning was logged when the limit was reached.
      logger.debug({ clientIp }, "playback refused: client is rate-limited");
      res.setHeader("Retry-After", String(Math.ceil(gate.retryAfterMs / 1000)));
      send(res, renderRateLimited(organisationName, gate.retryAfterMs));
      return;
    }
    const browserSecret = readCookie(req, BROWSER_COOKIE);
    if (!browserSecret && req.get("sec-fetch-site") === "cross-site") {
      // Decides nothing and looks nothing up: the reload comes back same-site, with the cookie if the browser has one.
      gate.attempt.good();
      send(res, renderBounce(organisationName));
      return;
    }
    let result;
    try {
      result = await openPlayback(ctx, { token: req.params.token, clientIp, userAgent: req.get("user-agent") ?? null, browserSecret, binding });
    } catch (error) {
      // A failure on our side is not a guess.
      gate.attempt.good();
      throw error;
    }
    if (result.outcome === "unknown") {
      logger.info({ clientIp }, "playback refused: unknown link");
      if (limiter.exhausted(clientIp)) logger.warn({ clientIp, limit: limiter.limit, windowMs: limiter.windowMs }, "playback: client reached the limit of unknown links and is refused for a while");
      send(res, renderRefusal(result));
      return;
    }
    gate.attempt.good();
    if (result.outcome === "ended") {
      logger.info({ clientIp, reason: result.reason }, "playback refused: access has ended");
      send(res, renderRefusal(result));
      return;
    }
    if (result.browserSecret !== browserSecret) setBrowserCookie(res, result.browserSecret, secure);
    if (result.outcome === "sign-in") {
      if (!signIn) throw new Error("the core asked for a sign-in, but no identity provider is configured");
      await signIn.start(res, req.params.token, result.browserSecret);
      return;
    }
    if (result.outcome === "refused") {
      logger.warn({ clientIp, code: result.code }, "playback refused: the link is bound to another browser");
      send(res, renderBrowserRefused(result));
      return;
    }
    logger.info({ grantId: result.view.grantId, clientIp }, "playback opened");
    // Relative, so it works under any PUBLIC_URL; the token was checked by the core.
    send(res, renderPlayer(result.view, `${encodeURIComponent(req.params.token)}/audio?view=${encodeURIComponent(result.viewId)}`));
  }) as RequestHandler<{ token: string }>);

  router.get("/:token/audio", (async (req: Request<{ token: string }>, res: Response) => {
    const clientIp = req.ip ?? req.socket.remoteAddress ?? "unknown";
    const gate = limiter.begin(clientIp);
    if ("retryAfterMs" in gate) {
      res.setHeader("Retry-After", String(Math.ceil(gate.retryAfterMs / 1000)));
      res.status(429).end();
      return;
    }
    const gone = new AbortController();
    res.once("close", () => gone.abort());
    let result;
    try {
      result = await streamPlaybackAudio(ctx, {
        token: req.params.token,
        viewId: typeof req.query.view === "string" ? req.query.view : "",
        browserSecret: readCookie(req, BROWSER_COOKIE),
        range: parseRange(req.get("range")),
        clientIp,
        userAgent: req.get("user-agent") ?? null,
        maxChunkBytes: options.maxAudioChunkBytes,
        signal: gone.signal,
      });
    } catch (error) {
      gate.attempt.good();
      throw error;
    }
    if (result.outcome === "unknown") {
      logger.info({ clientIp }, "playback audio refused: unknown link or page view");
      res.status(404).end();
      return;
    }
    gate.attempt.good();
    if (result.outcome === "ended") {
      logger.info({ clientIp, reason: result.reason }, "playback audio refused: access has ended");
      res.status(410).end();
      return;
    }
    if (result.outcome === "refused") {
      logger.info({ clientIp }, "playback audio refused: not the browser that opened the page");
      res.status(403).end();
      return;
    }
    res.setHeader("Accept-Ranges", "bytes");
    if (result.outcome === "unsatisfiable") {
      res.status(416).setHeader("Content-Range", `bytes */${result.totalBytes}`).end();
      return;
    }
    const { bytes } = result;
    res.status(result.partial ? 206 : 200).set({
      "Content-Type": result.contentType,
      "Content-Length": String(bytes.count),
      ...(result.partial ? { "Content-Range": `bytes ${bytes.offset}-${bytes.offset + bytes.count - 1}/${bytes.totalBytes}` } : {}),
      "Cache-Control": "no-store",
    });
    try {
      await pipeline(bytes.body, res);
    } catch (error) {
      // The listener seeking or closing the page ends the response early: expected, not a failure.
      if (gone.signal.aborted) return;
      logger.warn({ err: error }, "playback audio stream failed part-way");
    }
  }) as RequestHandler<{ token: string }>);

  const pageErrors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
    if (!isAppError(err) || res.headersSent) {
      next(err);
      return;
    }
    const status = STATUS_BY_CODE[err.code];
    logger[status >= 500 ? "error" : "warn"]({ code: err.code, err }, "playback page failed");
    send(res, renderFailure(status, organisationName, err.message));
  };
  router.use(pageErrors);

  options.http.mount("/play", router);
  return { limiter };
}

function send(res: Response, page: RenderedPage): void {
  res
    .status(page.status)
    .set({
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": page.csp,
      // Already the server's defaults; restated because this page must never be cached or leak its URL.
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
      "X-Robots-Tag": "noindex, nofollow",
    })
    .send(page.html);
}
