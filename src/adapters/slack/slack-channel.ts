/**
 * The core's ChatChannel on Slack. Every notice goes to a direct message: the
 * channel is always the one `conversations.open` returns for that one user,
 * and anything that is not a DM (id "D…") is refused before posting, so
 * nothing about a call can reach a shared channel. A sent message's handle is
 * Slack's (channel, ts), plus the recipient's user id so an update can be
 * drawn for them (an authoriser who has decided loses their buttons).
 */
import { z } from "zod";
import type { Notice } from "../../core/notify/notices.ts";
import type { ChatAddress, ChatChannel, SentMessage } from "../../core/ports/chat.ts";
import type { Logger } from "../../infra/logger.ts";
import { PLATFORM, type SlackDirectory } from "./directory.ts";
import { dependsOnViewer, renderNotice } from "./render/notice.ts";
import type { RenderContext } from "./render/render-context.ts";
import { withRateLimit, type WebClient } from "./web-client.ts";

/** What Callgate stores (ChatMessage.reference) to update a Slack message later. */
export const slackReference = z.object({ channel: z.string().min(1), ts: z.string().min(1), user: z.string().optional() });
export type SlackReference = z.output<typeof slackReference>;

const slackAddress = z.object({ userId: z.string().min(1) });

export interface SlackChannelOptions {
  client: WebClient;
  directory: SlackDirectory;
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

  async send(to: ChatAddress, notice: Notice): Promise<SentMessage> {
    const parsed = slackAddress.safeParse(to.address);
    const userId = parsed.success ? parsed.data.userId : to.platformUserId;
    const channel = await this.openDm(userId);
    const viewer = dependsOnViewer(notice) ? await this.viewerEmail(userId) : undefined;
    const { text, blocks } = renderNotice(notice, this.options.render, viewer);
    const result = await this.call(() => this.options.client.chat.postMessage({ channel, text, blocks, unfurl_links: false, unfurl_media: false }));
    if (!result.ts) throw new Error("Slack accepted the message but returned no ts");
    const reference: SlackReference = { channel, ts: result.ts, user: userId };
    return { conversationId: channel, messageId: result.ts, reference };
  }

  async update(message: SentMessage, notice: Notice): Promise<void> {
    const parsed = slackReference.safeParse(message.reference);
    const reference: SlackReference = parsed.success ? parsed.data : { channel: message.conversationId, ts: message.messageId };
    assertDirectMessage(reference.channel);
    const viewer = reference.user && dependsOnViewer(notice) ? await this.viewerEmail(reference.user) : undefined;
    const { text, blocks } = renderNotice(notice, this.options.render, viewer);
    await this.call(() => this.options.client.chat.update({ channel: reference.channel, ts: reference.ts, text, blocks }));
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

  /** Whose DM this is, for per-viewer rendering; without it the message is drawn for anyone. */
  private async viewerEmail(userId: string): Promise<string | undefined> {
    try {
      return await this.options.directory.emailOf(userId);
    } catch (error) {
      // Drawing the message without the viewer is still correct, only less tailored:
      // the core refuses a second decision whatever the buttons show.
      this.options.logger.warn({ err: error }, "could not tell whose Slack DM this is; drawing it for anyone");
      return undefined;
    }
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withRateLimit(fn, this.options.maxRetryAfterSeconds ?? 2);
  }
}

/** Slack's direct-message channel ids start with "D"; anything else is shared. */
function assertDirectMessage(channel: string): void {
  if (!channel.startsWith("D")) throw new Error(`refusing to post to ${channel}: Callgate only sends direct messages`);
}
