/**
 * GET /files/:token, the download link a DPO (or requester) gets by direct
 * message for a file made for them. Like /play: unknown tokens count towards
 * the per-client limit; a good one is audited by the core and answered with a
 * redirect to a few minutes' read-only link for that one file.
 */
import express, { type Request, type RequestHandler, type Response } from "express";
import type { CoreContext } from "../../../core/context.ts";
import { openDeliveredFile } from "../../../core/files/open-file.ts";
import { dpoNames } from "../../../core/policy/access.ts";
import type { Logger } from "../../logger.ts";
import { BadTokenLimiter, type BadTokenLimitOptions } from "../playback/rate-limit.ts";
import { notice, renderRateLimited, type RenderedPage } from "../playback/render.ts";
import type { HttpServer } from "../server.ts";

export interface MountFilesOptions {
  http: Pick<HttpServer, "mount">;
  /** Must carry `files`; downloads fail with 503 otherwise. */
  ctx: CoreContext;
  logger: Logger;
  rateLimit?: BadTokenLimitOptions;
}

export function mountFiles(options: MountFilesOptions): void {
  const { ctx } = options;
  const logger = options.logger.child({ module: "files" });
  const limiter = new BadTokenLimiter(options.rateLimit);
  const organisationName = ctx.policy.organisation.name;
  const router = express.Router();

  router.head("/:token", (_req, res) => {
    res.status(405).setHeader("Allow", "GET").end();
  });

  router.get("/:token", (async (req: Request<{ token: string }>, res: Response) => {
    const clientIp = req.ip ?? req.socket.remoteAddress ?? "unknown";
    const gate = limiter.begin(clientIp);
    if ("retryAfterMs" in gate) {
      res.setHeader("Retry-After", String(Math.ceil(gate.retryAfterMs / 1000)));
      send(res, renderRateLimited(organisationName, gate.retryAfterMs));
      return;
    }
    let result;
    try {
      result = await openDeliveredFile(ctx, { token: req.params.token, clientIp });
    } catch (error) {
      gate.attempt.good();
      throw error;
    }
    if (result.outcome === "unknown") {
      logger.info({ clientIp }, "download refused: unknown link");
      send(res, notice(404, organisationName, "Link not recognised", ["This download link is not valid. Check that you opened the whole link from your Callgate message."]));
      return;
    }
    gate.attempt.good();
    if (result.outcome === "expired") {
      send(res, notice(410, organisationName, "This link no longer works", [`The download link for ${result.fileName} has expired. Ask for the file again in Callgate, or contact your Data Protection Officer (${dpoNames(ctx.policy)}).`]));
      return;
    }
    logger.info({ clientIp }, "file downloaded");
    res.set({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" }).redirect(303, result.url);
  }) as RequestHandler<{ token: string }>);

  options.http.mount("/files", router);
}

function send(res: Response, page: RenderedPage): void {
  res.status(page.status).set({ "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": page.csp, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow" }).send(page.html);
}
