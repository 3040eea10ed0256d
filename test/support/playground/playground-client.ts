/**
 * Drives the Microsoft 365 Agents Playground through its HTTP and WebSocket
 * API, as the people of a test would through Teams:
 *
 * - the current user speaks with POST /_conversation/v1/conversations/{id}/messages;
 * - anyone else has a personal chat created for them on the mock connector
 *   (POST /_connector/v3/conversations, as Teams does on install) and speaks
 *   there through POST /_internal/v1/customActivities;
 * - clicking an Action.Execute is POST /_conversation/v1/invoke as any member
 *   of the card's conversation, and returns the bot's replacement card;
 * - what the bot writes is read from WS /_ws/log/stream, the only place the
 *   Playground shows messages to users other than the current one.
 */
import WebSocket from "ws";
import type { AgentsPlayground, PlaygroundUser } from "../../../src/adapters/teams/index.ts";

/** The group chat the Playground's config names (start-playground.ts). */
export const GROUP_CHAT_ID = "callgate-group-chat";

/** One card the bot sent, as it stands now. */
export interface BotMessage {
  conversationId: string;
  messageId: string;
  card: Record<string, unknown> | undefined;
  text: string | undefined;
  /** How many times the bot replaced it. */
  updates: number;
}

interface LogEntry {
  id: string;
  conversationId?: string;
  activityName?: string;
  messageId?: string;
  from?: string;
  request?: { body?: Record<string, unknown> };
  response?: { statusCode?: number; body?: Record<string, unknown> };
}

export class PlaygroundClient {
  /** Conversation id → messages in the order the bot sent them. */
  private readonly messages = new Map<string, BotMessage[]>();
  private readonly seen = new Set<string>();
  private readonly conversations = new Map<string, string>();
  /** Every entry of the log stream, for debugging a failing test. */
  readonly log: LogEntry[] = [];
  private ws!: WebSocket;

  private constructor(readonly playground: AgentsPlayground) {}

  static async connect(playground: AgentsPlayground): Promise<PlaygroundClient> {
    const client = new PlaygroundClient(playground);
    client.conversations.set(playground.users[0]!.id, playground.personalChatId);
    client.ws = new WebSocket(`${playground.url.replace(/^http/, "ws")}/_ws/log/stream`);
    client.ws.on("message", (data: WebSocket.RawData) => client.onLog(data.toString()));
    await new Promise<void>((resolve, reject) => {
      client.ws.once("open", () => resolve());
      client.ws.once("error", reject);
    });
    return client;
  }

  get current(): PlaygroundUser {
    return this.playground.users[0]!;
  }

  user(email: string): PlaygroundUser {
    const user = this.playground.users.find((u) => u.email === email);
    if (!user) throw new Error(`${email} is not a Playground user`);
    return user;
  }

  /** The user's personal chat with the bot, created on the mock connector the first time. */
  async conversationOf(user: PlaygroundUser): Promise<string> {
    const known = this.conversations.get(user.id);
    if (known) return known;
    const res = await this.post("/_connector/v3/conversations", { isGroup: false, bot: { id: this.playground.botId }, members: [{ id: user.id }], tenantId: this.playground.tenantId });
    const id = String((res as { id: string }).id);
    this.conversations.set(user.id, id);
    return id;
  }

  /** The user installs the bot in their personal scope (installationUpdate, action add). */
  async install(user: PlaygroundUser): Promise<void> {
    await this.custom(user, { type: "installationUpdate", action: "add" });
  }

  /** The user types `text` in their personal chat with the bot. */
  async say(user: PlaygroundUser, text: string): Promise<void> {
    if (user.id === this.current.id) {
      await this.post(`/_conversation/v1/conversations/${encodeURIComponent(this.playground.personalChatId)}/messages`, { from: { id: user.id }, text, textFormat: "plain" });
    } else {
      await this.custom(user, { type: "message", text, textFormat: "plain" });
    }
  }

  /** The user types `text` in their personal chat, in an activity naming another Bot Connector (Teams moved the conversation). */
  async sayVia(user: PlaygroundUser, serviceUrl: string, text: string): Promise<void> {
    await this.custom(user, { type: "message", text, textFormat: "plain", serviceUrl });
  }

  /** Clicks an Action.Execute on `message` as `user`, with `inputs` typed into the card; returns the card the bot answered with. */
  async click(user: PlaygroundUser, message: BotMessage, verb: string, inputs: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const action = findExecute(message.card, verb);
    if (!action) throw new Error(`the card has no ${verb} button`);
    return this.invoke(user, message, verb, { ...(action.data as Record<string, unknown> | undefined), ...inputs });
  }

  /** Sends an adaptiveCard/action invoke with any data, as a tampering or stale client could. */
  async invoke(user: PlaygroundUser, message: BotMessage, verb: string, data: Record<string, unknown>): Promise<Record<string, unknown>> {
    const res = (await this.post("/_conversation/v1/invoke", {
      name: "adaptiveCard/action",
      value: { action: { type: "Action.Execute", verb, data }, trigger: "manual" },
      from: { id: user.id },
      conversation: { id: message.conversationId },
      replyToId: message.messageId,
    })) as { value?: Record<string, unknown>; type?: string };
    if (res.type !== "application/vnd.microsoft.card.adaptive" || !res.value) throw new Error(`the bot answered the click with ${JSON.stringify(res).slice(0, 300)}`);
    return res.value;
  }

  /**
   * The user @mentions the bot in the Playground's group chat (as Teams
   * delivers group messages only when the bot is mentioned). Returns the
   * group chat's id.
   */
  async sayInGroupChat(user: PlaygroundUser, text: string): Promise<string> {
    await this.post("/_internal/v1/customActivities", {
      id: `custom-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      type: "message",
      channelId: "msteams",
      serviceUrl: `${this.playground.url}/_connector`,
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      recipient: { id: this.playground.botId, name: "Callgate" },
      conversation: { id: GROUP_CHAT_ID, conversationType: "groupChat", isGroup: true, tenantId: this.playground.tenantId },
      channelData: { tenant: { id: this.playground.tenantId } },
      entities: [{ type: "mention", text: "<at>Callgate</at>", mentioned: { id: this.playground.botId, name: "Callgate" } }],
      locale: "en-GB",
      timestamp: new Date().toISOString(),
      text: `<at>Callgate</at> ${text}`,
      textFormat: "plain",
    });
    return GROUP_CHAT_ID;
  }

  /** What the bot has written in any conversation (a group chat's included), oldest first. */
  messagesIn(conversationId: string): BotMessage[] {
    return this.messages.get(conversationId) ?? [];
  }

  /**
   * Clicks the Action.Execute titled `title` (ShowCard panels included) as
   * `user`, and returns the bot's answer as it is: a replacement card, or a
   * message that leaves the card as it was.
   */
  async clickTitled(user: PlaygroundUser, message: BotMessage, title: string): Promise<{ type?: string; value?: unknown }> {
    const action = findExecuteTitled(message.card, title);
    if (!action) throw new Error(`the card has no button titled ${title}`);
    return this.invokeRaw(user, message, String(action.verb), (action.data as Record<string, unknown> | undefined) ?? {});
  }

  /** An adaptiveCard/action invoke with any data; the bot's answer as it is. */
  async invokeRaw(user: PlaygroundUser, message: BotMessage, verb: string, data: Record<string, unknown>): Promise<{ type?: string; value?: unknown }> {
    return (await this.post("/_conversation/v1/invoke", {
      name: "adaptiveCard/action",
      value: { action: { type: "Action.Execute", verb, data }, trigger: "manual" },
      from: { id: user.id },
      conversation: { id: message.conversationId },
      replyToId: message.messageId,
    })) as { type?: string; value?: unknown };
  }

  /** What the bot has written in the user's personal chat, oldest first. */
  async messagesTo(user: PlaygroundUser): Promise<BotMessage[]> {
    return this.messages.get(await this.conversationOf(user)) ?? [];
  }

  /** The card about `reference` in a person's chat that refreshes itself (an approval card); throws where there is none. */
  async cardAbout(email: string, reference: string): Promise<BotMessage> {
    const card = (await this.messagesTo(this.user(email))).find((m) => visibleText(m.card).includes(reference) && JSON.stringify(m.card).includes('"verb":"refresh"'));
    if (!card) throw new Error(`${email} has no card about ${reference}`);
    return card;
  }

  /** Every conversation the bot wrote in. */
  conversationIds(): string[] {
    return [...this.messages.keys()];
  }

  /** Waits until `check` holds (the log stream is asynchronous). */
  async until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    this.ws.close();
  }

  private async custom(user: PlaygroundUser, activity: Record<string, unknown>): Promise<void> {
    const conversationId = await this.conversationOf(user);
    await this.post("/_internal/v1/customActivities", {
      id: `custom-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      channelId: "msteams",
      serviceUrl: `${this.playground.url}/_connector`,
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      recipient: { id: this.playground.botId, name: "Callgate" },
      conversation: { id: conversationId, conversationType: "personal", tenantId: this.playground.tenantId },
      channelData: { tenant: { id: this.playground.tenantId } },
      locale: "en-GB",
      timestamp: new Date().toISOString(),
      ...activity,
    });
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const res = await fetch(`${this.playground.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : undefined;
  }

  private onLog(raw: string): void {
    let parsed: { logAction?: string; log?: LogEntry; logs?: LogEntry[] };
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    for (const entry of [...(parsed.log ? [parsed.log] : []), ...(parsed.logs ?? [])]) {
      if (!entry.id || this.seen.has(entry.id)) continue;
      this.seen.add(entry.id);
      this.log.push(entry);
      this.record(entry);
    }
  }

  /**
   * Bot → Playground writes: a created message (201 with its id), a replaced
   * one (200, the same id), and an invoke's answer, which replaces the
   * clicked card for the person who clicked it (as Teams does).
   */
  private record(entry: LogEntry): void {
    if (!entry.conversationId) return;
    const list = this.messages.get(entry.conversationId) ?? [];
    this.messages.set(entry.conversationId, list);
    if (entry.activityName === "invoke") {
      const answer = entry.response?.body as { type?: string; value?: Record<string, unknown> } | undefined;
      const replyToId = entry.request?.body?.replyToId;
      const clicked = list.find((m) => m.messageId === replyToId);
      if (clicked && answer?.type === "application/vnd.microsoft.card.adaptive" && answer.value) {
        clicked.card = answer.value;
        clicked.updates++;
      }
      return;
    }
    const body = entry.request?.body;
    if (entry.from !== "User Application" || !body || body.type !== "message" || entry.activityName !== "message") return;
    const attachments = (body.attachments as Array<{ content?: Record<string, unknown> }> | undefined) ?? [];
    const card = attachments[0]?.content;
    const status = entry.response?.statusCode ?? 0;
    const id = entry.response?.body?.id ?? entry.messageId;
    if (status === 201 && typeof id === "string") {
      list.push({ conversationId: entry.conversationId, messageId: id, card, text: body.text as string | undefined, updates: 0 });
    } else if (status === 200) {
      const existing = list.find((m) => m.messageId === id);
      if (existing) {
        existing.card = card;
        existing.updates++;
      }
    }
  }
}

/** The Action.Execute with this verb anywhere in a card (including inside Action.ShowCard). */
export function findExecute(card: unknown, verb: string): Record<string, unknown> | undefined {
  if (Array.isArray(card)) {
    for (const c of card) {
      const found = findExecute(c, verb);
      if (found) return found;
    }
  } else if (card && typeof card === "object") {
    const o = card as Record<string, unknown>;
    if (o.type === "Action.Execute" && o.verb === verb && o !== (card as { refresh?: unknown }).refresh) return o;
    for (const [key, value] of Object.entries(o)) {
      if (key === "refresh") continue;
      const found = findExecute(value, verb);
      if (found) return found;
    }
  }
  return undefined;
}

/** The Action.Execute titled `title` anywhere in a card (ShowCard panels included), the refresh excepted. */
export function findExecuteTitled(card: unknown, title: string): Record<string, unknown> | undefined {
  if (Array.isArray(card)) {
    for (const c of card) {
      const found = findExecuteTitled(c, title);
      if (found) return found;
    }
  } else if (card && typeof card === "object") {
    const o = card as Record<string, unknown>;
    if (o.type === "Action.Execute" && o.title === title) return o;
    for (const [key, value] of Object.entries(o)) {
      if (key === "refresh") continue;
      const found = findExecuteTitled(value, title);
      if (found) return found;
    }
  }
  return undefined;
}

/** Labels of the controls a person can use on a card (buttons and panels, not the refresh). */
export function controlsOf(card: unknown): string[] {
  const labels: string[] = [];
  const walk = (node: unknown, key?: string): void => {
    if (key === "refresh") return;
    if (Array.isArray(node)) node.forEach((n) => walk(n));
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      if (typeof o.type === "string" && o.type.startsWith("Action.") && typeof o.title === "string") labels.push(o.title);
      for (const [k, v] of Object.entries(o)) walk(v, k);
    }
  };
  walk(card);
  return labels;
}

/** All text a person can read on a card: text blocks, facts, text runs, and link targets. */
export function visibleText(card: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown, key?: string): void => {
    if (key === "refresh") return;
    if (Array.isArray(node)) node.forEach((n) => walk(n));
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      for (const k of ["text", "title", "value", "url", "label", "placeholder"]) if (typeof o[k] === "string") parts.push(o[k] as string);
      for (const [k, v] of Object.entries(o)) walk(v, k);
    }
  };
  walk(card);
  return parts.join("\n");
}

/** Every element of a card (body, actions, show cards) with this id. */
export function elementsWithId(card: unknown, id: string): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      if (o.id === id) found.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}
