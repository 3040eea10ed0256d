/**
 * Linking a chat user to a policy person is safe to repeat and to race: the
 * row is written once, and `identity.linked` is audited once per link (when
 * the row is created or its person changes), however many adapters or
 * instances see the same user at the same moment.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import type { CoreContext } from "../../src/core/context.ts";
import { linkChatIdentity } from "../../src/core/identity/link-chat-identity.ts";
import { openDatabase, type Database } from "../../src/infra/db/open-database.ts";
import { useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { withDatabase } from "../support/global-setup.ts";
import { P } from "../support/test-policy.ts";

const linked = (ctx: CoreContext) => ctx.db.auditEntry.findMany({ where: { action: "identity.linked" }, orderBy: { seq: "asc" } });
const user = { platform: "slack", platformUserId: "U0BEN" };

describe.each(DATABASE_KINDS)("linking chat identities on %s", (kind) => {
  const t = useTestCore(kind, { linkEveryone: false });

  it("writes one identity and one identity.linked entry when the same user is linked many times at once", async () => {
    await Promise.all(Array.from({ length: 6 }, () => linkChatIdentity(t.ctx, { ...user, email: P.requester })));
    expect(await t.ctx.db.chatIdentity.count()).toBe(1);
    expect(await linked(t.ctx)).toHaveLength(1);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it("audits a change of person once, and a new address not at all", async () => {
    await linkChatIdentity(t.ctx, { ...user, email: P.requester });
    await Promise.all(Array.from({ length: 4 }, () => linkChatIdentity(t.ctx, { ...user, email: P.ceo })));
    await linkChatIdentity(t.ctx, { ...user, email: P.ceo, address: { userId: "U0BEN", note: "new DM" } });
    const identity = await t.ctx.db.chatIdentity.findUniqueOrThrow({ where: { platform_platformUserId: user } });
    expect(identity.email).toBe(P.ceo);
    expect(identity.address).toEqual({ userId: "U0BEN", note: "new DM" });
    expect((await linked(t.ctx)).map((e) => e.actor)).toEqual([P.requester, P.ceo]);
  });
});

describe("linking chat identities from two instances on PostgreSQL", () => {
  const t = useTestCore("postgresql", { linkEveryone: false });
  let second: Database;
  beforeEach(async () => {
    const [row] = await t.ctx.db.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`;
    second = await openDatabase({ kind: "postgresql", url: withDatabase(inject("pgAdminUrl"), row!.name) });
  });
  afterEach(async () => {
    await second.close();
  });

  it("writes one identity.linked entry when two instances link the same person at once", async () => {
    const other: CoreContext = { ...t.ctx, db: second.prisma };
    for (let round = 0; round < 5; round++) {
      const racer = { platform: "slack", platformUserId: `U0RACE${round}` };
      await Promise.all([0, 1, 2, 3].map((i) => linkChatIdentity(i % 2 ? other : t.ctx, { ...racer, email: P.requester })));
    }
    expect(await t.ctx.db.chatIdentity.count()).toBe(5);
    expect(await linked(t.ctx)).toHaveLength(5);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });
});
