/**
 * A playback or download link in a log is a working link for as long as the
 * grant or file lives (up to 24 hours for exports and SAR bundles). The real
 * server, with the real /play and /files routes, never writes a token to any
 * log line, whatever the case of the path (Express routes ignore it) and
 * wherever the path ends up (request log, error log).
 */
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mountFiles } from "../../src/infra/http/files/index.ts";
import { mountPlayback } from "../../src/infra/http/playback/index.ts";
import { createHttpServer, type RunningServer } from "../../src/infra/http/server.ts";
import { createLogger } from "../../src/infra/logger.ts";
import { useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";

describe.each(DATABASE_KINDS)("tokens in logs on %s", (kind) => {
  const t = useTestCore(kind);
  let server: RunningServer;
  let lines: string[];
  beforeEach(async () => {
    lines = [];
    const logger = createLogger({ level: "debug", destination: { write: (line: string) => void lines.push(line) } });
    const http = createHttpServer({ logger });
    mountPlayback({ http, ctx: t.ctx, logger });
    mountFiles({ http, ctx: t.ctx, logger });
    http.mount("/broken", (req) => {
      throw new Error(`could not fetch https://callgate.test${req.url}`);
    });
    server = await http.listen(0, "127.0.0.1");
  });
  afterEach(async () => {
    await server.close();
  });

  it("writes no token from /play or /files paths in any case, nor from an error that carries the link", async () => {
    const paths = (token: string) => [`/files/${token}`, `/FILES/${token}`, `/PLAY/${token}`, `/Play/${token}/audio`, `/play/${token}?from=1`, `/pLaY//${token}`, `/broken/Files/${token}`];
    const tokens: string[] = [];
    for (let i = 0; i < paths("x").length; i++) {
      const token = randomBytes(32).toString("base64url");
      tokens.push(token);
      const res = await fetch(`${server.url}${paths(token)[i]}`, { redirect: "manual" });
      await res.text();
      expect(res.status, paths(token)[i]).toBeLessThan(600);
    }
    const requests = lines.map((l) => JSON.parse(l) as { msg?: string; path?: string }).filter((l) => l.msg === "request" || l.msg === "request failed");
    expect(requests).toHaveLength(tokens.length);
    expect(requests.every((r) => r.path?.includes("[token]"))).toBe(true);
    expect(lines.some((l) => l.includes("unhandled error"))).toBe(true);
    const output = lines.join("");
    for (const token of tokens) expect(output).not.toContain(token);
  });
});
