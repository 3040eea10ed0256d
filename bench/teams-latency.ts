/**
 * How fast Callgate answers Teams, against a bare Teams SDK app that replies
 * with a fixed card, on the same machine in the same run. Both are Teams SDK
 * v2 apps mounted on Callgate's HTTP server (unauthenticated local mode, as
 * with the Agents Playground, so no token check is timed) and get the same
 * 20 concurrent users per round; rounds alternate between the two apps.
 *
 * - message → reply: a user types `request recording`; timed from the POST of
 *   the activity until the reply card reaches the Bot Connector (Callgate:
 *   identity link, policy, form card; bare: a fixed card).
 * - Action.Execute → invoke response: a user's card refreshes (Universal
 *   Actions); timed from the POST until the HTTP response carrying the card
 *   (Callgate: identity, the request read from the database and drawn for
 *   that viewer; bare: a fixed card).
 *
 * The users and the mock Bot Connector run in a worker thread, as Teams
 * would be elsewhere, so the main thread's event loop serves only the apps.
 * Target: p99 ratio under 1.5. Run alone: npx tsx bench/teams-latency.ts
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { App } from "@microsoft/teams.apps";
import { startTeamsAdapter } from "../src/adapters/teams/index.ts";
import { MESSAGING_PATH, VERBS } from "../src/adapters/teams/ids.ts";
import { SharedServerAdapter } from "../src/adapters/teams/shared-server-adapter.ts";
import { sdkLogger } from "../src/adapters/teams/sdk-logger.ts";
import type { CoreContext } from "../src/core/context.ts";
import { policySchema } from "../src/core/policy/schema.ts";
import { systemClock } from "../src/core/ports/clock.ts";
import { submitRequest } from "../src/core/requests/submit-request.ts";
import { openDatabase } from "../src/infra/db/open-database.ts";
import { createHttpServer } from "../src/infra/http/server.ts";
import { createLogger } from "../src/infra/logger.ts";
import { ms, percentile } from "./support/bench-context.ts";
import { selfWorker } from "./support/self-worker.ts";
import { throwawayPostgres } from "./support/throwaway-postgres.ts";

const USERS = 20;
const ROUNDS = 15;
const WARM_UP_ROUNDS = 3;

const people = Array.from({ length: USERS }, (_, i) => ({ email: `leader${i}@bench.example`, name: `Leader ${i}`, roles: ["slt"] }));
const policy = policySchema.parse({
  version: 1,
  organisation: { name: "Bench Trust" },
  sites: [{ id: "main", name: "Main" }],
  roles: [{ id: "slt", label: "SLT" }, { id: "ceo", label: "CEO" }, { id: "dpo", label: "DPO" }],
  people: [...people, { email: "ceo@bench.example", name: "CEO", roles: ["ceo"] }, { email: "dpo@bench.example", name: "DPO", roles: ["dpo"] }],
  requesting: { roles: ["slt", "ceo"] },
  purposes: [{ id: "complaint", label: "Complaint", lawfulBasis: "6(1)(e)", reasonPrompt: "Why?", requestableBy: ["slt"], approvals: [{ anyOf: ["ceo"] }] }],
  fulfilment: { mode: "automatic", roles: ["dpo"] },
  retention: { default: "12 months" },
  subjectAccess: { ownerRoles: ["dpo"] },
  disclosure: { authoriserRoles: ["dpo"] },
  compliance: { dpoRoles: ["dpo"] },
});
/** The CEO sees every request's approval card; each bench user is one CEO viewer session. */
const CEO_INDEX = USERS;

const FIXED_CARD = { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: "Hello from a bare Teams SDK app", wrap: true }] };

interface RoundRequest {
  endpoint: string;
  kind: "message" | "invoke";
  /** For invokes: the request each user's card is about. */
  requestIds?: string[];
}

// ---------------------------------------------------------------- worker: users and the mock Bot Connector

async function workerMain(): Promise<void> {
  const replies = new Map<string, (at: number) => void>();
  const connector = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const at = performance.now();
      const member = /\/v3\/conversations\/[^/]+\/members\/([^/?]+)/.exec(req.url ?? "");
      if (req.method === "GET" && member) {
        const index = Number(decodeURIComponent(member[1]!).replace("29:user-", ""));
        const email = index === CEO_INDEX ? "ceo@bench.example" : `leader${index}@bench.example`;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: decodeURIComponent(member[1]!), email, userPrincipalName: email }));
        return;
      }
      const conversation = /\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? "");
      if (req.method === "POST" && conversation) {
        replies.get(decodeURIComponent(conversation[1]!))?.(at);
        res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: `a-${Math.random().toString(36).slice(2)}` }));
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => connector.listen(0, "127.0.0.1", resolve));
  const serviceUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;
  parentPort!.postMessage({ serviceUrl });

  parentPort!.on("message", async (message: RoundRequest | "close") => {
    if (message === "close") {
      connector.close();
      parentPort!.close();
      return;
    }
    const latencies = await Promise.all(
      Array.from({ length: USERS }, async (_, i) => {
        const user = message.kind === "invoke" ? CEO_INDEX : i;
        const conversationId = `conv-${message.kind}-${i}`;
        const base = {
          id: `act-${Math.random().toString(36).slice(2)}`,
          channelId: "msteams",
          serviceUrl,
          from: { id: `29:user-${user}`, aadObjectId: `00000000-0000-4000-8000-${String(user).padStart(12, "0")}` },
          recipient: { id: "28:bench-bot", name: "Bench" },
          conversation: { id: conversationId, conversationType: "personal", tenantId: "bench" },
        };
        const activity =
          message.kind === "message"
            ? { ...base, type: "message", text: "request recording" }
            : { ...base, type: "invoke", name: "adaptiveCard/action", replyToId: "card-1", value: { action: { type: "Action.Execute", verb: VERBS.refresh, data: { requestId: message.requestIds![i % message.requestIds!.length], notice: "approval-needed" } }, trigger: "automatic" } };
        const replied = message.kind === "message" ? new Promise<number>((resolve) => replies.set(conversationId, resolve)) : undefined;
        const started = performance.now();
        const res = await fetch(message.endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
        const answered = performance.now();
        const text = await res.text();
        if (res.status !== 200) throw new Error(`the app answered ${res.status}: ${text.slice(0, 200)}`);
        if (message.kind === "invoke") {
          if (!text.includes("AdaptiveCard")) throw new Error(`the invoke answer carried no card: ${text.slice(0, 200)}`);
          return answered - started;
        }
        const at = await Promise.race([replied!, new Promise<number>((_, reject) => setTimeout(() => reject(new Error("no reply within 10 s")), 10_000))]);
        replies.delete(conversationId);
        return at - started;
      }),
    );
    parentPort!.postMessage(latencies);
  });
}

function loadGenerator(worker: Worker): { serviceUrl: Promise<string>; round(request: RoundRequest): Promise<number[]> } {
  let failed: unknown;
  worker.on("error", (error) => (failed = error));
  const serviceUrl = new Promise<string>((resolve) => worker.once("message", (m: { serviceUrl: string }) => resolve(m.serviceUrl)));
  return {
    serviceUrl,
    round: (request) =>
      new Promise((resolve, reject) => {
        if (failed) return reject(failed);
        const onError = (error: unknown) => reject(error);
        worker.once("error", onError);
        worker.once("message", (m: number[]) => {
          worker.off("error", onError);
          resolve(m);
        });
        worker.postMessage(request);
      }),
  };
}

// ---------------------------------------------------------------- main thread: the two apps

export async function run(): Promise<string[]> {
  return [...(await once("pglite")), ...(await once("postgresql"))];
}

async function once(kind: "pglite" | "postgresql"): Promise<string[]> {
  const logger = createLogger({ level: "silent" });
  const worker = selfWorker(import.meta.url, "teams-load-generator");
  const generator = loadGenerator(worker);
  await generator.serviceUrl;
  const database = kind === "pglite" ? await openDatabase({ kind: "pglite", dataDir: "memory" }) : await throwawayPostgres("callgate_bench_teams", 10);
  const ctx: CoreContext = { db: database.prisma, policy, clock: systemClock };
  const now = new Date();
  const day = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
  const requestIds: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const r = await submitRequest(ctx, { requesterEmail: people[i]!.email, purposeId: "complaint", date: day, time: "14:30", number: "01427 700700", reason: "Bench request to redraw" });
    requestIds.push(r.id);
  }

  const callgateHttp = createHttpServer({ logger });
  const adapter = await startTeamsAdapter({ ctx, config: { mode: "local" }, logger, http: callgateHttp, host: "127.0.0.1" });
  const callgate = await callgateHttp.listen(0, "127.0.0.1");

  const bareHttp = createHttpServer({ logger });
  const bare = new App({ dangerouslyAllowUnauthenticatedRequests: true, httpServerAdapter: new SharedServerAdapter(bareHttp, logger), messagingEndpoint: MESSAGING_PATH, logger: sdkLogger(logger, "bare") });
  bare.on("message", async (c) => void (await c.send({ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content: FIXED_CARD }] } as never)));
  bare.on("card.action", async () => ({ statusCode: 200 as const, type: "application/vnd.microsoft.card.adaptive" as const, value: FIXED_CARD as never }));
  await bare.initialize();
  const bareServer = await bareHttp.listen(0, "127.0.0.1");

  const ours = { message: [] as number[], invoke: [] as number[] };
  const theirs = { message: [] as number[], invoke: [] as number[] };
  try {
    for (let r = 0; r < WARM_UP_ROUNDS + ROUNDS; r++) {
      for (const k of ["message", "invoke"] as const) {
        const mine = await generator.round({ endpoint: `${callgate.url}${MESSAGING_PATH}`, kind: k, requestIds });
        const other = await generator.round({ endpoint: `${bareServer.url}${MESSAGING_PATH}`, kind: k, requestIds });
        if (r < WARM_UP_ROUNDS) continue;
        ours[k].push(...mine);
        theirs[k].push(...other);
      }
    }
  } finally {
    worker.postMessage("close");
    await adapter.close();
    await callgate.close();
    await bareServer.close();
    await database.close();
    await worker.terminate();
  }
  const p = (v: number[], q: number) => percentile(v, q);
  const line = (label: string, a: number[], b: number[]) => {
    const r50 = p(a, 50) / p(b, 50);
    const r99 = p(a, 99) / p(b, 99);
    return [
      `  ${label}`,
      `    bare Teams SDK app (fixed card): p50 ${ms(p(b, 50))}  p99 ${ms(p(b, 99))}`,
      `    Callgate:                        p50 ${ms(p(a, 50))}  p99 ${ms(p(a, 99))}   ratio p50 ${r50.toFixed(2)}  p99 ${r99.toFixed(2)} (target < 1.5: ${r99 < 1.5 ? "met" : "NOT met"})`,
    ];
  };
  return [
    `Teams latency, ${USERS} concurrent users x ${ROUNDS} rounds (${USERS * ROUNDS} samples each, after ${WARM_UP_ROUNDS} warm-up rounds), ${kind === "pglite" ? "PGlite" : "PostgreSQL"}; users and mock Bot Connector in a worker thread:`,
    ...line("message `request recording` → reply card at the connector", ours.message, theirs.message),
    ...line("Action.Execute (refresh) → invoke response with the card", ours.invoke, theirs.invoke),
  ];
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === "teams-load-generator") {
  await workerMain();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await run()) console.log(line);
}
