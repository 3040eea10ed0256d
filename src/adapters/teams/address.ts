/**
 * How Callgate reaches a Teams user and finds a card again, stored as data
 * (ChatIdentity.address and ChatMessage.reference), never as strings.
 *
 * An address is the conversation reference of the user's personal chat with
 * the bot, as Teams gave it when they installed or wrote to the bot, plus the
 * e-mail Teams reported for them (so a card can be drawn for its viewer
 * without another lookup). A message handle is that reference plus the
 * activity id Teams returned for the card.
 */
import { z } from "zod";
import type { MessageActivity, CardActionActivity, InstallActivity } from "./activities.ts";

export const teamsAddress = z.object({
  serviceUrl: z.string().url(),
  channelId: z.string(),
  conversation: z.object({ id: z.string().min(1), conversationType: z.string().optional(), tenantId: z.string().optional() }),
  bot: z.object({ id: z.string().min(1), name: z.string().optional() }),
  user: z.object({ id: z.string().min(1), aadObjectId: z.string().optional(), name: z.string().optional(), email: z.string().optional() }),
});
export type TeamsAddress = z.output<typeof teamsAddress>;

/** A card Callgate sent: where it is and its activity id (ChatMessage.reference). */
export const teamsMessageReference = teamsAddress.extend({ activityId: z.string().min(1) });
export type TeamsMessageReference = z.output<typeof teamsMessageReference>;

/**
 * The reference to the personal chat an activity came from. Only personal
 * conversations become addresses: Callgate never writes in group chats or
 * channels, whatever conversation a person first spoke in.
 */
export function addressOf(activity: MessageActivity | CardActionActivity | InstallActivity, email: string): TeamsAddress | null {
  const type = activity.conversation.conversationType;
  if (type !== undefined && type !== "personal") return null;
  if (activity.conversation.isGroup) return null;
  return {
    serviceUrl: activity.serviceUrl,
    channelId: activity.channelId,
    conversation: {
      id: activity.conversation.id,
      ...(type ? { conversationType: type } : {}),
      ...(activity.conversation.tenantId ? { tenantId: activity.conversation.tenantId } : {}),
    },
    bot: { id: activity.recipient.id, ...(activity.recipient.name ? { name: activity.recipient.name } : {}) },
    user: {
      id: activity.from.id,
      ...(activity.from.aadObjectId ? { aadObjectId: activity.from.aadObjectId } : {}),
      ...(activity.from.name ? { name: activity.from.name } : {}),
      email,
    },
  };
}
