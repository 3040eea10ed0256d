/**
 * How fast Callgate acknowledges `/request-recording` under load, against a
 * bare Bolt app that only acknowledges, on the same machine in the same run.
 * Both are Bolt's ExpressReceiver mounted on Callgate's HTTP server and get
 * the same 50 concurrent, correctly signed slash commands per round; rounds
 * alternate between the two apps. For Callgate it also measures when the
 * modal opened (views.open reached the fake Slack API), the latency a person
 * sees. Target: ack p99 under 100 ms and a p99 ratio under 1.5.
 * Run alone: npx tsx bench/slack-ack.ts
 */
import { performance } from "node:perf_hooks";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { App, ExpressReceiver } from "@slack/bolt";
import { startSlackAdapter } from "../src/adapters/slack/index.ts";
import { EVENTS_PATH, COMMANDS } from "../src/adapters/slack/ids.ts";
import { boltLogger } from "../src/adapters/slack/bolt-logger.ts";
import type { CoreContext } from "../src/core/context.ts";
import { policySchema } from "../src/core/policy/schema.ts";
import { systemClock } from "../src/core/ports/clock.ts";
import { openDatabase } from "../src/infra/db/open-database.ts";
import { selfWorker } from "./support/self-worker.ts";
import { throwawayPostgres } from "./support/throwaway-postgres.ts";
import { createHttpServer } from "../src/infra/http/server.ts";
import { createLogger } from "../src/infra/logger.ts";
import { FakeSlack } from "../test/support/fake-slack/fake-slack-server.ts";
import { slashCommandPayload } from "../test/support/fake-slack/payloads.ts";
import { postSigned } from "../test/support/fake-slack/signed-requests.ts";
import { ms, percentile } from "./support/bench-context.ts";

const CONCURRENCY = 50;
const ROUNDS = 20;
const WARM_UP_ROUNDS = 3;
const SECRET = "bench-signing-secret";
const TOKEN = "xoxb-bench";

const people = Array.from({ length: CONCURRENCY }, (_, i) => ({ email: `leader${i}@bench.example`, name: `Leader ${i}`, roles: ["slt"] }));
const policy = policySchema.parse({
  version: 1,
  organisation: { name: "Bench Trust" },
  sites: [{ id: "main", name: "Main" }],
  roles: [{ id: "slt", label: "SLT" }, { id: "ceo", label: "CEO" }, { id: "dpo", label: "DPO" }],
  people: [...people, { email: "ceo@bench.example", name: "CEO", roles: ["ceo"] }, { email: "dpo@bench.example", name: "DPO", roles: ["dpo"] }],
  requesting: { roles: ["slt"] },
  purposes: [{ id: "complaint", label: "Complaint", lawfulBasis: "6(1)(e)", reasonPrompt: "Why?", approvals: [{ anyOf: ["ceo"] }] }],
  fulfilment: { mode: "automatic", roles: ["dpo"] },
  retention: { default: "12 months" },
  subjectAccess: { ownerRoles: ["dpo"] },
  disclosure: { authoriserRoles: ["dpo"] },
  compliance: { dpoRoles: ["dpo"] },
});
const userId = (i: number) => `ULEADER${i}`;

/**
 * The load generator and the fake Slack API run in a worker thread, as Slack
 * and its clients would be elsewhere: the main thread's event loop serves
 * only the two apps, so the figures are the apps' own.
 */
interface RoundRequest {
  endpoint: string;
  measureOpened: boolean;
}
interface RoundResult {
  ack: number[];
  opened: number[];
}

async function workerMain(): Promise<void> {
  const fake = await FakeSlack.start({ token: TOKEN, users: people.map((p, i) => ({ id: userId(i), name: p.name, email: p.email })) });
  parentPort!.postMessage({ apiUrl: fake.apiUrl });
  parentPort!.on("message", async (message: RoundRequest | "close") => {
    if (message === "close") {
      await fake.close();
      parentPort!.close();
      return;
    }
    parentPort!.postMessage(await round(fake, message));
  });
}

async function round(fake: FakeSlack, request: RoundRequest): Promise<RoundResult> {
  const result: RoundResult = { ack: [], opened: [] };
  const sent = await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, i) => {
      const payload = slashCommandPayload(fake, userId(i), COMMANDS.requestRecording, "19/11/2026 14:30 01427 700700 inbound");
      const started = performance.now();
      const response = await postSigned(request.endpoint, "command", payload, { secret: SECRET });
      if (response.status !== 200) throw new Error(`answered ${response.status}`);
      result.ack.push(performance.now() - started);
      return { trigger: String(payload.trigger_id), started };
    }),
  );
  if (!request.measureOpened) return result;
  // The modal opens after the ack; wait until every one has reached Slack.
  const deadline = performance.now() + 5_000;
  for (const { trigger, started } of sent) {
    let call;
    while (!(call = fake.callsOf("views.open").find((c) => c.args.trigger_id === trigger)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    if (!call) throw new Error("a modal never opened");
    result.opened.push(call.hrAt - started);
  }
  return result;
}

/** The main thread's handle on the worker: one round at a time. */
function loadGenerator(worker: Worker): { apiUrl: Promise<string>; round(request: RoundRequest): Promise<RoundResult> } {
  let failed: unknown;
  worker.on("error", (error) => (failed = error));
  const apiUrl = new Promise<string>((resolve) => worker.once("message", (m: { apiUrl: string }) => resolve(m.apiUrl)));
  return {
    apiUrl,
    round: (request) =>
      new Promise((resolve, reject) => {
        if (failed) return reject(failed);
        worker.once("message", resolve);
        worker.postMessage(request);
      }),
  };
}

export async function run(): Promise<string[]> {
  // PostgreSQL is production's database (out of process); PGlite, the embedded
  // default, runs inside the event loop that also sends the acks.
  return [...(await once("postgresql")), ...(await once("pglite"))];
}

async function once(kind: "postgresql" | "pglite"): Promise<string[]> {
  const logger = createLogger({ level: "silent" });
  const worker = selfWorker(import.meta.url, "load-generator");
  const generator = loadGenerator(worker);
  const apiUrl = await generator.apiUrl;
  const database = kind === "pglite" ? await openDatabase({ kind: "pglite", dataDir: "memory" }) : await throwawayPostgres("callgate_bench_slack", 10);
  const ctx: CoreContext = { db: database.prisma, policy, clock: systemClock };

  const callgateHttp = createHttpServer({ logger });
  const adapter = await startSlackAdapter({ ctx, config: { enabled: true, signingSecret: SECRET, botToken: TOKEN, apiUrl }, logger, http: callgateHttp, linkPeople: "await" });
  const callgate = await callgateHttp.listen(0, "127.0.0.1");

  const bareHttp = createHttpServer({ logger });
  const bareReceiver = new ExpressReceiver({ signingSecret: SECRET, endpoints: "/", logger: boltLogger(logger) });
  const bareApp = new App({ receiver: bareReceiver, logger: boltLogger(logger), authorize: async () => ({ botToken: TOKEN, botId: "B0BOT", botUserId: "U0BOT" }) });
  bareApp.command(COMMANDS.requestRecording, async ({ ack }) => {
    await ack();
  });
  bareHttp.mount(EVENTS_PATH, bareReceiver.router);
  const bare = await bareHttp.listen(0, "127.0.0.1");

  const ours = { ack: [] as number[], opened: [] as number[] };
  const theirs: number[] = [];
  try {
    for (let r = 0; r < WARM_UP_ROUNDS + ROUNDS; r++) {
      const mine = await generator.round({ endpoint: `${callgate.url}${EVENTS_PATH}`, measureOpened: true });
      await adapter.settled();
      const other = await generator.round({ endpoint: `${bare.url}${EVENTS_PATH}`, measureOpened: false });
      if (r < WARM_UP_ROUNDS) continue;
      ours.ack.push(...mine.ack);
      ours.opened.push(...mine.opened);
      theirs.push(...other.ack);
    }
  } finally {
    worker.postMessage("close");
    await adapter.close();
    await callgate.close();
    await bare.close();
    await database.close();
    await worker.terminate();
  }
  const p = (v: number[], q: number) => percentile(v, q);
  const ratio50 = p(ours.ack, 50) / p(theirs, 50);
  const ratio99 = p(ours.ack, 99) / p(theirs, 99);
  const samples = ROUNDS * CONCURRENCY;
  return [
    `Slack ack of /request-recording, ${CONCURRENCY} concurrent signed requests x ${ROUNDS} rounds (${samples} each, after ${WARM_UP_ROUNDS} warm-up rounds), ${kind === "pglite" ? "PGlite" : "PostgreSQL"}; clients and fake Slack API in a worker thread:`,
    `  bare Bolt (ack only):  p50 ${ms(p(theirs, 50))}  p99 ${ms(p(theirs, 99))}`,
    `  Callgate ack:          p50 ${ms(p(ours.ack, 50))}  p99 ${ms(p(ours.ack, 99))}   ratio p50 ${ratio50.toFixed(2)}  p99 ${ratio99.toFixed(2)} (target p99 < 100 ms, ratio < 1.5: ${p(ours.ack, 99) < 100 && ratio99 < 1.5 ? "met" : "NOT met"})`,
    `  Callgate modal opened: p50 ${ms(p(ours.opened, 50))}  p99 ${ms(p(ours.opened, 99))}   (ack, then identity and views.open; Slack allows 3 s)`,
  ];
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === "load-generator") {
  await workerMain();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await run()) console.log(line);
}
