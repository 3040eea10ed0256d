/**
 * The Teams SDK's HTTP server adapter, pointed at Callgate's one HTTP server
 * instead of the second Express server the SDK would otherwise start. The
 * SDK still owns the protocol: it registers its messaging route here, and
 * that route validates every inbound token before an activity reaches a
 * handler. This adapter carries bytes between Express and that route, and
 * keeps the door: JSON only (415), an activity's envelope well formed (400),
 * and in local mode only activities `admit` lets in (401).
 */
import express, { type RequestHandler, type Response } from "express";
import { AppError } from "../../core/errors.ts";
import { inboundActivity, type InboundActivity } from "./activities.ts";
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
    /** A check before the SDK sees a well-formed activity; false answers 401 (used to confine local mode to loopback). */
    private readonly admit: (activity: InboundActivity) => boolean | Promise<boolean> = () => true,
  ) {}

  registerRoute(method: HttpMethod, path: string, handler: HttpRouteHandler): void {
    const parse = express.json({ limit: BODY_LIMIT, type: "application/json" });
    // Other methods fall through to the server's 404. Only JSON is read; the
    // 415, and body-parser's 400 and 413, are worded by the server's central handler.
    const jsonOnly: RequestHandler = (req, res, next) => {
      if (req.method !== method) return next("router");
      if (!req.is("application/json")) return next(Object.assign(new Error("unsupported content type"), { status: 415, expose: true }));
      parse(req, res, next);
    };
    const route: RequestHandler = (req, res, next) => {
      if (this.closed) {
        res.status(503).json({ error: "Callgate is shutting down" });
        return;
      }
      const envelope = inboundActivity.safeParse(req.body);
      if (!envelope.success) {
        next(new AppError("INVALID_INPUT", "That is not a Teams activity Callgate can read.", undefined, { cause: envelope.error }));
        return;
      }
      this.inFlight++;
      void this.admitted(envelope.data)
        .then((admitted) => {
          if (!admitted) {
            res.status(401).json({ error: "Not accepted here" });
            return;
          }
          return this.run(handler, req.body as unknown, req.headers as Record<string, string | string[]>, res);
        })
        .finally(() => {
          this.inFlight--;
          if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
        });
    };
    this.http.mount(path, jsonOnly, route);
  }

  private async admitted(activity: InboundActivity): Promise<boolean> {
    try {
      return await this.admit(activity);
    } catch (error) {
      this.logger.warn({ err: error }, "a Teams activity could not be checked, so it was refused");
      return false;
    }
  }

  private run(handler: HttpRouteHandler, body: unknown, headers: Record<string, string | string[]>, res: Response): Promise<void> {
    return handler({ body, headers })
      .then((response) => {
        if (response.body === undefined) res.status(response.status).end();
        else res.status(response.status).json(response.body);
      })
      .catch((error: unknown) => {
        // The SDK answers its own failures; reaching here is a bug in the glue.
        this.logger.error({ err: error }, "the Teams SDK failed to answer a request");
        if (!res.headersSent) res.status(500).json({ error: "Internal server error" });
      });
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
