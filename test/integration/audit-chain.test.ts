import { beforeEach, describe, expect, it } from "vitest";
import { appendAudit } from "../../src/core/audit/append-audit.ts";
import type { AuditAction } from "../../src/core/audit/audit-actions.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { transact } from "../../src/core/context.ts";
import { useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";

describe.each(DATABASE_KINDS)("audit chain on %s", (kind) => {
  const t = useTestCore(kind, { linkEveryone: false });
  beforeEach(async () => {
    for (let i = 0; i < 6; i++) {
      await transact(t.ctx, (tx) => appendAudit(tx, { at: new Date(Date.UTC(2026, 10, 1, 9, i)), actor: "carys@trust.example", action: "test.step" as AuditAction, subjectType: "test", details: { step: i, note: "ünïcödé ✓", nested: { b: 2, a: 1 } } }));
    }
  });

  const sql = (text: string) => t.ctx.db.$executeRawUnsafe(text);

  it("verifies an untouched log", async () => {
    const result = await verifyAuditChain(t.ctx.db, { batchSize: 4 });
    expect(result).toMatchObject({ ok: true, checked: 6, headSeq: 6n });
  });

  it("names the first entry whose content was edited", async () => {
    await sql(`UPDATE "AuditEntry" SET actor = 'someone-else@trust.example' WHERE seq = 3`);
    expect((await verifyAuditChain(t.ctx.db)).firstBad).toEqual({ seq: 3n, problem: "entry 3 was altered after it was written" });
  });

  it("detects an edit inside the details", async () => {
    await sql(`UPDATE "AuditEntry" SET details = jsonb_set(details, '{step}', '99') WHERE seq = 2`);
    expect((await verifyAuditChain(t.ctx.db)).firstBad?.seq).toBe(2n);
  });

  it("detects a deleted entry in the middle", async () => {
    await sql(`DELETE FROM "AuditEntry" WHERE seq = 4`);
    const result = await verifyAuditChain(t.ctx.db);
    expect(result.ok).toBe(false);
    expect(result.firstBad?.seq).toBe(4n);
    expect(result.firstBad?.problem).toContain("missing");
  });

  it("detects entries removed from the end", async () => {
    await sql(`DELETE FROM "AuditEntry" WHERE seq >= 5`);
    const result = await verifyAuditChain(t.ctx.db);
    expect(result.ok).toBe(false);
    expect(result.firstBad?.problem).toContain("removed from the end");
  });

  it("detects two entries swapped", async () => {
    await sql(`UPDATE "AuditEntry" SET seq = -1 WHERE seq = 2`);
    await sql(`UPDATE "AuditEntry" SET seq = 2 WHERE seq = 3`);
    await sql(`UPDATE "AuditEntry" SET seq = 3 WHERE seq = -1`);
    const result = await verifyAuditChain(t.ctx.db);
    expect(result.ok).toBe(false);
    expect(result.firstBad?.seq).toBe(2n);
  });

  it("leaves no audit entry when the change it records is rolled back", async () => {
    await expect(
      transact(t.ctx, async (tx) => {
        await appendAudit(tx, { at: new Date(), actor: "system", action: "test.doomed" as AuditAction, subjectType: "test" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await t.ctx.db.auditEntry.count({ where: { action: "test.doomed" } })).toBe(0);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });
});
