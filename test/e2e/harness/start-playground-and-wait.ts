/**
 * A parent for the Agents Playground that can be killed without warning:
 * starts it exactly as `npm start` does (startAgentsPlayground), prints one
 * JSON line saying where it is, then waits to be SIGKILLed by the test.
 * Usage: tsx start-playground-and-wait.ts
 */
import { startAgentsPlayground } from "../../../src/adapters/teams/index.ts";
import { createLogger } from "../../../src/infra/logger.ts";

const person = (n: number) => ({
  id: `29:harness-${n}`,
  aadObjectId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  name: `Harness ${n}`,
  givenName: "Harness",
  surname: String(n),
  email: `harness${n}@example.test`,
  userPrincipalName: `harness${n}@example.test`,
});

const playground = await startAgentsPlayground({
  port: 0,
  botEndpoint: "http://127.0.0.1:9/api/messages",
  users: [person(1), person(2)],
  logger: createLogger({ level: "silent" }),
});
process.stdout.write(`${JSON.stringify({ pid: playground.pid, url: playground.url, netLog: playground.netLog })}\n`);
setInterval(() => {}, 60_000);
