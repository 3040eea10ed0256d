/**
 * What the core needs from a chat platform. Designed against Slack and Teams
 * at once: an address is whatever the platform needs to reach a person
 * proactively (a Slack user id; a Teams conversation reference), and a sent
 * message's handle is whatever it needs to update that message later
 * (Slack: channel + ts; Teams: conversation reference + activity id).
 */
import type { Notice } from "../notify/notices.ts";

/** How to reach one person on one platform, as stored in ChatIdentity. */
export interface ChatAddress {
  platformUserId: string;
  /** Platform data for proactive messages; null if the platform needs none. */
  address: unknown;
}

/** A platform's handle on a sent message, stored as data (ChatMessage). */
export interface SentMessage {
  conversationId: string;
  messageId: string;
  /** Anything else the platform needs to update the message. */
  reference: unknown;
}

export interface ChatChannel {
  /** Stable platform name, e.g. "slack" or "teams". */
  readonly platform: string;
  /**
   * Delivers a notice as a direct message. Throws on failure (the outbox will
   * retry); must never post to a shared channel.
   */
  send(to: ChatAddress, notice: Notice): Promise<SentMessage>;
  /** Replaces a message sent earlier with the notice's current state. */
  update(message: SentMessage, notice: Notice): Promise<void>;
}

/**
 * A delivery the platform refused for now, with what it said about when to
 * try again. Channels throw it (any other error is retried with the outbox's
 * own backoff); the outbox never tries again before `retryAfterMs` has passed.
 */
export class ChatDeliveryError extends Error {
  /** The platform's "not before" (Slack's and the Bot Connector's Retry-After on a 429), in milliseconds from now. */
  readonly retryAfterMs?: number;

  constructor(message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ChatDeliveryError";
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}
