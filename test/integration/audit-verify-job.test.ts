/**
 * The daily full check of the audit chain: once a day across instances, and
 * every DPO told at once when someone has altered the log.
 */
import { describe, expect, it } from "vitest";
import { verifyAuditChainIfDue } from "../../src/core/jobs/verify-audit-chain-daily.ts";
import { useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { P } from "../support/test-policy.ts";

const DAY = 24 * 60 * 60 * 1000;

describe.each(DATABASE_KINDS)("daily audit chain check on %s", (kind) => {
  // Linking every policy person writes one audit entry each.
  const t = useTestCore(kind);

  it("checks every entry once a day, and only one of two instances does it", async () => {
    const entries = await t.ctx.db.auditEntry.count();
    expect(entries).toBeGreaterThan(3);
    const [a, b] = await Promise.all([verifyAuditChainIfDue(t.ctx), verifyAuditChainIfDue(t.ctx)]);
    const ran = [a, b].filter((s) => s !== undefined);
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ ok: true, mode: "full", checked: entries });

    t.clock.advance(DAY - 60_000);
    expect(await verifyAuditChainIfDue(t.ctx)).toBeUndefined();
    t.clock.advance(2 * 60_000);
    expect(await verifyAuditChainIfDue(t.ctx)).toMatchObject({ ok: true });
    await t.deliver();
    expect(t.channel.to(P.dpo, "compliance-notice")).toEqual([]);
  });

  it("tells every DPO when an old entry has been edited outside Callgate", async () => {
    await verifyAuditChainIfDue(t.ctx);
    const [second] = await t.ctx.db.auditEntry.findMany({ orderBy: { seq: "asc" }, skip: 1, take: 1 });
    await t.ctx.db.$executeRaw`UPDATE "AuditEntry" SET actor = 'someone-else@example.org' WHERE seq = ${second!.seq}`;

    t.clock.advance(DAY + 1);
    const status = await verifyAuditChainIfDue(t.ctx);
    expect(status?.ok).toBe(false);
    expect(status?.firstBad?.seq).toBe(second!.seq);
    await t.deliver();
    const [notice] = t.channel.to(P.dpo, "compliance-notice");
    expect(notice).toMatchObject({ title: "The audit log has been altered" });
    expect(notice?.kind === "compliance-notice" && notice.lines[0]).toContain(`entry ${second!.seq}`);
  });
});
