/**
 * The core's ChatChannel on Teams. Every notice goes, proactively, to the
 * stored conversation reference of the person's personal chat with the bot;
 * an address that is not a personal conversation is refused before posting,
 * so nothing about a call can reach a group chat or channel. A sent card's
 * handle is that reference plus the activity id Teams returned, which is all
 * updateActivity needs to replace the card later. Each notice comes built by
 * the core for its recipient, whose e-mail the port carries, and is drawn
 * with exactly its actions.
 *
 * A card is sent without a text part: Teams shows the card's own summary in
 * notifications, and one attachment keeps one activity id per message.
 */
import type { Client } from "@microsoft/teams.api";
import type { Notice } from "../../core/notify/notices.ts";
import { ChatDeliveryError, type ChatAddress, type ChatChannel, type ChatRecipient, type SentMessage } from "../../core/ports/chat.ts";
import type { Logger } from "../../infra/logger.ts";
import { teamsAddress, teamsMessageReference, type TeamsAddress, type TeamsMessageReference } from "./address.ts";
import { CARD_CONTENT_TYPE, type Card } from "./cards/elements.ts";
import { renderNotice } from "./cards/notice.ts";
import type { RenderContext } from "./cards/render-context.ts";
import { PLATFORM } from "./ids.ts";

export interface TeamsChannelOptions {
  /** The Bot Connector for a conversation's service URL. */
  connector(serviceUrl: string): Client;
  render: RenderContext;
  logger: Logger;
}

export class TeamsChannel implements ChatChannel {
  readonly platform = PLATFORM;

  constructor(private readonly options: TeamsChannelOptions) {}

  async send(to: ChatAddress, notice: Notice): Promise<SentMessage> {
    const parsed = teamsAddress.safeParse(to.address);
    // Thrown as unreachable: the outbox keeps the notice WAITING until they install or write to the bot.
    if (!parsed.success) throw new ChatDeliveryError("no Teams conversation reference for this person yet: they have not installed or written to the bot", { unreachable: true });
    const address = parsed.data;
    assertPersonal(address);
    const card = renderNotice(notice, this.options.render, { email: to.email, userId: address.user.id });
    const result = await this.options.connector(address.serviceUrl).conversations.createActivity(address.conversation.id, activityFor(address, card));
    if (!result?.id) throw new Error("Teams accepted the card but returned no activity id");
    const reference: TeamsMessageReference = { ...address, activityId: result.id };
    return { conversationId: address.conversation.id, messageId: result.id, reference };
  }

  async update(message: SentMessage, notice: Notice, recipient: ChatRecipient): Promise<void> {
    const reference = teamsMessageReference.parse(message.reference);
    assertPersonal(reference);
    const card = renderNotice(notice, this.options.render, { email: recipient.email, userId: reference.user.id });
    await this.options.connector(reference.serviceUrl).conversations.updateActivity(reference.conversation.id, reference.activityId, { ...activityFor(reference, card), id: reference.activityId });
  }
}

function activityFor(address: TeamsAddress, card: Card) {
  return {
    type: "message" as const,
    from: address.bot,
    conversation: { id: address.conversation.id },
    summary: card.fallbackText ?? "Callgate",
    attachments: [{ contentType: CARD_CONTENT_TYPE, content: card }],
  };
}

/** Personal conversations only: a reference to a group chat or channel is refused, whatever stored it. */
function assertPersonal(address: TeamsAddress): void {
  const type = address.conversation.conversationType;
  if (type !== undefined && type !== "personal") throw new Error(`refusing to post to a ${type} conversation: Callgate only writes in personal chats`);
}
