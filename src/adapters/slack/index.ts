/**
 * The Slack adapter: Bolt's ExpressReceiver mounted at POST /slack/events on
 * Callgate's one HTTP server (commands, interactions and events share it),
 * the listeners, and the SlackChannel the outbox delivers through.
 *
 * Bolt checks every request's signature and timestamp (401, reaching no
 * listener, when either is wrong); a timestamp more than five minutes in the
 * future, which Bolt lets by, is refused the same way just before it, and a
 * signed body of a shape no listener handles gets 400 (request-checks.ts).
 * Listeners acknowledge first and work after (`processBeforeResponse:
 * false`), except form submissions, whose answer is the validation result
 * and so waits for the core.
 */
import express, { type RequestHandler } from "express";
import { App, ExpressReceiver } from "@slack/bolt";
import type { CoreContext } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import type { SlackConfig } from "../../infra/config.ts";
import type { HttpServer } from "../../infra/http/server.ts";
import type { Logger } from "../../infra/logger.ts";
import { boltLogger } from "./bolt-logger.ts";
import type { SlackDeps } from "./deps.ts";
import { SlackDirectory } from "./directory.ts";
import { EVENTS_PATH } from "./ids.ts";
import { LISTENERS } from "./listeners/index.ts";
import { dropRetries, errorBoundary, InFlight } from "./middleware.ts";
import { renderContextFor } from "./render/render-context.ts";
import { checkSlackRequests } from "./request-checks.ts";
import { SlackChannel } from "./slack-channel.ts";
import { createWebClient, slackErrorCode, type WebClient } from "./web-client.ts";

export { SlackChannel } from "./slack-channel.ts";

export interface StartSlackAdapterOptions {
  ctx: CoreContext;
  config: Extract<SlackConfig, { enabled: true }>;
  logger: Logger;
  http: HttpServer;
  /** PUBLIC_URL: the base of links in DPO console replies. */
  publicUrl?: string;
  /**
   * Hold each HTTP response until the listener has finished. Off by default:
   * on a long-running server Slack wants its answer within 3 s, whatever
   * happens next. (Form submissions wait for the core either way.)
   */
  processBeforeResponse?: boolean;
  /** Per-call limits for the Web API: while a person waits, and for outbox deliveries. */
  timeouts?: { interactiveMs?: number; deliveryMs?: number };
  /**
   * Link every policy person to their Slack account at start, so first DMs
   * reach authorisers who never opened Callgate: in the background (default),
   * awaited (tests), or not at all.
   */
  linkPeople?: "background" | "await" | "off";
  /** How long close() waits for listeners still running. Default 5 s. */
  drainMs?: number;
}

export interface SlackAdapter {
  /** Give this to the outbox (RunningCallgate.channels). */
  channel: SlackChannel;
  /** Resolves when no listener is running (after its ack, work may continue). */
  settled(): Promise<void>;
  /** Links policy people to Slack accounts by e-mail; also run at start unless turned off. */
  linkPolicyPeople(): Promise<{ linked: number; notInSlack: number }>;
  /** Refuses new Slack requests with 503 and waits for running listeners. */
  close(): Promise<void>;
}

/** Slack errors meaning the token itself is wrong, not that Slack is unreachable. */
const BAD_TOKEN = new Set(["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"]);

/** The largest request body accepted; Slack's biggest payloads (view submissions) are far smaller. */
const BODY_LIMIT = "1mb";

export async function startSlackAdapter(options: StartSlackAdapterOptions): Promise<SlackAdapter> {
  const { ctx, config, http } = options;
  const logger = options.logger.child({ component: "slack" });
  const interactive = createWebClient({ token: config.botToken, apiUrl: config.apiUrl, logger, timeoutMs: options.timeouts?.interactiveMs ?? 2_500 });
  const delivery = createWebClient({ token: config.botToken, apiUrl: config.apiUrl, logger, timeoutMs: options.timeouts?.deliveryMs ?? 10_000 });

  const botIdentity = await checkToken(interactive, logger);
  const render = renderContextFor(ctx.policy);
  const directory = new SlackDirectory(ctx, interactive, logger);
  const channel = new SlackChannel({ client: delivery, render, logger });

  const receiver = new ExpressReceiver({
    signingSecret: config.signingSecret,
    endpoints: "/",
    processBeforeResponse: options.processBeforeResponse ?? false,
    logger: boltLogger(logger),
  });
  let identity = botIdentity;
  const app = new App({
    receiver,
    logger: boltLogger(logger),
    // Single workspace: the bot token is fixed; its ids are learnt once (auth.test),
    // retried on the next request if Slack was unreachable at start.
    authorize: async () => {
      identity ??= await fetchBotIdentity(interactive);
      return { botToken: config.botToken, ...identity };
    },
  });
  const inFlight = new InFlight();
  app.use(inFlight.middleware());
  app.use(errorBoundary(logger));
  app.use(dropRetries(logger));
  const deps: SlackDeps = { ctx, client: interactive, directory, render, logger, publicUrl: options.publicUrl ?? "" };
  for (const listener of LISTENERS) listener.register(app, deps);
  app.error(async (error) => {
    logger.error({ err: error }, "Slack request failed outside any listener");
  });

  let closed = false;
  const gate: RequestHandler = (_req, res, next) => {
    if (closed) res.status(503).end();
    else next();
  };
  // Bolt reads req.rawBody when present: buffering it here bounds its size.
  const rawBody: RequestHandler = express.raw({ type: () => true, limit: BODY_LIMIT });
  const keepRaw: RequestHandler = (req, _res, next) => {
    (req as typeof req & { rawBody?: Buffer }).rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    next();
  };
  // Before Bolt: timestamps too far in the future (which Bolt lets by), and
  // signed bodies Bolt would choke on, are refused here; Bolt checks the signature again.
  const checks = checkSlackRequests({ signingSecret: config.signingSecret, listeners: LISTENERS, logger });
  http.mount(EVENTS_PATH, gate, rawBody, checks, keepRaw, receiver.router);

  const linking = options.linkPeople ?? "background";
  if (linking === "await") await directory.linkPolicyPeople();
  if (linking === "background") {
    // Not awaited: start-up must not wait on Slack. Failing here only delays
    // first DMs until each person opens Callgate, so it is logged, not fatal.
    void directory.linkPolicyPeople().catch((error: unknown) => logger.warn({ err: error }, "could not link policy people to Slack accounts at start"));
  }
  logger.info({ path: EVENTS_PATH, botUserId: identity?.botUserId }, "Slack adapter listening");

  return {
    channel,
    settled: () => inFlight.settled(),
    linkPolicyPeople: () => directory.linkPolicyPeople(),
    async close() {
      closed = true;
      const drainMs = options.drainMs ?? 5_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([inFlight.settled(), new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)))]);
      clearTimeout(timer);
    },
  };
}

interface BotIdentity {
  botUserId: string;
  botId: string;
}

async function fetchBotIdentity(client: WebClient): Promise<BotIdentity> {
  const result = await client.auth.test();
  if (!result.user_id || !result.bot_id) throw new AppError("CONFIG_INVALID", "SLACK_BOT_TOKEN is not a bot token: Slack reports no bot user for it.");
  return { botUserId: result.user_id, botId: result.bot_id };
}

/**
 * A wrong token stops start-up with CONFIG_INVALID; Slack being unreachable
 * does not (the identity is fetched on the first request instead).
 */
async function checkToken(client: WebClient, logger: Logger): Promise<BotIdentity | undefined> {
  try {
    return await fetchBotIdentity(client);
  } catch (error) {
    const code = slackErrorCode(error);
    if (code && BAD_TOKEN.has(code)) throw new AppError("CONFIG_INVALID", `Slack refused SLACK_BOT_TOKEN (${code}). Copy the Bot User OAuth Token from the Slack app's OAuth & Permissions page.`, undefined, { cause: error });
    logger.warn({ err: error }, "could not reach Slack to check the bot token; will try again on the first request");
    return undefined;
  }
}
