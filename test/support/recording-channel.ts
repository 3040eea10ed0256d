/**
 * An in-memory chat platform for core tests: it records every message sent and
 * updated, and can be told to fail. The real platforms have their own contract
 * suites; this one only stands in where the core's behaviour is under test.
 */
import type { Notice } from "../../src/core/notify/notices.ts";
import type { ChatAddress, ChatChannel, SentMessage } from "../../src/core/ports/chat.ts";

export interface SentRecord {
  to: string;
  notice: Notice;
  messageId: string;
}

export class RecordingChannel implements ChatChannel {
  readonly sent: SentRecord[] = [];
  readonly updates: { messageId: string; notice: Notice }[] = [];
  failNext = 0;
  private counter = 0;

  constructor(readonly platform = "test") {}

  async send(to: ChatAddress, notice: Notice): Promise<SentMessage> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error("platform unavailable");
    }
    const messageId = `m${++this.counter}`;
    this.sent.push({ to: to.platformUserId, notice, messageId });
    return { conversationId: `dm-${to.platformUserId}`, messageId, reference: { channel: `dm-${to.platformUserId}` } };
  }

  async update(message: SentMessage, notice: Notice): Promise<void> {
    this.updates.push({ messageId: message.messageId, notice });
  }

  /** Notices sent to one user id, optionally of one kind. */
  to(user: string, kind?: Notice["kind"]): Notice[] {
    return this.sent.filter((s) => s.to === user && (!kind || s.notice.kind === kind)).map((s) => s.notice);
  }
}
