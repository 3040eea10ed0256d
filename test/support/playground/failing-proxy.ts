/**
 * A pass-through proxy in front of the Playground's mock Bot Connector that
 * can be told to fail the next call with a 500, as the real connector
 * sometimes does: the channel must throw so the outbox retries.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FailingProxy {
  url: string;
  failNext(): void;
  close(): Promise<void>;
}

export async function startFailingProxy(target: string): Promise<FailingProxy> {
  let failures = 0;
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const body = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks)));
    });
    if (failures > 0) {
      failures--;
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "ServiceError", message: "injected failure" } }));
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "content-length") headers[k] = v;
    const upstream = await fetch(`${target}${req.url ?? ""}`, { method: req.method ?? "GET", headers, ...(body.length ? { body } : {}) });
    const text = await upstream.text();
    res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    failNext: () => void failures++,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
