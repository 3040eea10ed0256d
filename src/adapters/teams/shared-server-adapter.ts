/**
 * The Teams SDK's HTTP server adapter, pointed at Callgate's one HTTP server
 * instead of the second Express server the SDK would otherwise start. The
 * SDK still owns the protocol: it registers its messaging route here, and
 * that route validates every inbound token before an activity reaches a
 * handler. This adapter only carries bytes between Express and that route.
 */
import express, { type RequestHandler } from "express";
import type { HttpMethod, HttpRouteHandler, IHttpServerAdapter } from "@microsoft/teams.apps";
import type { HttpServer } from "../../infra/http/server.ts";
import type { Logger } from "../../infra/logger.ts";

/** Teams activities are small; the largest (card submissions) are a few KB. */
const BODY_LIMIT = "256kb";

export class SharedServerAdapter implements IHttpServerAdapter {
  private closed = false;
  private inFlight = 0;
  private idle: Array<() => void> = [];

  constructor(
    private readonly http: HttpServer,
    private readonly logger: Logger,
    /** A check before the SDK sees a request; false answers 401 (used to confine local mode to loopback). */
    private readonly admit: (body: unknown) => boolean = () => true,
  ) {}

  registerRoute(method: HttpMethod, path: string, handler: HttpRouteHandler): void {
    const route: RequestHandler = (req, res, next) => {
      if (req.method !== method) return next();
      if (this.closed) {
        res.status(503).json({ error: "Callgate is shutting down" });
        return;
      }
      if (!this.admit(req.body)) {
        res.status(401).json({ error: "Not accepted here" });
        return;
      }
      this.inFlight++;
      handler({ body: req.body as unknown, headers: req.headers as Record<string, string | string[]> })
        .then((response) => {
          if (response.body === undefined) res.status(response.status).end();
          else res.status(response.status).json(response.body);
        })
        .catch((error: unknown) => {
          // The SDK answers its own failures; reaching here is a bug in the glue.
          this.logger.error({ err: error }, "the Teams SDK failed to answer a request");
          if (!res.headersSent) res.status(500).json({ error: "Internal server error" });
        })
        .finally(() => {
          this.inFlight--;
          if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
        });
    };
    // Only JSON reaches the SDK; anything else is refused before it.
    this.http.mount(path, express.json({ limit: BODY_LIMIT, type: () => true }), route);
  }

  /** Refuses new requests with 503 and waits (up to `graceMs`) for those in flight. */
  async drain(graceMs: number): Promise<void> {
    this.closed = true;
    if (this.inFlight === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => this.idle.push(resolve)), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }
}
