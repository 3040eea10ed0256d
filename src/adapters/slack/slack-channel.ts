/**
 * The core's ChatChannel on Slack. Every notice goes to a direct message: the
 * channel is always the one `conversations.open` returns for that one user,
 * and anything that is not a DM (id "D…") is refused before posting, so
 * nothing about a call can reach a shared channel. A sent message's handle is
 * Slack's (channel, ts), plus the recipient's user id. Each notice comes
 * built by the core for its recipient, with their e-mail (ChatAddress.email,
 * the update's recipient), so drawing it for them never asks Slack who they
 * are (no users.info).
 * Each message carries its outbox delivery key as metadata, so a retry after
 * a crash finds and updates it rather than posting a second copy.
 */
import { z } from "zod";
import type { Notice } from "../../core/notify/notices.ts";
import type { ChatAddress, ChatChannel, ChatRecipient, SentMessage } from "../../core/ports/chat.ts";
import type { Logger } from "../../infra/logger.ts";
import { PLATFORM } from "./directory.ts";
import { renderNotice } from "./render/notice.ts";
import type { RenderContext } from "./render/render-context.ts";
import { slackErrorCode, withRateLimit, type WebClient } from "./web-client.ts";

/** What Callgate stores (ChatMessage.reference) to update a Slack message later. */
export const slackReference = z.object({ channel: z.string().min(1), ts: z.string().min(1), user: z.string().optional() });
export type SlackReference = z.output<typeof slackReference>;

const slackAddress = z.object({ userId: z.string().min(1) });

export interface SlackChannelOptions {
  client: WebClient;
  render: RenderContext;
  logger: Logger;
  /** Wait inline for a 429's Retry-After up to this long; longer goes back to the outbox. */
  maxRetryAfterSeconds?: number;
}

export class SlackChannel implements ChatChannel {
  readonly platform = PLATFORM;
  /** DM channel per user: conversations.open is idempotent, so this only saves calls. */
  private readonly dms = new Map<string, string>();

  constructor(private readonly options: SlackChannelOptions) {}

  async send(to: ChatAddress, notice: Notice, delivery?: { key: string }): Promise<SentMessage> {
    const userId = this.userIdOf(to);
    const channel = await this.openDm(userId);
    const { text, blocks } = renderNotice(notice, this.options.render, to.email);
    // chat.postMessage has no idempotency key; the delivery key rides along as
    // message metadata, so findSent can recognise the message later.
    const metadata = delivery ? { event_type: DELIVERY_EVENT, event_payload: { delivery: delivery.key } } : undefined;
    const result = await this.call(() => this.options.client.chat.postMessage({ channel, text, blocks, unfurl_links: false, unfurl_media: false, ...(metadata ? { metadata } : {}) }));
    if (!result.ts) throw new Error("Slack accepted the message but returned no ts");
    return handle(channel, result.ts, userId);
  }

  /**
   * The bot's own message in the person's DM carrying this delivery key, from
   * the DM's recent history (conversations.history, scope im:history). Clocks
   * may disagree, so it looks back a day before `since`. Without the scope it
   * answers null, so the outbox sends again, as it would with no capability.
   */
  async findSent(to: ChatAddress, key: string, since: Date): Promise<SentMessage | null> {
    const userId = this.userIdOf(to);
    const channel = await this.openDm(userId);
    let history;
    try {
      history = await this.call(() => this.options.client.conversations.history({ channel, oldest: String(Math.floor((since.getTime() - LOOK_BACK_MS) / 1000)), include_all_metadata: true, limit: 200 }));
    } catch (error) {
      if (slackErrorCode(error) !== "missing_scope") throw error;
      this.options.logger.warn("cannot look for an earlier copy of a notice: the Slack app lacks the im:history scope; sending again");
      return null;
    }
    const found = history.messages?.find((m) => m.ts && m.metadata?.event_type === DELIVERY_EVENT && (m.metadata.event_payload as { delivery?: unknown } | undefined)?.delivery === key);
    return found?.ts ? handle(channel, found.ts, userId) : null;
  }

  async update(message: SentMessage, notice: Notice, recipient: ChatRecipient): Promise<void> {
    const parsed = slackReference.safeParse(message.reference);
    const reference: SlackReference = parsed.success ? parsed.data : { channel: message.conversationId, ts: message.messageId };
    assertDirectMessage(reference.channel);
    const { text, blocks } = renderNotice(notice, this.options.render, recipient.email);
    await this.call(() => this.options.client.chat.update({ channel: reference.channel, ts: reference.ts, text, blocks }));
  }

  private userIdOf(to: ChatAddress): string {
    const parsed = slackAddress.safeParse(to.address);
    return parsed.success ? parsed.data.userId : to.platformUserId;
  }

  private async openDm(userId: string): Promise<string> {
    const known = this.dms.get(userId);
    if (known) return known;
    const opened = await this.call(() => this.options.client.conversations.open({ users: userId }));
    const channel = opened.channel?.id;
    if (!channel) throw new Error("Slack opened no conversation");
    assertDirectMessage(channel);
    this.dms.set(userId, channel);
    return channel;
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withRateLimit(fn, this.options.maxRetryAfterSeconds ?? 2);
  }
}

/** The metadata event type marking Callgate's notices, with the outbox's delivery key. */
const DELIVERY_EVENT = "callgate_notice";
const LOOK_BACK_MS = 24 * 3_600_000;

function handle(channel: string, ts: string, user: string): SentMessage {
  const reference: SlackReference = { channel, ts, user };
  return { conversationId: channel, messageId: ts, reference };
}

/** Slack's direct-message channel ids start with "D"; anything else is shared. */
function assertDirectMessage(channel: string): void {
  if (!channel.startsWith("D")) throw new Error(`refusing to post to ${channel}: Callgate only sends direct messages`);
}
