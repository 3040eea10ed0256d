import { createHash } from "node:crypto";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.ts";
import { createHttpServer, type HttpServerOptions, type ReadinessCheck, type RunningServer } from "../../src/infra/http/server.ts";
import { createLogger } from "../../src/infra/logger.ts";

const running: RunningServer[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** A server on 127.0.0.1 and a free port, logging into memory. */
async function start(options: Partial<HttpServerOptions> = {}, setup?: (http: ReturnType<typeof createHttpServer>) => void) {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => void lines.push(line) } });
  const http = createHttpServer({ logger, ...options });
  setup?.(http);
  const server = await http.listen(0, "127.0.0.1");
  running.push(server);
  return { http, server, url: server.url, logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), rawLogs: () => lines.join("") };
}

const ok = (name: string): ReadinessCheck => ({ name, check: async () => {} });

describe("HTTP server", () => {
  it("answers the liveness probe without touching anything", async () => {
    const { url } = await start({ readiness: [{ name: "database", check: () => Promise.reject(new Error("down")) }] });
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("sends security headers and no x-powered-by", async () => {
    const { url } = await start();
    const res = await fetch(`${url}/healthz`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-powered-by")).toBeNull();
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("sends HSTS when asked to", async () => {
    const { url } = await start({ hsts: true });
    expect((await fetch(`${url}/healthz`)).headers.get("strict-transport-security")).toContain("max-age=");
  });

  it("reports ready with every check's status when all pass", async () => {
    const { url } = await start({ readiness: [ok("database"), ok("storage")] });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe("ok");
    expect(body.checks.database?.status).toBe("ok");
    expect(body.checks.storage?.status).toBe("ok");
  });

  it("reports 503 naming the failing check, without its error's details", async () => {
    const secret = "AccountKey=c3VwZXJzZWNyZXQ=";
    const { url, rawLogs } = await start({
      readiness: [ok("database"), { name: "storage", check: () => Promise.reject(new Error(`cannot connect with ${secret}`)) }],
    });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ status: "unavailable", checks: { database: { status: "ok" }, storage: { status: "failed" } } });
    expect(text).not.toContain("c3VwZXJzZWNyZXQ");
    expect(text).not.toContain("cannot connect");
    // The reason is logged for the operator, with the secret scrubbed.
    expect(rawLogs()).toContain("cannot connect with AccountKey=[secret]");
    expect(rawLogs()).not.toContain("c3VwZXJzZWNyZXQ");
  });

  it("gives up on a check that hangs, and aborts it", async () => {
    let aborted = false;
    const hanging: ReadinessCheck = {
      name: "slow",
      check: (signal) =>
        new Promise(() => {
          signal.addEventListener("abort", () => (aborted = true));
        }),
    };
    const { url } = await start({ readiness: [hanging], readinessTimeoutMs: 150 });
    const started = performance.now();
    const res = await fetch(`${url}/readyz`);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: { slow: { status: "timed out" } } });
    expect(aborted).toBe(true);
  });

  it("takes readiness checks added later", async () => {
    const { http, url } = await start({ readiness: [ok("database")] });
    http.addReadinessCheck({ name: "slack", check: () => Promise.reject(new Error("no")) });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: { slack: { status: "failed" } } });
  });

  it("answers unknown paths with a JSON 404", async () => {
    const { url } = await start();
    const res = await fetch(`${url}/nowhere`, { method: "POST" });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: { code: "NOT_FOUND", message: "There is nothing at POST /nowhere." } });
  });

  it("turns coded errors into their status with the plain message", async () => {
    const { url } = await start({}, (http) => {
      const router = express.Router();
      router.get("/invalid", () => {
        throw new AppError("INVALID_INPUT", "Enter a date in the past.", "date");
      });
      router.get("/forbidden", async () => {
        throw new AppError("FORBIDDEN", "You cannot authorise this request.");
      });
      router.get("/missing", () => {
        throw new AppError("NOT_FOUND", "There is no request CG-000123.");
      });
      router.get("/decided", () => {
        throw new AppError("ALREADY_DECIDED", "Dana Smith has already approved this request.");
      });
      router.get("/storage", () => {
        throw new AppError("STORAGE_ERROR", "Blob service said 403 for sig=abc");
      });
      http.mount("/errors", router);
    });
    const cases: Array<[string, number, Record<string, unknown>]> = [
      ["invalid", 400, { code: "INVALID_INPUT", message: "Enter a date in the past.", field: "date" }],
      ["forbidden", 403, { code: "FORBIDDEN", message: "You cannot authorise this request." }],
      ["missing", 404, { code: "NOT_FOUND", message: "There is no request CG-000123." }],
      ["decided", 409, { code: "ALREADY_DECIDED", message: "Dana Smith has already approved this request." }],
    ];
    for (const [path, status, error] of cases) {
      const res = await fetch(`${url}/errors/${path}`);
      expect(res.status, path).toBe(status);
      expect(await res.json()).toEqual({ error });
    }
    const storage = await fetch(`${url}/errors/storage`);
    expect(storage.status).toBe(503);
    const body = (await storage.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("STORAGE_ERROR");
    expect(body.error.message).not.toContain("sig=");
  });

  it("turns anything else into a generic 500 and logs it with a reference", async () => {
    const { url, logs, rawLogs } = await start({}, (http) => {
      http.mount("/boom", async () => {
        throw new TypeError("cannot read properties of undefined (caller 07700 900123)");
      });
    });
    const res = await fetch(`${url}/boom`);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string; reference: string } };
    expect(body.error.code).toBe("INTERNAL");
    expect(body.error.message).toMatch(/^Something went wrong on our side/);
    expect(body.error.reference).toBe(res.headers.get("x-request-id"));
    expect(JSON.stringify(body)).not.toContain("undefined");
    const logged = logs().find((l) => l.msg === "unhandled error");
    expect(logged?.requestId).toBe(body.error.reference);
    expect(JSON.stringify(logged?.err)).toContain("cannot read properties of undefined (caller [number])");
    expect(rawLogs()).not.toContain("900123");
  });

  it("gives mounted routes the raw body, untouched", async () => {
    const { url } = await start({}, (http) => {
      http.mount("/slack/events", (req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const raw = Buffer.concat(chunks);
          res.json({ method: req.method, length: raw.length, sha256: createHash("sha256").update(raw).digest("hex"), text: raw.toString("utf8") });
        });
      });
    });
    const payload = `payload=${encodeURIComponent(JSON.stringify({ type: "block_actions", actions: [{ action_id: "approve", value: "CG-000123" }] }))}&x=%F0%9F%93%9E`;
    const res = await fetch(`${url}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: payload,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      method: "POST",
      length: Buffer.byteLength(payload),
      sha256: createHash("sha256").update(payload).digest("hex"),
      text: payload,
    });
  });

  it("lets a route bring its own JSON parser, and answers a malformed body with 400", async () => {
    const { url } = await start({}, (http) => {
      http.mount("/api/messages", express.json(), (req, res) => {
        res.json({ received: (req.body as { text?: string }).text });
      });
    });
    const good = await fetch(`${url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: "hello" }) });
    expect(await good.json()).toEqual({ received: "hello" });
    const bad = await fetch(`${url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"text": xoxb-1-2' });
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "INVALID_INPUT", message: "The request could not be read." } });
    expect(text).not.toContain("xoxb");
  });

  it("accepts mounts after it has started listening", async () => {
    const { http, url } = await start();
    http.mount("/late", (_req, res) => {
      res.send("here");
    });
    expect(await (await fetch(`${url}/late`)).text()).toBe("here");
  });

  it("logs each request without query strings or playback tokens", async () => {
    const { url, logs, rawLogs } = await start({}, (http) => {
      const play = express.Router();
      play.get("/:token", (_req, res) => {
        res.status(410).send("expired");
      });
      http.mount("/play", play);
    });
    await fetch(`${url}/play/q9Xr2tVbN8mKp3LwZs7YdA?from=07700900123`);
    await fetch(`${url}/healthz`);
    const requests = logs().filter((l) => l.msg === "request");
    expect(requests[0]).toMatchObject({ method: "GET", path: "/play/[token]", status: 410, level: "info" });
    expect(typeof requests[0]?.durationMs).toBe("number");
    expect(requests[1]).toMatchObject({ path: "/healthz", status: 200, level: "debug" });
    expect(rawLogs()).not.toContain("q9Xr2tVbN8mKp3LwZs7YdA");
    expect(rawLogs()).not.toContain("07700900123");
  });

  it("finishes in-flight requests on close, then stops accepting", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const { server, url } = await start({}, (http) => {
      http.mount("/slow", async (_req, res) => {
        arrived();
        await held;
        res.send("done");
      });
    });
    const slow = fetch(`${url}/slow`);
    await inFlight;
    const closed = server.close();
    setTimeout(release, 100);
    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("done");
    const answered = performance.now();
    await closed;
    // Closed as soon as the last request finished, not at the end of the grace period.
    expect(performance.now() - answered).toBeLessThan(1_000);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it("cuts off a request that outlives the grace period", async () => {
    const { server, url } = await start({ shutdownGraceMs: 200 }, (http) => {
      http.mount("/hang", () => {
        // Never answers.
      });
    });
    const hanging = fetch(`${url}/hang`).then(
      () => "answered",
      () => "cut off",
    );
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await hanging).toBe("cut off");
  });
});
