/**
 * One end-to-end Slack world: the core on a fresh database (test policy,
 * manual clock), Callgate's real HTTP server on 127.0.0.1 with the real
 * Slack adapter (Bolt's receiver, signature checks) mounted, and the fake
 * Slack Web API it talks to. Every policy person has a Slack account whose
 * id is derived from their name; `outsider` is in Slack but not the policy.
 */
import { startSlackAdapter, type SlackAdapter, type StartSlackAdapterOptions } from "../../../src/adapters/slack/index.ts";
import { BOT_SCOPES, EVENTS_PATH } from "../../../src/adapters/slack/ids.ts";
import type { CoreContext } from "../../../src/core/context.ts";
import { deliverNotifications, type DeliveryResult } from "../../../src/core/notify/deliver-notifications.ts";
import type { Policy } from "../../../src/core/policy/schema.ts";
import type { ManualClock } from "../../../src/core/ports/clock.ts";
import { createHttpServer, type RunningServer } from "../../../src/infra/http/server.ts";
import { createLogger } from "../../../src/infra/logger.ts";
import { testCore } from "../core.ts";
import type { DatabaseKind } from "../databases.ts";
import { FakeSlack, type FakeMessage, type FakeUser } from "./fake-slack-server.ts";
import { appHomeOpenedEnvelope, messageActionPayload, slashCommandPayload, viewActionPayload, viewSubmissionPayload, type FormInput } from "./payloads.ts";
import { postSigned, type SignOptions, type SlackAppResponse, type SlackRequestKind } from "./signed-requests.ts";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const BOT_TOKEN = "xoxb-0000000000-test-token";
export const OUTSIDER = "U0OUTSIDER";
/** PUBLIC_URL in the testbed: links in messages start with it. */
export const PUBLIC_URL = "https://callgate.test";

export interface SlackTestbed {
  ctx: CoreContext;
  clock: ManualClock;
  fake: FakeSlack;
  adapter: SlackAdapter;
  /** The app's Slack endpoint. */
  endpoint: string;
  /** Log lines the app wrote (JSON), to check what never appears in them. */
  logLines: string[];
  /** Slack user id of a policy person (by e-mail). */
  user(email: string): string;
  post(kind: SlackRequestKind, payload: object, options?: Partial<SignOptions>): Promise<SlackAppResponse>;
  command(user: string, command: string, text?: string, options?: Partial<SignOptions>): Promise<SlackAppResponse>;
  /** A slash command typed in a given conversation (e.g. the bot's DM, "D…"). */
  commandIn(user: string, channelId: string, command: string, text?: string): Promise<SlackAppResponse>;
  /** Click a control in a message; waits until the listener has finished. */
  click(user: string, message: FakeMessage, actionId: string, options?: { optionIndex?: number; staleBlocks?: readonly Record<string, unknown>[]; sign?: Partial<SignOptions> }): Promise<SlackAppResponse>;
  /** Submit the modal most recently opened for `user`. */
  submit(user: string, input?: FormInput, options?: Partial<SignOptions>): Promise<SlackAppResponse>;
  chooseInModal(user: string, blockId: string, value: string, input?: FormInput): Promise<SlackAppResponse>;
  openHome(user: string, options?: Partial<SignOptions>): Promise<SlackAppResponse>;
  /** Runs the outbox until it has nothing due. */
  deliver(): Promise<DeliveryResult>;
  close(): Promise<void>;
}

export function slackUserId(email: string): string {
  return `U${email.split("@")[0]!.replace(/[^a-z]/gi, "").toUpperCase()}`;
}

export async function slackTestbed(kind: DatabaseKind, options: { policy?: Policy; adapter?: Partial<StartSlackAdapterOptions>; extraUsers?: FakeUser[] } = {}): Promise<SlackTestbed> {
  const core = await testCore(kind, { linkEveryone: false, ...(options.policy ? { policy: options.policy } : {}) });
  const users: FakeUser[] = [
    ...core.ctx.policy.people.map((p) => ({ id: slackUserId(p.email), name: p.name, email: p.email })),
    { id: OUTSIDER, name: "Olly Outsider", email: "olly@elsewhere.example" },
    ...(options.extraUsers ?? []),
  ];
  const fake = await FakeSlack.start({ token: BOT_TOKEN, users, scopes: BOT_SCOPES });
  const logLines: string[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => void logLines.push(line) } });
  const http = createHttpServer({ logger, shutdownGraceMs: 500 });
  let running: RunningServer | undefined;
  let adapter: SlackAdapter | undefined;
  try {
    adapter = await startSlackAdapter({
      ctx: core.ctx,
      config: { enabled: true, signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN, apiUrl: fake.apiUrl },
      logger,
      http,
      linkPeople: "await",
      publicUrl: PUBLIC_URL,
      timeouts: { interactiveMs: 1_000, deliveryMs: 1_000 },
      ...options.adapter,
    });
    running = await http.listen(0, "127.0.0.1");
  } catch (error) {
    await running?.close();
    await fake.close();
    await core.close();
    throw error;
  }
  const endpoint = `${running.url}${EVENTS_PATH}`;
  const a = adapter;
  const sign = (extra?: Partial<SignOptions>): SignOptions => ({ secret: SIGNING_SECRET, ...extra });
  const post = async (kind: SlackRequestKind, payload: object, extra?: Partial<SignOptions>) => {
    const response = await postSigned(endpoint, kind, payload, sign(extra));
    await a.settled();
    return response;
  };
  const lastView = (user: string) => {
    const view = fake.lastViewFor(user);
    if (!view) throw new Error(`no modal is open for ${user}`);
    return view;
  };

  return {
    ctx: core.ctx,
    clock: core.clock,
    fake,
    adapter: a,
    endpoint,
    logLines,
    user: slackUserId,
    post,
    command: (user, command, text = "", extra) => post("command", slashCommandPayload(fake, user, command, text), extra),
    commandIn: (user, channelId, command, text = "") => post("command", slashCommandPayload(fake, user, command, text, channelId)),
    click: (user, message, actionId, o = {}) => post("interaction", messageActionPayload(fake, user, message, actionId, o), o.sign),
    submit: (user, input = {}, extra) => post("interaction", viewSubmissionPayload(user, lastView(user), input), extra),
    chooseInModal: (user, blockId, value, input = {}) => post("interaction", viewActionPayload(fake, user, lastView(user), blockId, value, input)),
    openHome: (user, extra) => post("event", appHomeOpenedEnvelope(user), extra),
    async deliver() {
      const total: DeliveryResult = { sent: 0, retrying: 0, failed: 0 };
      for (let i = 0; i < 20; i++) {
        const r = await deliverNotifications(core.ctx, { channels: [a.channel], publicUrl: PUBLIC_URL });
        total.sent += r.sent;
        total.retrying += r.retrying;
        total.failed += r.failed;
        if (r.sent + r.retrying + r.failed === 0) break;
      }
      return total;
    },
    async close() {
      await a.close();
      await running.close();
      await fake.close();
      await core.close();
    },
  };
}
