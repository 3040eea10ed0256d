/**
 * Answering in private. A command typed in a group chat or channel whose
 * answer must not be seen there (the DPO console) is answered in the
 * person's personal chat with the bot, through the conversation reference
 * remembered when they last installed or wrote to it, as the outbox reaches
 * them with notices. Without such a reference there is nowhere private to
 * answer, and the caller refuses instead.
 */
import type { Client } from "@microsoft/teams.api";
import { findChatAddress } from "../../core/identity/find-chat-address.ts";
import type { CoreContext } from "../../core/context.ts";
import type { MessageActivity } from "./activities.ts";
import { teamsAddress, type TeamsAddress } from "./address.ts";
import { CARD_CONTENT_TYPE, type Card } from "./cards/elements.ts";
import { PLATFORM } from "./ids.ts";

/** The sender's personal chat with the bot, or null if Callgate has none for them. */
export async function personalChatOf(ctx: CoreContext, activity: MessageActivity): Promise<TeamsAddress | null> {
  const found = await findChatAddress(ctx, { platform: PLATFORM, platformUserId: activity.from.aadObjectId ?? activity.from.id });
  const parsed = teamsAddress.safeParse(found?.address);
  if (!parsed.success) return null;
  const type = parsed.data.conversation.conversationType;
  return type === undefined || type === "personal" ? parsed.data : null;
}

/** Posts a card in that personal chat, as the bot. */
export async function postToPersonalChat(connector: (serviceUrl: string) => Client, address: TeamsAddress, card: Card): Promise<void> {
  await connector(address.serviceUrl).conversations.createActivity(address.conversation.id, {
    type: "message",
    from: address.bot,
    conversation: { id: address.conversation.id },
    summary: card.fallbackText ?? "Callgate",
    attachments: [{ contentType: CARD_CONTENT_TYPE, content: card }],
  } as never);
}
