/**
 * The Teams adapter: the Teams SDK v2 app mounted at POST /api/messages on
 * Callgate's one HTTP server, its handlers, and the TeamsChannel the outbox
 * delivers through. With credentials (CLIENT_ID, CLIENT_SECRET, TENANT_ID)
 * the SDK validates every inbound token; without them it runs in
 * unauthenticated local mode, for the Agents Playground only, and says so
 * loudly. Also exports the Agents Playground starter for the local trial.
 */
import type { CoreContext } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import type { TeamsConfig } from "../../infra/config.ts";
import type { HttpServer } from "../../infra/http/server.ts";
import type { Logger } from "../../infra/logger.ts";
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
export { MESSAGING_PATH } from "./ids.ts";

export interface StartTeamsAdapterOptions {
  ctx: CoreContext;
  /** Enabled: validate every token. Disabled: unauthenticated local mode (Agents Playground only). */
  config: TeamsConfig;
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
  const authenticated = config.enabled;
  if (!authenticated && !isLoopbackHost(options.host)) {
    throw new AppError(
      "CONFIG_INVALID",
      `Teams has no credentials, so it would run in unauthenticated local mode, but HOST is ${options.host}, which other machines can reach. Set CLIENT_ID, CLIENT_SECRET and TENANT_ID, or bind to 127.0.0.1 for a local trial.`,
    );
  }
  // In local mode the SDK checks no token, so only activities naming a loopback
  // Bot Connector (the Agents Playground) are let through: a forged service URL
  // would otherwise choose whose e-mail the bot believes, and where it calls.
  const server = new SharedServerAdapter(http, logger, authenticated ? undefined : (body) => hasLoopbackServiceUrl(body));
  const app = new CallgateTeamsApp({
    // Passed explicitly so the SDK reads nothing from the environment itself.
    ...(config.enabled ? { clientId: config.clientId, clientSecret: config.clientSecret, tenantId: config.tenantId } : {}),
    // Never on with credentials: the config allows unauthenticated mode only when none is set.
    dangerouslyAllowUnauthenticatedRequests: !config.enabled,
    httpServerAdapter: server,
    messagingEndpoint: MESSAGING_PATH,
    logger: sdkLogger(logger),
  });
  if (!authenticated) {
    logger.warn(
      { path: MESSAGING_PATH },
      "TEAMS IS IN UNAUTHENTICATED LOCAL MODE: no CLIENT_ID, CLIENT_SECRET and TENANT_ID are set, so POST /api/messages accepts activities without checking who sent them. This is for the local Agents Playground only: never expose this server to a network.",
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

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith("127.");
}

function hasLoopbackServiceUrl(body: unknown): boolean {
  const serviceUrl = (body as { serviceUrl?: unknown } | null)?.serviceUrl;
  if (typeof serviceUrl !== "string") return false;
  try {
    const url = new URL(serviceUrl);
    return (url.protocol === "http:" || url.protocol === "https:") && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}
