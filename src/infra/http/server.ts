/**
 * Callgate's one HTTP server. It hosts the Slack endpoint (POST /slack/events),
 * the Teams endpoint (POST /api/messages) and the playback pages (GET /play/:token),
 * each mounted later by its own module, plus the health probes built in here.
 *
 * There is deliberately no global body parser: Slack's signature check needs
 * the raw bytes of the body, so each mounted route brings the parser it needs.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from "express";
import { isAppError, type ErrorCode } from "../../core/errors.ts";
import { redactTokenPaths, type Logger } from "../logger.ts";

/** One dependency the app needs before it can serve traffic (database, storage, ...). */
export interface ReadinessCheck {
  /** Short, stable name shown in /readyz, e.g. "database". */
  name: string;
  /**
   * Resolves when the dependency is usable; rejects (or fails to settle within
   * the timeout) when not. The signal aborts when the timeout passes.
   */
  check(signal: AbortSignal): Promise<void>;
}

export type CheckStatus = "ok" | "failed" | "timed out";

/** The body of /readyz. Names what failed, never why: reasons go to the log. */
export interface ReadinessReport {
  status: "ok" | "unavailable";
  checks: Record<string, { status: CheckStatus; durationMs: number }>;
}

export interface HttpServerOptions {
  logger: Logger;
  /** Checks run by GET /readyz; more can be added later with addReadinessCheck. */
  readiness?: ReadonlyArray<ReadinessCheck>;
  /** Per-check limit for /readyz. Default 2 s. */
  readinessTimeoutMs?: number;
  /** How long close() lets in-flight requests finish before cutting them off. Default 5 s. */
  shutdownGraceMs?: number;
  /**
   * Express's "trust proxy" setting, so req.ip is the client's address behind
   * a load balancer or Azure front end. Off by default: trusting a header
   * nobody strips lets clients forge their address.
   */
  trustProxy?: boolean | number | string;
  /** Send Strict-Transport-Security; set it when PUBLIC_URL is https. */
  hsts?: boolean;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:3978 */
  url: string;
  port: number;
  /** Stops accepting connections, lets in-flight requests finish (up to the grace period), then resolves. */
  close(): Promise<void>;
}

export interface HttpServer {
  /** The Express app, for anything mount() does not cover. */
  app: Express;
  /** The Node server, created up front so SDKs that want an http.Server can attach before listen(). */
  server: Server;
  /**
   * Mounts handlers under a path prefix (Express `use` semantics: any method,
   * and req.url is relative to the prefix inside). Routes mounted here run
   * before the JSON 404 and the central error handler, and may be added at any
   * time, even after listen(). Bring your own body parser, e.g.
   * `mount("/api/messages", express.json(), handler)`; a router that already
   * carries full paths (Bolt's ExpressReceiver) mounts at "/".
   */
  mount(path: string, ...handlers: Array<RequestHandler | Router>): void;
  addReadinessCheck(check: ReadinessCheck): void;
  listen(port: number, host: string): Promise<RunningServer>;
}

/** How each stable error code reads over HTTP. Exhaustive, so a new code forces a choice. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNKNOWN_PURPOSE: 400,
  UNKNOWN_SITE: 400,
  INVALID_NUMBER: 400,
  DATE_IN_FUTURE: 400,
  DATE_TOO_OLD: 400,
  WINDOW_TOO_WIDE: 400,
  REASON_TOO_SHORT: 400,
  REASON_REQUIRED: 400,
  FORBIDDEN: 403,
  NOT_SET_UP: 403,
  SELF_APPROVAL: 403,
  CONFLICT_OF_INTEREST: 403,
  NOT_FOUND: 404,
  ALREADY_DECIDED: 409,
  ALREADY_DONE: 409,
  APPROVAL_NOT_NEEDED: 409,
  WRONG_STATE: 409,
  CONFLICT: 409,
  ON_HOLD: 409,
  TOO_LATE: 409,
  // Problems of the deployment, not of the request: the person acting cannot fix them.
  POLICY_INVALID: 500,
  CONFIG_INVALID: 500,
  DATABASE_BEHIND: 503,
  STORAGE_ERROR: 503,
};

const GENERIC_500 = "Something went wrong on our side. Please try again; if it keeps happening, give your administrator the reference.";
const GENERIC_503 = "Callgate cannot reach one of its services just now. Please try again in a few minutes.";
const STATUS_MESSAGES: Record<number, string> = {
  400: "The request could not be read.",
  404: "There is nothing here.",
  405: "That method is not allowed here.",
  413: "The request is too large.",
  415: "That content type is not supported here.",
};

const PROBES = new Set(["/healthz", "/readyz"]);

/**
 * A strict default for every response; a route serving HTML that needs more
 * (the playback page's audio from blob storage) sets its own policy.
 */
const DEFAULT_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { logger } = options;
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 2_000;
  const graceMs = options.shutdownGraceMs ?? 5_000;
  const checks: ReadinessCheck[] = [...(options.readiness ?? [])];
  const mounted = express.Router();

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", options.trustProxy ?? false);
  app.set("etag", false);

  app.use(securityHeaders(options.hsts ?? false));
  app.use(requestLog(logger));

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.get("/readyz", async (_req, res) => {
    const report = await runReadinessChecks(checks, readinessTimeoutMs, logger);
    res.status(report.status === "ok" ? 200 : 503).json(report);
  });

  app.use(mounted);

  app.use((req, res) => {
    res.status(404).json({ error: { code: "NOT_FOUND", message: `There is nothing at ${req.method} ${redactPath(req.path)}.` } });
  });

  app.use(errorHandler(logger));

  const server = createServer(app);

  return {
    app,
    server,
    mount(path, ...handlers) {
      mounted.use(path, ...handlers);
    },
    addReadinessCheck(check) {
      checks.push(check);
    },
    listen: (port, host) => listen(server, port, host, graceMs),
  };
}

/** Runs every check at once, each bounded by the timeout. Reasons are logged, not returned. */
export async function runReadinessChecks(checks: ReadonlyArray<ReadinessCheck>, timeoutMs: number, logger: Logger): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      const started = performance.now();
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timed out">((resolve) => {
        timer = setTimeout(() => {
          controller.abort(new Error(`Readiness check "${name}" timed out after ${timeoutMs} ms`));
          resolve("timed out");
        }, timeoutMs);
      });
      let status: CheckStatus;
      try {
        status = await Promise.race([check(controller.signal).then(() => "ok" as const), timedOut]);
      } catch (err) {
        logger.warn({ err, check: name }, "readiness check failed");
        status = "failed";
      } finally {
        clearTimeout(timer);
      }
      if (status === "timed out") logger.warn({ check: name, timeoutMs }, "readiness check timed out");
      return [name, { status, durationMs: Math.round(performance.now() - started) }] as const;
    }),
  );
  return {
    status: results.every(([, r]) => r.status === "ok") ? "ok" : "unavailable",
    checks: Object.fromEntries(results),
  };
}

/**
 * `/play/<token>` becomes `/play/[token]` (and `/files/<token>`, in any case):
 * a token in a log is a working link. The routes are listed once, in the logger.
 */
export function redactPath(path: string): string {
  return redactTokenPaths(path);
}

function securityHeaders(hsts: boolean): RequestHandler {
  return (_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Content-Security-Policy", DEFAULT_CSP);
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    // Everything Callgate serves is personal or live state; nothing may be cached on the way.
    res.setHeader("Cache-Control", "no-store");
    if (hsts) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    next();
  };
}

/**
 * One line per request once the response is done (or the client gave up):
 * method, path without its query string and with tokens redacted, status and
 * duration. Probes log at debug so they do not drown everything else.
 */
function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    res.on("close", () => {
      const path = redactPath(req.originalUrl.split("?")[0] ?? "/");
      const entry = {
        requestId,
        method: req.method,
        path,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (res.statusCode >= 500) logger.error(entry, "request failed");
      else if (PROBES.has(path)) logger.debug(entry, "request");
      else logger.info(entry, "request");
    });
    next();
  };
}

/**
 * The central error handler: an AppError becomes its status and its plain
 * message (written for the person acting); an HTTP error from a body parser
 * becomes its status with a fixed message; anything else is logged and
 * becomes a generic 500 carrying the request's reference.
 */
function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const reference = String(res.locals.requestId ?? "");
    if (res.headersSent) {
      // Too late for a clean answer; Express's default handler cuts the connection.
      logger.error({ err, requestId: reference, path: redactPath(req.path) }, "error after the response started");
      next(err);
      return;
    }
    if (isAppError(err)) {
      const status = STATUS_BY_CODE[err.code] ?? 500;
      if (status >= 500) {
        logger.error({ err, requestId: reference, code: err.code }, "request failed");
        res.status(status).json({ error: { code: err.code, message: status === 503 ? GENERIC_503 : GENERIC_500, reference } });
        return;
      }
      res.status(status).json({ error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } });
      return;
    }
    const httpStatus = clientErrorStatus(err);
    if (httpStatus !== undefined) {
      res.status(httpStatus).json({ error: { code: "INVALID_INPUT", message: STATUS_MESSAGES[httpStatus] ?? STATUS_MESSAGES[400] } });
      return;
    }
    logger.error({ err, requestId: reference }, "unhandled error");
    res.status(500).json({ error: { code: "INTERNAL", message: GENERIC_500, reference } });
  };
}

/** The 4xx status of an http-errors style error (body-parser's), when it is one. */
function clientErrorStatus(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const status = (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
  return typeof status === "number" && status >= 400 && status < 500 ? status : undefined;
}

function listen(server: Server, port: number, host: string, graceMs: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === "IPv6" || host.includes(":") ? `[${address.address}]` : host;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${shownHost}:${address.port}`,
        port: address.port,
        close: () => (closing ??= closeGracefully(server, graceMs)),
      });
    });
  });
}

/**
 * Stops accepting connections and closes idle keep-alive ones, now and as
 * in-flight requests finish (Node leaves those sockets open otherwise), so a
 * quiet server stops at once; requests still running after the grace period
 * have their connections cut.
 */
function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    sweep.unref();
    force.unref();
    server.close((err) => {
      clearInterval(sweep);
      clearTimeout(force);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
