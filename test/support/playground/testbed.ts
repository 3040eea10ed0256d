/**
 * One end-to-end Teams world: the core on a fresh database (test policy,
 * manual clock), Callgate's real HTTP server on 127.0.0.1 with the real Teams
 * adapter (Teams SDK v2, unauthenticated local mode) mounted at
 * /api/messages, and the real Microsoft 365 Agents Playground pointed at it,
 * its users the policy's people by e-mail.
 */
import { playgroundUsersFromPolicy, startAgentsPlayground, startTeamsAdapter, type AgentsPlayground, type TeamsAdapter } from "../../../src/adapters/teams/index.ts";
import { MESSAGING_PATH } from "../../../src/adapters/teams/ids.ts";
import type { CoreContext } from "../../../src/core/context.ts";
import { deliverNotifications, type DeliveryResult } from "../../../src/core/notify/deliver-notifications.ts";
import type { Policy } from "../../../src/core/policy/schema.ts";
import type { ManualClock } from "../../../src/core/ports/clock.ts";
import { createHttpServer, type RunningServer } from "../../../src/infra/http/server.ts";
import { createLogger } from "../../../src/infra/logger.ts";
import { testCore } from "../core.ts";
import type { DatabaseKind } from "../databases.ts";
import { PlaygroundClient } from "./playground-client.ts";

export interface TeamsTestbed {
  ctx: CoreContext;
  clock: ManualClock;
  adapter: TeamsAdapter;
  playground: AgentsPlayground;
  client: PlaygroundClient;
  /** Callgate's base URL. */
  url: string;
  logLines: string[];
  /** Runs the outbox until nothing is due, then waits for the Playground's log to catch up. */
  deliver(): Promise<DeliveryResult>;
  close(): Promise<void>;
}

export async function teamsTestbed(kind: DatabaseKind, options: { policy?: Policy; currentUserEmail?: string; /** People left out of the Playground, whose places go to visitors not in the policy. */ leaveOut?: string[] } = {}): Promise<TeamsTestbed> {
  const core = await testCore(kind, { linkEveryone: false, ...(options.policy ? { policy: options.policy } : {}) });
  const logLines: string[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => void logLines.push(line) } });
  const http = createHttpServer({ logger, shutdownGraceMs: 500 });
  let running: RunningServer | undefined;
  let adapter: TeamsAdapter | undefined;
  let playground: AgentsPlayground | undefined;
  let client: PlaygroundClient | undefined;
  try {
    adapter = await startTeamsAdapter({ ctx: core.ctx, config: { mode: "local" }, logger, http, host: "127.0.0.1", drainMs: 500, publicUrl: "https://callgate.test" });
    running = await http.listen(0, "127.0.0.1");
    playground = await startAgentsPlayground({
      port: 0,
      botEndpoint: `${running.url}${MESSAGING_PATH}`,
      users: playgroundUsersFromPolicy(core.ctx.policy, options.currentUserEmail ? { currentUserEmail: options.currentUserEmail } : {}).filter((user) => !options.leaveOut?.includes(user.email)),
      logger,
    });
    client = await PlaygroundClient.connect(playground);
  } catch (error) {
    await client?.close();
    await playground?.close();
    await running?.close();
    await core.close();
    throw error;
  }
  const a = adapter;
  const r = running;
  const p = playground;
  const c = client;
  return {
    ctx: core.ctx,
    clock: core.clock,
    adapter: a,
    playground: p,
    client: c,
    url: r.url,
    logLines,
    async deliver() {
      const total: DeliveryResult = { sent: 0, retrying: 0, failed: 0 };
      for (let i = 0; i < 20; i++) {
        const result = await deliverNotifications(core.ctx, { channels: [a.channel], publicUrl: "https://callgate.test", maxAttempts: 1 });
        total.sent += result.sent;
        total.retrying += result.retrying;
        total.failed += result.failed;
        if (result.sent + result.retrying + result.failed === 0) break;
      }
      // The Playground logs each write just after answering it.
      await new Promise((resolve) => setTimeout(resolve, 150));
      return total;
    },
    async close() {
      await c.close();
      await a.close();
      await p.close();
      await r.close();
      await core.close();
    },
  };
}
