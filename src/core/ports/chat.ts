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
  /**
   * The recipient's e-mail as the policy knows them: whose direct message this
   * is, the viewer the notice was built for. A channel never has to ask the
   * platform who the person is.
   */
  email: string;
}

/** Whose message is being updated: the viewer the notice was built for. */
export interface ChatRecipient {
  email: string;
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
   * Delivers a notice, built for `to.email`, as a direct message, drawing
   * exactly the actions it lists. Throws on failure (the outbox will
   * retry); must never post to a shared channel. `delivery.key` names the
   * outbox notice, the same on every attempt: a channel that can, attaches it
   * to the message so `findSent` can recognise it.
   */
  send(to: ChatAddress, notice: Notice, delivery?: { key: string }): Promise<SentMessage>;
  /**
   * Optional capability: the message an earlier attempt sent with this
   * delivery key since `since`, or null if there is none. The outbox asks
   * before sending again after an attempt whose result it never recorded (a
   * crash between the post and the database write, a time-out after the
   * platform had accepted it), so a retry updates that message instead of
   * leaving a second copy with live buttons. Platforms that cannot look
   * (or may not, for want of a permission) leave it out or answer null.
   */
  findSent?(to: ChatAddress, key: string, since: Date): Promise<SentMessage | null>;
  /**
   * Replaces a message sent earlier with the notice's current state, as built
   * for `recipient` (the person whose message it is).
   */
  update(message: SentMessage, notice: Notice, recipient: ChatRecipient): Promise<void>;
}

/**
 * A delivery the platform refused for now, with what it said about when to
 * try again. Channels throw it (any other error is retried with the outbox's
 * own backoff); the outbox never tries again before `retryAfterMs` has passed.
 */
export class ChatDeliveryError extends Error {
  /** The platform's "not before" (Slack's and the Bot Connector's Retry-After on a 429), in milliseconds from now. */
  readonly retryAfterMs?: number;
  /**
   * The platform has no way to reach this person yet (on Teams: no personal
   * chat remembered, because they never installed or wrote to the bot). The
   * outbox keeps such a notice WAITING until their first contact.
   */
  readonly unreachable?: boolean;

  constructor(message: string, options: { retryAfterMs?: number; unreachable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ChatDeliveryError";
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.unreachable) this.unreachable = true;
  }
}
