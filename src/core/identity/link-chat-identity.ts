/**
 * Remembers which policy person a chat user is (by the e-mail the platform
 * reports) and how to reach them proactively. Called by adapters whenever a
 * user installs the bot or writes to it.
 */
import type { Prisma } from "../../generated/prisma/client.ts";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { personByEmail } from "../policy/access.ts";
import type { Person } from "../policy/schema.ts";

export interface LinkChatIdentityInput {
  platform: string;
  platformUserId: string;
  email: string;
  /** Platform data to message the user proactively (a Teams conversation reference). */
  address?: Prisma.InputJsonValue | null;
}

/** Returns the policy person; throws NOT_SET_UP for someone not in the policy. */
export async function linkChatIdentity(ctx: CoreContext, input: LinkChatIdentityInput): Promise<Person> {
  const person = personByEmail(ctx.policy, input.email);
  const key = { platform: input.platform, platformUserId: input.platformUserId };
  const existing = await ctx.db.chatIdentity.findUnique({ where: { platform_platformUserId: key } });
  const sameAddress = JSON.stringify(existing?.address ?? null) === JSON.stringify(input.address ?? null);
  if (existing && existing.email === person.email && (input.address === undefined || sameAddress)) return person;

  await transact(ctx, async (tx) => {
    const address = input.address === undefined ? undefined : (input.address ?? undefined);
    await tx.chatIdentity.upsert({
      where: { platform_platformUserId: key },
      create: { ...key, email: person.email, address },
      update: { email: person.email, ...(address !== undefined ? { address } : {}) },
    });
    if (!existing || existing.email !== person.email) {
      await appendAudit(tx, { at: ctx.clock.now(), actor: person.email, action: "identity.linked", subjectType: "chat-identity", subjectId: `${input.platform}:${input.platformUserId}`, details: { platform: input.platform } });
    }
  });
  return person;
}
