/**
 * GET /play/:token, the page a requester opens from their direct message.
 * This layer only translates: it limits guessing per client, asks the core
 * to open the grant, and renders the outcome (200 player, 404 unknown, 410
 * ended, 429 limited) with the headers a confidential page needs.
 */
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from "express";
import type { CoreContext } from "../../../core/context.ts";
import { isAppError } from "../../../core/errors.ts";
import { openPlayback } from "../../../core/playback/open-playback.ts";
import type { Logger } from "../../logger.ts";
import { STATUS_BY_CODE, type HttpServer } from "../server.ts";
import { BadTokenLimiter, type BadTokenLimitOptions } from "./rate-limit.ts";
import { renderFailure, renderPlayer, renderRateLimited, renderRefusal, type RenderedPage } from "./render.ts";

export interface MountPlaybackOptions {
  http: Pick<HttpServer, "mount">;
  /** Must carry `recordings`; pages fail with 503 otherwise. */
  ctx: CoreContext;
  logger: Logger;
  /** Unknown tokens allowed per client address; default 20 per 10 minutes, per instance. */
  rateLimit?: BadTokenLimitOptions;
  /** Lifetime of each minted blob link; default 5 minutes plus the call's length. */
  sasLifetimeMs?: number;
}

export function mountPlayback(options: MountPlaybackOptions): { limiter: BadTokenLimiter } {
  const { ctx } = options;
  const logger = options.logger.child({ module: "playback" });
  const limiter = new BadTokenLimiter(options.rateLimit);
  const organisationName = ctx.policy.organisation.name;
  const router = express.Router();

  // HEAD would open the grant (and audit it) without showing anything; link
  // checkers that probe with it get nothing.
  router.head("/:token", (_req, res) => {
    res.status(405).setHeader("Allow", "GET").end();
  });

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
    let result;
    try {
      result = await openPlayback(ctx, { token: req.params.token, clientIp, userAgent: req.get("user-agent") ?? null, sasLifetimeMs: options.sasLifetimeMs });
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
    logger.info({ grantId: result.view.grantId, clientIp, audioExpiresAt: result.audioExpiresAt.toISOString() }, "playback opened");
    send(res, renderPlayer(result.view, result.audioUrl));
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
