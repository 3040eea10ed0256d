/**
 * A fake Slack Web API on 127.0.0.1 for end-to-end tests. It records every
 * call and enforces the rules of Slack's that a test can check: a bot token
 * on every call; views.open only with a fresh (3 s), unused trigger_id and a
 * valid modal; Block Kit limits on messages and views; chat.update only of a
 * message that exists; and (Callgate's own rule) posts only into DM channels
 * the bot opened with conversations.open. Rule breaks answer `ok: false` as
 * Slack would, and are kept in `violations` so a test can insist on none.
 *
 * It also serves response_url endpoints, and can be told to fail a method
 * (429 with Retry-After, 5xx, hang) to test the app's handling of failures.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { messageProblems, viewProblems } from "./block-kit-rules.ts";

type Json = Record<string, unknown>;

export interface FakeUser {
  id: string;
  name: string;
  /** Absent for users whose e-mail Slack does not share (bots, guests). */
  email?: string;
}

export interface RecordedCall {
  method: string;
  args: Json;
  /** ms since the fake started. */
  at: number;
  /** performance.now() when the call arrived, for latency measurements in the same process. */
  hrAt: number;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  /** The user whose DM this is. */
  user: string;
  text: string;
  blocks: Json[];
  /** How many times chat.update replaced it. */
  updates: number;
}

export interface FakeView {
  id: string;
  hash: string;
  user?: string;
  view: Json;
}

/** What a private reply through a response_url carried. */
export interface FakeResponse {
  user: string;
  body: Json;
}

export type Fault = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 } | { hang: true } | { error: string };

export interface Violation {
  method: string;
  error: string;
  problems: string[];
}

const TRIGGER_LIFETIME_MS = 3_000;

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly messages: FakeMessage[] = [];
  readonly responses: FakeResponse[] = [];
  readonly views = new Map<string, FakeView>();
  readonly homes = new Map<string, Json>();
  readonly violations: Violation[] = [];
  /** DM channel per user, as conversations.open created them. */
  readonly dms = new Map<string, string>();
  private readonly users = new Map<string, FakeUser>();
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean; user: string }>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly hanging = new Set<ServerResponse>();
  private readonly started = Date.now();
  private counter = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly token: string,
    users: readonly FakeUser[],
  ) {
    for (const u of users) this.users.set(u.id, u);
  }

  static async start(options: { token: string; users: readonly FakeUser[] }): Promise<FakeSlack> {
    let fake: FakeSlack | undefined;
    const server = createServer((req, res) => void fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeSlack(server, `http://127.0.0.1:${port}`, options.token, options.users);
    return fake;
  }

  /** For the WebClient's slackApiUrl. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A trigger_id as Slack puts in a command or interaction payload: usable once, for 3 s. */
  issueTrigger(user: string): string {
    const id = `${++this.counter}.${Date.now()}.trigger`;
    this.triggers.set(id, { issuedAt: Date.now(), used: false, user });
    return id;
  }

  /** A response_url for one user's command or click. */
  responseUrl(user: string): string {
    return `${this.url}/respond/${encodeURIComponent(user)}/${++this.counter}`;
  }

  /** The next `times` calls of `method` fail this way. */
  fail(method: string, fault: Fault, times = 1): void {
    this.faults.set(method, [...(this.faults.get(method) ?? []), ...Array.from({ length: times }, () => fault)]);
  }

  /** Messages in one user's DM with the bot, oldest first, as they look now. */
  messagesTo(user: string): FakeMessage[] {
    return this.messages.filter((m) => m.user === user);
  }

  /** Private replies (response_url) one user received. */
  responsesTo(user: string): Json[] {
    return this.responses.filter((r) => r.user === user).map((r) => r.body);
  }

  /** The modal most recently opened for a user. */
  lastViewFor(user: string): FakeView | undefined {
    return [...this.views.values()].filter((v) => v.user === user).at(-1);
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // -------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? "/").split("?")[0]!;
    const respond = /^\/respond\/([^/]+)\/\d+$/.exec(path);
    if (respond && req.method === "POST") {
      const body = JSON.parse(raw || "{}") as Json;
      const problems = messageProblems(body);
      if (problems.length) return this.reject(res, "response_url", "invalid_blocks", problems);
      this.responses.push({ user: decodeURIComponent(respond[1]!), body });
      return send(res, 200, "ok");
    }
    const api = /^\/api\/([\w.]+)$/.exec(path);
    if (!api || req.method !== "POST") return send(res, 404, "not found");
    const method = api[1]!;
    const args = parseArgs(raw, req.headers["content-type"] ?? "");
    this.calls.push({ method, args, at: Date.now() - this.started, hrAt: performance.now() });

    const fault = this.faults.get(method)?.shift();
    if (fault) {
      if ("hang" in fault) {
        this.hanging.add(res);
        return;
      }
      if ("error" in fault) return json(res, 200, { ok: false, error: fault.error });
      if (fault.status === 429) {
        res.setHeader("Retry-After", String(fault.retryAfter));
        return json(res, 429, { ok: false, error: "ratelimited" });
      }
      return send(res, fault.status, "upstream failure");
    }

    const auth = req.headers.authorization ?? (typeof args.token === "string" ? `Bearer ${args.token}` : undefined);
    if (!auth) return json(res, 200, { ok: false, error: "not_authed" });
    if (auth !== `Bearer ${this.token}`) return json(res, 200, { ok: false, error: "invalid_auth" });

    const handler = this.methods[method];
    if (!handler) return json(res, 200, { ok: false, error: "unknown_method" });
    const result = handler(args);
    if (result.ok === false && Array.isArray(result.problems)) {
      this.violations.push({ method, error: String(result.error), problems: result.problems as string[] });
    }
    return json(res, 200, result);
  }

  private reject(res: ServerResponse, method: string, error: string, problems: string[]): void {
    this.violations.push({ method, error, problems });
    json(res, 200, { ok: false, error, problems });
  }

  private readonly methods: Record<string, (args: Json) => Json> = {
    "auth.test": () => ({ ok: true, url: "https://callgate-test.slack.com/", team: "Callgate Test", user: "callgate", team_id: "T0TEST", user_id: "U0BOT", bot_id: "B0BOT" }),

    "users.info": (args) => {
      const user = this.users.get(String(args.user));
      if (!user) return { ok: false, error: "user_not_found" };
      return { ok: true, user: { id: user.id, name: user.name, real_name: user.name, profile: { real_name: user.name, ...(user.email ? { email: user.email } : {}) } } };
    },

    "users.lookupByEmail": (args) => {
      const user = [...this.users.values()].find((u) => u.email && u.email.toLowerCase() === String(args.email).toLowerCase());
      return user ? { ok: true, user: { id: user.id, name: user.name, profile: { email: user.email } } } : { ok: false, error: "users_not_found" };
    },

    "conversations.open": (args) => {
      const users = String(args.users ?? "").split(",").filter(Boolean);
      if (users.length !== 1) return { ok: false, error: "callgate_rule_dm_only", problems: ["Callgate only opens one-to-one DMs"] };
      const user = users[0]!;
      if (!this.users.has(user)) return { ok: false, error: "user_not_found" };
      let channel = this.dms.get(user);
      if (!channel) {
        channel = `D${user.replace(/^U/, "")}`;
        this.dms.set(user, channel);
      }
      return { ok: true, channel: { id: channel } };
    },

    "chat.postMessage": (args) => {
      const channel = String(args.channel ?? "");
      const owner = [...this.dms.entries()].find(([, c]) => c === channel)?.[0];
      if (!owner) return { ok: false, error: "callgate_rule_dm_only", problems: [`posted to ${channel}, which is not a DM the bot opened`] };
      const problems = messageProblems(args);
      if (problems.length) return { ok: false, error: "invalid_blocks", problems };
      const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.counter).padStart(6, "0")}`;
      this.messages.push({ channel, ts, user: owner, text: String(args.text), blocks: (args.blocks as Json[] | undefined) ?? [], updates: 0 });
      return { ok: true, channel, ts, message: { text: args.text, ts } };
    },

    "chat.update": (args) => {
      const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
      if (!message) return { ok: false, error: "message_not_found" };
      const problems = messageProblems(args);
      if (problems.length) return { ok: false, error: "invalid_blocks", problems };
      message.text = String(args.text);
      message.blocks = (args.blocks as Json[] | undefined) ?? [];
      message.updates++;
      return { ok: true, channel: message.channel, ts: message.ts };
    },

    "chat.postEphemeral": (args) => {
      const problems = messageProblems(args);
      if (problems.length) return { ok: false, error: "invalid_blocks", problems };
      this.responses.push({ user: String(args.user), body: args });
      return { ok: true, message_ts: `${Date.now() / 1000}` };
    },

    "views.open": (args) => {
      const trigger = this.triggers.get(String(args.trigger_id));
      if (!trigger) return { ok: false, error: "invalid_trigger_id", problems: ["unknown trigger_id"] };
      if (trigger.used) return { ok: false, error: "exchanged_trigger_id", problems: ["trigger_id already used"] };
      if (Date.now() - trigger.issuedAt > TRIGGER_LIFETIME_MS) return { ok: false, error: "expired_trigger_id", problems: ["trigger_id older than 3 s"] };
      trigger.used = true;
      const problems = viewProblems(args.view, "modal");
      if (problems.length) return { ok: false, error: "invalid_arguments", problems };
      const stored: FakeView = { id: `V${++this.counter}`, hash: `h${this.counter}`, user: trigger.user, view: args.view as Json };
      this.views.set(stored.id, stored);
      return { ok: true, view: { id: stored.id, hash: stored.hash, ...stored.view } };
    },

    "views.update": (args) => {
      const existing = this.views.get(String(args.view_id));
      if (!existing) return { ok: false, error: "not_found" };
      if (args.hash !== undefined && args.hash !== existing.hash) return { ok: false, error: "hash_conflict" };
      const problems = viewProblems(args.view, "modal");
      if (problems.length) return { ok: false, error: "invalid_arguments", problems };
      existing.view = args.view as Json;
      existing.hash = `h${++this.counter}`;
      return { ok: true, view: { id: existing.id, hash: existing.hash, ...existing.view } };
    },

    "views.publish": (args) => {
      const user = String(args.user_id);
      if (!this.users.has(user)) return { ok: false, error: "user_not_found" };
      const problems = viewProblems(args.view, "home");
      if (problems.length) return { ok: false, error: "invalid_arguments", problems };
      this.homes.set(user, args.view as Json);
      return { ok: true, view: { id: `V${++this.counter}`, ...(args.view as Json) } };
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The WebClient sends form bodies with nested arguments (blocks, view) as JSON strings. */
function parseArgs(raw: string, contentType: string): Json {
  if (contentType.includes("application/json")) return JSON.parse(raw || "{}") as Json;
  const args: Json = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = NESTED.has(key) && (value.startsWith("[") || value.startsWith("{")) ? safeJson(value) : value;
  }
  return args;
}

const NESTED = new Set(["blocks", "view", "attachments"]);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain" });
  res.end(text);
}
