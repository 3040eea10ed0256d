/**
 * The Teams adapter: the Teams SDK v2 app mounted at POST /api/messages on
 * Callgate's one HTTP server, its handlers, and the TeamsChannel the outbox
 * delivers through. With credentials (CLIENT_ID, CLIENT_SECRET, TENANT_ID)
 * the SDK validates every inbound token. Unauthenticated local mode, for the
 * Agents Playground only, runs only when asked for (TEAMS_LOCAL_MODE), on a
 * loopback HOST, says so loudly, and admits only activities whose Bot
 * Connector resolves to loopback. With neither, the app mounts no Teams
 * endpoint at all. Also exports the Agents Playground starter for the trial.
 */
import type { CoreContext } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import type { TeamsConfig } from "../../infra/config.ts";
import type { HttpServer } from "../../infra/http/server.ts";
import type { Logger } from "../../infra/logger.ts";
import { isLoopbackUrl, resolvesToLoopbackOnly } from "../../infra/loopback.ts";
import { renderContextFor } from "./cards/render-context.ts";
import type { TeamsDeps } from "./deps.ts";
import { TeamsDirectory } from "./directory.ts";
import { registerHandlers } from "./dispatch.ts";
import { COMMAND_HANDLERS, VERB_HANDLERS } from "./handlers/index.ts";
import { MESSAGING_PATH } from "./ids.ts";
import { sdkLogger } from "./sdk-logger.ts";
import { SharedServerAdapter } from "./shared-server-adapter.ts";
import { CallgateTeamsApp } from "./teams-app.ts";
import { TeamsChannel } from "./teams-channel.ts";

export { TeamsChannel } from "./teams-channel.ts";
export { startAgentsPlayground, type AgentsPlayground, type PlaygroundUser, type StartAgentsPlaygroundOptions } from "./playground/start-playground.ts";
export { playgroundUsersFromPolicy } from "./playground/users.ts";
export { findTrialPerson, TRIAL_PATH, TrialPlaygrounds } from "./playground/trial-people.ts";
export { MESSAGING_PATH } from "./ids.ts";

export interface StartTeamsAdapterOptions {
  ctx: CoreContext;
  /** Authenticated: validate every token. Local: unauthenticated, for the Agents Playground on this machine only. */
  config: Exclude<TeamsConfig, { mode: "off" }>;
  logger: Logger;
  http: HttpServer;
  /**
   * The interface the HTTP server binds (config.host). Unauthenticated local
   * mode is refused unless it is loopback: anyone who could reach the
   * endpoint could otherwise speak as anyone.
   */
  host: string;
  /** How long close() waits for activities in flight. Default 5 s. */
  drainMs?: number;
  /** Callgate's public base URL (config.publicUrl), for links in DPO console replies. Default http://localhost. */
  publicUrl?: string;
}

export interface TeamsAdapter {
  /** Give this to the outbox (RunningCallgate.channels). */
  channel: TeamsChannel;
  /** Whether inbound tokens are validated (false only in unauthenticated local mode). */
  authenticated: boolean;
  /** Refuses new activities with 503 and waits for those in flight. */
  close(): Promise<void>;
}

export async function startTeamsAdapter(options: StartTeamsAdapterOptions): Promise<TeamsAdapter> {
  const { ctx, config, http } = options;
  const logger = options.logger.child({ component: "teams" });
  const authenticated = config.mode === "authenticated";
  // Resolved, not compared as text: "127.attacker.test" is a name, and "localhost" is whatever the resolver says.
  if (!authenticated && !(await resolvesToLoopbackOnly(options.host))) {
    throw new AppError(
      "CONFIG_INVALID",
      `TEAMS_LOCAL_MODE asks for unauthenticated local mode, but HOST is ${options.host}, which other machines can reach. Set CLIENT_ID, CLIENT_SECRET and TENANT_ID, or bind to 127.0.0.1 for a local trial.`,
    );
  }
  // In local mode the SDK checks no token, so only activities naming a Bot
  // Connector that resolves to loopback (the Agents Playground) are let
  // through: a forged service URL would otherwise choose whose e-mail the bot
  // believes, and where it sends that person's messages.
  const server = new SharedServerAdapter(http, logger, authenticated ? undefined : (activity) => isLoopbackUrl(activity.serviceUrl));
  const app = new CallgateTeamsApp({
    // Passed explicitly so the SDK reads nothing from the environment itself.
    ...(authenticated ? { clientId: config.clientId, clientSecret: config.clientSecret, tenantId: config.tenantId } : {}),
    // Never on with credentials: the config allows local mode only when none is set.
    dangerouslyAllowUnauthenticatedRequests: !authenticated,
    httpServerAdapter: server,
    messagingEndpoint: MESSAGING_PATH,
    logger: sdkLogger(logger),
  });
  if (!authenticated) {
    logger.warn(
      { path: MESSAGING_PATH },
      "TEAMS IS IN UNAUTHENTICATED LOCAL MODE (TEAMS_LOCAL_MODE): POST /api/messages accepts activities without checking who sent them. This is for the local Agents Playground only: never expose this server to a network.",
    );
  }
  const render = renderContextFor(ctx.policy);
  const deps: TeamsDeps = { ctx, directory: new TeamsDirectory(ctx), render, logger, publicUrl: (options.publicUrl ?? "http://localhost").replace(/\/+$/, "") };
  registerHandlers(app, deps, { commands: COMMAND_HANDLERS, verbs: VERB_HANDLERS });
  app.event("error", ({ error }) => logger.error({ err: error }, "the Teams SDK reported an error"));
  await app.initialize();
  const channel = new TeamsChannel({ connector: (serviceUrl) => app.connector(serviceUrl), render, logger });
  logger.info({ path: MESSAGING_PATH, authenticated }, "Teams adapter listening");
  return {
    channel,
    authenticated,
    close: () => server.drain(options.drainMs ?? 5_000),
  };
}
