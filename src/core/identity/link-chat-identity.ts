/**
 * Remembers which policy person a chat user is (by the e-mail the platform
 * reports) and how to reach them proactively. Called by adapters whenever a
 * user installs the bot or writes to it; a new identity or address releases
 * the notices that were waiting for a way to reach them (releaseOwedNotices).
 */
import type { Prisma } from "../../generated/prisma/client.ts";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { releaseOwedNotices } from "../notify/release-owed-notices.ts";
import { personByEmail } from "../policy/access.ts";
import type { Person } from "../policy/schema.ts";

export interface LinkChatIdentityInput {
  platform: string;
  platformUserId: string;
  email: string;
  /** Platform data to message the user proactively (a Teams conversation reference). */
  address?: Prisma.InputJsonValue | null;
}

/**
 * Returns the policy person; throws NOT_SET_UP for someone not in the policy.
 * Safe to race (several requests, several instances): `identity.linked` is
 * audited only by the call that created the row or changed its person.
 */
export async function linkChatIdentity(ctx: CoreContext, input: LinkChatIdentityInput): Promise<Person> {
  const person = personByEmail(ctx.policy, input.email);
  const key = { platform: input.platform, platformUserId: input.platformUserId };
  // No address (or null) leaves the stored one as it is.
  const address = input.address ?? undefined;
  // The common case, every time someone writes to the bot: nothing to change, nothing to lock.
  const existing = await ctx.db.chatIdentity.findUnique({ where: { platform_platformUserId: key } });
  if (existing && existing.email === person.email && (address === undefined || JSON.stringify(existing.address) === JSON.stringify(address))) return person;

  await transact(ctx, async (tx) => {
    // What was read above may be stale by now, so every write is conditional
    // and its count says what this call did: INSERT … ON CONFLICT DO NOTHING
    // creates the row at most once; the UPDATE of the person matches only a
    // row still naming someone else (PostgreSQL re-checks that on the newest
    // row once a concurrent writer commits).
    const created = (await tx.chatIdentity.createMany({ data: [{ ...key, email: person.email, address }], skipDuplicates: true })).count === 1;
    const changed = !created && (await tx.chatIdentity.updateMany({ where: { ...key, email: { not: person.email } }, data: { email: person.email } })).count === 1;
    if (!created && address !== undefined) await tx.chatIdentity.updateMany({ where: key, data: { address } });
    // A first contact (or a new way to reach them): whatever waited for them goes now.
    await releaseOwedNotices(tx, ctx.clock.now(), person.email);
    if (created || changed) {
      await appendAudit(tx, { at: ctx.clock.now(), actor: person.email, action: "identity.linked", subjectType: "chat-identity", subjectId: `${input.platform}:${input.platformUserId}`, details: { platform: input.platform } });
    }
  });
  return person;
}
