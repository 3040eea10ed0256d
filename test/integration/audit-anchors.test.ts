/**
 * The audit chain anchored outside the database: signed anchors in an
 * append-only blob catch what the chain alone cannot (a tail cut with the
 * head moved back, every hash recomputed after an edit), and a break once
 * found stays reported until a DPO acknowledges it.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { AppendBlobClient, BlobClient, BlockBlobClient, ContainerClient } from "@azure/storage-blob";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { acknowledgeAuditBreak } from "../../src/core/audit/acknowledge-audit-break.ts";
import { appendAudit, hashEntry } from "../../src/core/audit/append-audit.ts";
import type { AuditAction } from "../../src/core/audit/audit-actions.ts";
import { signAnchor, writeAuditAnchor } from "../../src/core/audit/audit-anchors.ts";
import { AUDIT_VERIFY_JOB, verifyAuditChain, verifyAuditChainFully, verifyAuditChainIncrementally } from "../../src/core/audit/verify-audit-chain.ts";
import { transact } from "../../src/core/context.ts";
import { anchorAuditChainIfDue } from "../../src/core/jobs/anchor-audit-chain.ts";
import type { AuditAnchoring } from "../../src/core/ports/audit-anchor-store.ts";
import { ed25519Signer, ed25519Verifier } from "../../src/infra/audit-signing-key.ts";
import { AzureAuditAnchorStore } from "../../src/infra/blob/azure-audit-anchor-store.ts";
import { startAzurite, type RunningAzurite } from "../../src/infra/blob/azurite.ts";
import { useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { expectCode } from "../support/expect-code.ts";
import { P } from "../support/test-policy.ts";

let azurite: RunningAzurite;
beforeAll(async () => {
  azurite = await startAzurite({ location: "memory" });
});
afterAll(async () => {
  await azurite?.stop();
});

async function freshAnchoring(): Promise<AuditAnchoring & { store: AzureAuditAnchorStore }> {
  const store = AzureAuditAnchorStore.fromConnectionString(azurite.connectionString, `anchors-${randomBytes(6).toString("hex")}`);
  await store.ensureContainer();
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { store, signer: ed25519Signer(privateKey), verifier: ed25519Verifier([publicKey]) };
}

describe.each(DATABASE_KINDS)("audit chain anchored outside the database on %s", (kind) => {
  const t = useTestCore(kind, { linkEveryone: false });
  const sql = (text: string) => t.ctx.db.$executeRawUnsafe(text);
  const add = (n: number) => transact(t.ctx, (tx) => appendAudit(tx, { at: t.clock.now(), actor: "system", action: "test.step" as AuditAction, subjectType: "test", details: { n } }));

  beforeEach(async () => {
    t.ctx.anchoring = await freshAnchoring();
    for (let i = 1; i <= 3; i++) await add(i);
    expect(await writeAuditAnchor(t.ctx)).toMatchObject({ written: true, anchor: { seq: 3n } });
    for (let i = 4; i <= 6; i++) await add(i);
    expect(await writeAuditAnchor(t.ctx)).toMatchObject({ written: true, anchor: { seq: 6n } });
  });

  /** The compliance notices queued for the DPO with this title (the DPO is not linked to a chat platform here). */
  async function dpoNotices(title: string) {
    const rows = await t.ctx.db.outboxMessage.findMany({ where: { recipientEmail: P.dpo, kind: "compliance-notice" } });
    return rows.map((r) => r.payload as { title: string; lines: string[] }).filter((p) => p.title === title);
  }

  /** Recomputes every hash from `from` on, as someone with database write access could. */
  async function rehashFrom(from: bigint) {
    const rows = await t.ctx.db.auditEntry.findMany({ where: { seq: { gte: from } }, orderBy: { seq: "asc" } });
    let prev = (await t.ctx.db.auditEntry.findUniqueOrThrow({ where: { seq: from - 1n } })).hash;
    for (const row of rows) {
      const hash = hashEntry({ ...row, prevHash: prev });
      await t.ctx.db.auditEntry.update({ where: { seq: row.seq }, data: { prevHash: prev, hash } });
      prev = hash;
    }
    await t.ctx.db.auditHead.update({ where: { id: 1 }, data: { hash: prev } });
  }

  it("passes an untouched log against its anchors, and does not anchor an unmoved head twice", async () => {
    const status = await verifyAuditChainFully(t.ctx);
    expect(status).toMatchObject({ ok: true, checked: 6, anchors: { checked: 2, newestSeq: 6n }, openBreaks: [] });
    expect(await writeAuditAnchor(t.ctx)).toEqual({ written: false, reason: "unchanged" });
  });

  it("tamper 1: detects one edited entry", async () => {
    await sql(`UPDATE "AuditEntry" SET actor = 'mallory@trust.example' WHERE seq = 2`);
    const status = await verifyAuditChainFully(t.ctx);
    expect(status.ok).toBe(false);
    expect(status.firstBad).toMatchObject({ seq: 2n, problem: "entry 2 was altered after it was written" });
  });

  it("tamper 2: detects a deleted middle entry", async () => {
    await sql(`DELETE FROM "AuditEntry" WHERE seq = 4`);
    const status = await verifyAuditChainFully(t.ctx);
    expect(status.ok).toBe(false);
    expect(status.firstBad?.seq).toBe(4n);
    expect(status.firstBad?.problem).toContain("missing");
  });

  it("tamper 3: detects a tail cut with the head moved back, which the chain alone accepts", async () => {
    const four = await t.ctx.db.auditEntry.findUniqueOrThrow({ where: { seq: 4n } });
    await sql(`DELETE FROM "AuditEntry" WHERE seq >= 5`);
    await t.ctx.db.auditHead.update({ where: { id: 1 }, data: { seq: 4n, hash: four.hash } });
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    const status = await verifyAuditChainFully(t.ctx);
    expect(status.ok).toBe(false);
    expect(status.firstBad).toMatchObject({ seq: 5n, problem: expect.stringContaining("removed from the end") });
    expect(status.openBreaks.map((b) => b.kind)).toEqual(["missing-tail"]);
  });

  it("tamper 4: detects an edit with every later hash recomputed (a full rewrite), which the chain alone accepts", async () => {
    await sql(`UPDATE "AuditEntry" SET details = '{"n":99}' WHERE seq = 2`);
    await rehashFrom(2n);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    const status = await verifyAuditChainFully(t.ctx);
    expect(status.ok).toBe(false);
    expect(status.firstBad).toMatchObject({ seq: 3n, problem: expect.stringContaining("differs from the signed anchor") });
    // The incremental check every summary runs sees it too.
    expect((await verifyAuditChainIncrementally(t.ctx)).ok).toBe(false);
  });

  it("tamper 5: detects a rewrite of the whole database from the first entry", async () => {
    await sql(`UPDATE "AuditEntry" SET actor = 'mallory@trust.example'`);
    const [first] = await t.ctx.db.auditEntry.findMany({ where: { seq: 1n } });
    await t.ctx.db.auditEntry.update({ where: { seq: 1n }, data: { hash: hashEntry(first!) } });
    await rehashFrom(2n);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    const status = await verifyAuditChainFully(t.ctx);
    expect(status.ok).toBe(false);
    expect(status.openBreaks.map((b) => b.kind)).toEqual(["anchor-mismatch"]);
  });

  it("tamper 6: detects a forged anchor (a bad signature, or another key) appended to the store", async () => {
    const anchoring = t.ctx.anchoring!;
    const head = await t.ctx.db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    const { privateKey } = generateKeyPairSync("ed25519");
    await anchoring.store.append(signAnchor(ed25519Signer(privateKey), { seq: head.seq, hash: head.hash, at: t.clock.now() }));
    const status = await verifyAuditChainFully(t.ctx);
    expect(status.ok).toBe(false);
    expect(status.firstBad?.problem).toContain("anchor 3 in the anchor store cannot be trusted");

    // A genuine anchor with its hash changed no longer verifies either.
    const other = await freshAnchoring();
    const genuine = JSON.parse(signAnchor(other.signer!, { seq: 6n, hash: head.hash, at: t.clock.now() })) as { anchor: { hash: string } };
    genuine.anchor.hash = "0".repeat(64);
    await other.store.append(JSON.stringify(genuine));
    t.ctx.anchoring = other;
    expect((await verifyAuditChainFully(t.ctx)).openBreaks.map((b) => b.kind)).toContain("anchor-forged");
  });

  it("tamper 7: catches a full rewrite through the stored checkpoint even without anchors, and a clean pass does not overwrite it", async () => {
    delete t.ctx.anchoring;
    expect((await verifyAuditChainFully(t.ctx)).ok).toBe(true);
    const before = (await t.ctx.db.jobLease.findUniqueOrThrow({ where: { name: AUDIT_VERIFY_JOB } })).lastResult;
    await sql(`UPDATE "AuditEntry" SET actor = 'mallory@trust.example' WHERE seq = 3`);
    await rehashFrom(3n);
    const status = await verifyAuditChainFully(t.ctx);
    expect(status.ok).toBe(false);
    expect(status.openBreaks.map((b) => b.kind)).toEqual(["checkpoint"]);
    // A later run that finds the chain's links fine leaves the checkpoint where the break was found.
    await verifyAuditChainFully(t.ctx);
    expect((await t.ctx.db.jobLease.findUniqueOrThrow({ where: { name: AUDIT_VERIFY_JOB } })).lastResult).toEqual(before);
  });

  it("keeps a break reported after a clean check until a DPO acknowledges it, refusing and auditing anyone else", async () => {
    await sql(`UPDATE "AuditEntry" SET actor = 'mallory@trust.example' WHERE seq = 2`);
    const broken = await verifyAuditChainFully(t.ctx);
    expect(broken.openBreaks).toHaveLength(1);
    // Put back: the chain now verifies, but the break stays on record.
    await sql(`UPDATE "AuditEntry" SET actor = 'system' WHERE seq = 2`);
    const later = await verifyAuditChainFully(t.ctx);
    expect(later).toMatchObject({ ok: false, firstBad: { seq: 2n } });
    expect((await verifyAuditChainIncrementally(t.ctx)).ok).toBe(false);
    const id = later.openBreaks[0]!.id;

    await expectCode(acknowledgeAuditBreak(t.ctx, { actorEmail: P.requester, breakId: id, reason: "looked into it" }), "FORBIDDEN");
    expect(await t.ctx.db.auditEntry.count({ where: { action: "compliance.access.refused", actor: P.requester } })).toBe(1);
    await expectCode(acknowledgeAuditBreak(t.ctx, { actorEmail: P.dpo, breakId: id, reason: "" }), "REASON_REQUIRED");
    expect((await verifyAuditChainFully(t.ctx)).ok).toBe(false);

    await acknowledgeAuditBreak(t.ctx, { actorEmail: P.dpo, breakId: id, reason: "Restored entry 2 from the nightly backup" });
    const ack = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "audit.break.acknowledged" } });
    expect(ack).toMatchObject({ actor: P.dpo, subjectId: id });
    await expectCode(acknowledgeAuditBreak(t.ctx, { actorEmail: P.dpo, breakId: id, reason: "again, twice" }), "ALREADY_DONE");
    expect(await verifyAuditChainFully(t.ctx)).toMatchObject({ ok: true, openBreaks: [] });
    expect(await t.ctx.db.auditEntry.count({ where: { action: "audit.break.found" } })).toBe(1);
  });

  it("tells every DPO of a new break once, and of each anchor the hourly job writes", async () => {
    await sql(`UPDATE "AuditEntry" SET actor = 'mallory@trust.example' WHERE seq = 2`);
    await verifyAuditChainFully(t.ctx);
    await verifyAuditChainFully(t.ctx);
    const notices = await dpoNotices("The audit log has been altered");
    expect(notices).toHaveLength(1);
    expect(notices[0]!.lines[0]).toContain("entry 2");
  });

  it("anchors hourly when the head moved, once across instances, and never a broken chain", async () => {
    await add(7);
    const [a, b] = await Promise.all([anchorAuditChainIfDue(t.ctx), anchorAuditChainIfDue(t.ctx)]);
    const ran = [a, b].filter((r) => r !== undefined);
    expect(ran).toEqual([expect.objectContaining({ written: true, anchor: expect.objectContaining({ seq: 7n }) })]);
    const head = await t.ctx.db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    const [notice] = await dpoNotices("Audit log anchored");
    expect(notice?.lines[0]).toContain(`Entry 7 of the audit log has hash ${head.hash}`);

    await add(8);
    t.clock.advance(30 * 60_000);
    expect(await anchorAuditChainIfDue(t.ctx)).toBeUndefined();
    t.clock.advance(31 * 60_000);
    await sql(`UPDATE "AuditEntry" SET actor = 'mallory@trust.example' WHERE seq = 8`);
    expect(await anchorAuditChainIfDue(t.ctx)).toMatchObject({ written: false, reason: "chain-broken" });
  });
});

describe("the Azure anchor store", () => {
  afterEach(() => vi.restoreAllMocks());

  it("only creates a missing append blob and appends to it: never uploads, overwrites or deletes", async () => {
    const calls = [
      vi.spyOn(BlockBlobClient.prototype, "upload"),
      vi.spyOn(BlockBlobClient.prototype, "uploadData"),
      vi.spyOn(BlobClient.prototype, "delete"),
      vi.spyOn(BlobClient.prototype, "deleteIfExists"),
      vi.spyOn(BlobClient.prototype, "setMetadata"),
      vi.spyOn(ContainerClient.prototype, "delete"),
    ];
    const appended = vi.spyOn(AppendBlobClient.prototype, "appendBlock");
    const created = vi.spyOn(AppendBlobClient.prototype, "createIfNotExists");
    const { store } = await freshAnchoring();
    await store.append('{"first":1}');
    await store.append('{"second":2}');
    expect(await store.list()).toEqual(['{"first":1}', '{"second":2}']);
    expect(appended).toHaveBeenCalledTimes(2);
    expect(created).toHaveBeenCalledTimes(2);
    for (const spy of calls) expect(spy).not.toHaveBeenCalled();
  });
});
