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
 *
 * File uploads follow Slack's external upload flow (what the WebClient's
 * files.uploadV2 does): files.getUploadURLExternal (filename and a non-zero
 * length required) hands out a single-use upload URL and a file id; the bytes
 * POSTed there (raw or multipart) must be exactly `length` long; and
 * files.completeUploadExternal, once per file, shares only files whose bytes
 * arrived, into a conversation that exists and the bot is in. Shared files
 * are kept per conversation (`filesTo`, `historyOf`).
 *
 * conversations.history serves the bot's DMs (newest first, message
 * metadata with include_all_metadata), so a retry can find a copy it sent.
 *
 * Given `scopes`, a method needing a scope the app was not granted answers
 * `missing_scope`, as Slack does, so the manifest's scopes are tested too.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
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
  /** Message metadata as posted (event_type, event_payload), if any. */
  metadata?: Json;
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

/** A file shared into a conversation by files.completeUploadExternal. */
export interface FakeFile {
  id: string;
  channel: string;
  /** The user whose DM this is. */
  user: string;
  /** When it was shared, in the conversation's ts order. */
  ts: string;
  filename: string;
  title: string;
  altText?: string;
  bytes: Buffer;
}

/** One entry of a conversation as a person scrolls it, oldest first. */
export type HistoryEntry = { type: "message"; message: FakeMessage } | { type: "file"; file: FakeFile };

interface PendingUpload {
  id: string;
  filename: string;
  length: number;
  altText?: string;
  uploadPath: string;
  /** The bytes, once POSTed to the upload URL. */
  bytes?: Buffer;
  completed: boolean;
}

/** The scope each served method needs, as Slack's method reference lists it. */
const METHOD_SCOPES: Record<string, string | undefined> = {
  "users.info": "users:read",
  "users.lookupByEmail": "users:read.email",
  "conversations.open": "im:write",
  "chat.postMessage": "chat:write",
  "conversations.history": "im:history",
  "chat.update": "chat:write",
  "chat.postEphemeral": "chat:write",
  "files.getUploadURLExternal": "files:write",
  "files.completeUploadExternal": "files:write",
};

/** Public channels the fake knows: they exist, and the bot is not a member. */
const PUBLIC_CHANNELS = new Set(["C0GENERAL"]);

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
  /** Files shared into conversations, oldest first. */
  readonly files: FakeFile[] = [];
  /** DM channel per user, as conversations.open created them. */
  readonly dms = new Map<string, string>();
  private readonly uploads = new Map<string, PendingUpload>();
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
    /** The bot token's scopes; undefined means every method is allowed. */
    private readonly scopes: ReadonlySet<string> | undefined,
  ) {
    for (const u of users) this.users.set(u.id, u);
  }

  static async start(options: { token: string; users: readonly FakeUser[]; scopes?: readonly string[] }): Promise<FakeSlack> {
    let fake: FakeSlack | undefined;
    const server = createServer((req, res) => void fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeSlack(server, `http://127.0.0.1:${port}`, options.token, options.users, options.scopes ? new Set(options.scopes) : undefined);
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

  /** Files shared into one user's DM with the bot, oldest first. */
  filesTo(user: string): FakeFile[] {
    return this.files.filter((f) => f.user === user);
  }

  /** One user's DM with the bot as they scroll it: messages and shared files, oldest first. */
  historyOf(user: string): HistoryEntry[] {
    const entries: HistoryEntry[] = [
      ...this.messagesTo(user).map((message): HistoryEntry => ({ type: "message", message })),
      ...this.filesTo(user).map((file): HistoryEntry => ({ type: "file", file })),
    ];
    const key = (e: HistoryEntry) => Number((e.type === "message" ? e.message.ts : e.file.ts).split(".")[1]);
    return entries.sort((a, b) => key(a) - key(b));
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
    const bytes = await readBody(req);
    const raw = bytes.toString("utf8");
    const path = (req.url ?? "/").split("?")[0]!;
    if (path.startsWith("/upload/v1/") && req.method === "POST") return this.receiveUpload(path, bytes, req.headers["content-type"] ?? "", res);
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
    const needed = METHOD_SCOPES[method];
    if (this.scopes && needed && !this.scopes.has(needed)) {
      this.violations.push({ method, error: "missing_scope", problems: [`${method} needs the ${needed} scope`] });
      return json(res, 200, { ok: false, error: "missing_scope", needed, provided: [...this.scopes].join(",") });
    }
    const result = handler(args);
    if (result.ok === false && Array.isArray(result.problems)) {
      this.violations.push({ method, error: String(result.error), problems: result.problems as string[] });
    }
    return json(res, 200, result);
  }

  /**
   * The upload URL: single-use; takes raw bytes or a multipart form with one
   * file; the byte count must be the `length` given to getUploadURLExternal.
   * Slack answers 200 for a good upload and anything else for a failure.
   */
  private receiveUpload(path: string, body: Buffer, contentType: string, res: ServerResponse): void {
    const upload = [...this.uploads.values()].find((u) => u.uploadPath === path);
    this.calls.push({ method: "upload", args: { path, contentType, size: body.length }, at: Date.now() - this.started, hrAt: performance.now() });
    if (!upload) return this.rejectUpload(res, 404, "no such upload URL");
    if (upload.bytes !== undefined || upload.completed) return this.rejectUpload(res, 410, "this upload URL was already used");
    const bytes = contentType.startsWith("multipart/form-data") ? multipartFile(body, contentType) : body;
    if (!bytes) return this.rejectUpload(res, 400, "the multipart body holds no file part");
    if (bytes.length !== upload.length) return this.rejectUpload(res, 400, `uploaded ${bytes.length} bytes, but files.getUploadURLExternal was told ${upload.length}`);
    upload.bytes = bytes;
    return send(res, 200, `OK - ${bytes.length}`);
  }

  private rejectUpload(res: ServerResponse, status: number, problem: string): void {
    this.violations.push({ method: "upload", error: String(status), problems: [problem] });
    send(res, status, problem);
  }

  private nextTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.counter).padStart(6, "0")}`;
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
      const ts = this.nextTs();
      const metadata = isRecord(args.metadata) ? args.metadata : undefined;
      this.messages.push({ channel, ts, user: owner, text: String(args.text), blocks: (args.blocks as Json[] | undefined) ?? [], updates: 0, ...(metadata ? { metadata } : {}) });
      return { ok: true, channel, ts, message: { text: args.text, ts } };
    },

    // The bot's DMs only (im:history), newest first; metadata only when asked for, as Slack does.
    "conversations.history": (args) => {
      const channel = String(args.channel ?? "");
      if (![...this.dms.values()].includes(channel)) return { ok: false, error: "channel_not_found" };
      const oldest = Number(args.oldest ?? 0);
      const limit = Math.min(Number(args.limit ?? 100) || 100, 999);
      const withMetadata = args.include_all_metadata === true || args.include_all_metadata === "true";
      const messages = this.messages
        .filter((m) => m.channel === channel && Number(m.ts) > oldest)
        .reverse()
        .slice(0, limit)
        .map((m) => ({ type: "message", ts: m.ts, text: m.text, bot_id: "B0BOT", ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}) }));
      return { ok: true, messages, has_more: false };
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

    "files.getUploadURLExternal": (args) => {
      const filename = typeof args.filename === "string" ? args.filename.trim() : "";
      const length = Number(args.length);
      if (!filename || args.length === undefined || args.length === "") return { ok: false, error: "invalid_arguments", problems: ["filename and length are required"] };
      if (!Number.isInteger(length) || length < 0) return { ok: false, error: "invalid_arguments", problems: ["length must be a whole number of bytes"] };
      if (length === 0) return { ok: false, error: "missing_argument", problems: ["length must not be 0"] };
      const altText = typeof args.alt_txt === "string" ? args.alt_txt : typeof args.alt_text === "string" ? args.alt_text : undefined;
      if (altText !== undefined && altText.length > 1000) return { ok: false, error: "alt_txt_too_large", problems: ["alt text must be at most 1000 characters"] };
      const id = `F${String(++this.counter).padStart(8, "0")}`;
      const uploadPath = `/upload/v1/${id}-${randomBytes(8).toString("hex")}`;
      this.uploads.set(id, { id, filename, length, ...(altText !== undefined ? { altText } : {}), uploadPath, completed: false });
      return { ok: true, upload_url: `${this.url}${uploadPath}`, file_id: id };
    },

    "files.completeUploadExternal": (args) => {
      const list = typeof args.files === "string" ? safeJson(args.files) : args.files;
      if (!Array.isArray(list) || list.length === 0) return { ok: false, error: "invalid_arguments", problems: ["files must be a non-empty array of {id, title}"] };
      const channel = args.channel_id === undefined ? undefined : String(args.channel_id);
      if (args.channels !== undefined) return { ok: false, error: "callgate_rule_dm_only", problems: ["share into one conversation with channel_id"] };
      let owner: string | undefined;
      if (channel !== undefined) {
        owner = [...this.dms.entries()].find(([, c]) => c === channel)?.[0];
        if (!owner) {
          if (PUBLIC_CHANNELS.has(channel)) return { ok: false, error: "not_in_channel", problems: [`the bot is not a member of ${channel}`] };
          return { ok: false, error: "channel_not_found", problems: [`no conversation ${channel}`] };
        }
      }
      const uploads: Array<{ upload: PendingUpload; title: string }> = [];
      for (const entry of list as unknown[]) {
        const id = isRecord(entry) && typeof entry.id === "string" ? entry.id : undefined;
        const upload = id ? this.uploads.get(id) : undefined;
        if (!upload || upload.completed || upload.bytes === undefined) return { ok: false, error: "file_not_found", problems: [`no uploaded, uncompleted file ${String(id)}`] };
        uploads.push({ upload, title: isRecord(entry) && typeof entry.title === "string" && entry.title ? entry.title : upload.filename });
      }
      const shared = uploads.map(({ upload, title }) => {
        upload.completed = true;
        if (channel && owner) {
          this.files.push({ id: upload.id, channel, user: owner, ts: this.nextTs(), filename: upload.filename, title, ...(upload.altText !== undefined ? { altText: upload.altText } : {}), bytes: upload.bytes! });
        }
        return { id: upload.id, title, name: upload.filename, size: upload.length, ...(channel ? { ims: [channel] } : {}) };
      });
      return { ok: true, files: shared };
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

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The bytes of the one file part (a part with a filename) of a multipart/form-data body. */
function multipartFile(body: Buffer, contentType: string): Buffer | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2); // after CRLF, before CRLF
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd !== -1 && /filename=/i.test(part.subarray(0, headerEnd).toString("utf8"))) return part.subarray(headerEnd + 4);
    start = next;
  }
  return undefined;
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

const NESTED = new Set(["blocks", "view", "attachments", "metadata"]);

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
