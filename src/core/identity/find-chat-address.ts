/**
 * How to reach one chat user proactively: the address remembered for them
 * by linkChatIdentity (for Teams, the reference of their personal chat with
 * the bot). Adapters use it to answer privately something typed in a shared
 * conversation.
 */
import type { CoreContext } from "../context.ts";
import type { ChatAddress } from "../ports/chat.ts";

/** The stored address of this platform user, or null if they have none yet (never wrote to the bot in private). */
export async function findChatAddress(ctx: Pick<CoreContext, "db">, input: { platform: string; platformUserId: string }): Promise<ChatAddress | null> {
  const identity = await ctx.db.chatIdentity.findUnique({ where: { platform_platformUserId: { platform: input.platform, platformUserId: input.platformUserId } } });
  if (!identity || identity.address === null) return null;
  return { platformUserId: identity.platformUserId, address: identity.address, email: identity.email };
}
