/**
 * The retention sweep against Azurite and both databases: what is due under
 * which rule, what protects a recording, the deletion record, batching and
 * audit, once-a-day scheduling, and two instances racing.
 */
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inject } from "vitest";
import type { CoreContext } from "../../src/core/context.ts";
import { placeHold } from "../../src/core/holds/place-hold.ts";
import { releaseHold } from "../../src/core/holds/release-hold.ts";
import { sweepRetention, sweepRetentionIfDue } from "../../src/core/jobs/sweep-retention.ts";
import { openPlayback } from "../../src/core/playback/open-playback.ts";
import type { RecordingStore } from "../../src/core/ports/recording-store.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { loadRequestView } from "../../src/core/requests/request-view.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { deleteRecordings, sha256 } from "../../src/core/retention/delete-recordings.ts";
import { openDatabase, type Database } from "../../src/infra/db/open-database.ts";
import { renderRefusal } from "../../src/infra/http/playback/render.ts";
import { addRecording, NOW, useTestCore } from "../support/core.ts";
import { auditText } from "../support/expect-code.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { withDatabase } from "../support/global-setup.ts";
import { useTestStorage } from "../support/storage.ts";
import { P, testPolicy } from "../support/test-policy.ts";

const DAY = 86_400_000;
const policy = () => testPolicy({ retention: { default: "12 months", sites: { south: "90 days" }, classes: { safeguarding: "6 years" } } });

const storage = useTestStorage();

/** A catalogue row with its audio uploaded to Azurite, in a retention class where given. */
async function recording(ctx: CoreContext, fields: Parameters<typeof addRecording>[1] & { retentionClass?: string }) {
  const row = await storage.addRecording(ctx, fields);
  if (fields.retentionClass) return ctx.db.recording.update({ where: { id: row.id }, data: { retentionClass: fields.retentionClass } });
  return row;
}

const exists = async (ctx: CoreContext, row: { id: string; blobName: string | null }) => ({
  row: (await ctx.db.recording.count({ where: { id: row.id } })) === 1,
  blob: row.blobName ? await storage.recordings.exists(row.blobName) : false,
});

describe.each(DATABASE_KINDS)("retention sweep on %s", (kind) => {
  const t = useTestCore(kind, () => ({ policy: policy() }));
  beforeEach(async () => {
    storage.attach(t.ctx);
  });

  it("deletes the audio and the catalogue row of a recording past retention, leaving a deletion record without the number", async () => {
    const old = await recording(t.ctx, { startedAt: new Date("2025-10-01T10:00:00Z"), number: "020 7946 0001" });
    expect(await exists(t.ctx, old)).toEqual({ row: true, blob: true });

    const result = await sweepRetention(t.ctx);

    expect(result).toMatchObject({ ran: true, dryRun: false, due: 1, held: 0, deleted: 1, batches: 1 });
    expect(await exists(t.ctx, old)).toEqual({ row: false, blob: false });
    const [record, ...others] = await t.ctx.db.deletionRecord.findMany();
    expect(others).toHaveLength(0);
    expect(record).toMatchObject({ callId: old.callId, rule: "retention:default:12 months", deletedBy: "system", runId: result.runId, blobSha256: sha256(old.blobName!) });
    expect(record!.rowSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(record!.deletedAt).toEqual(NOW);
    const stored = JSON.stringify(record);
    expect(stored).not.toContain("7946");
    expect(stored).not.toContain(old.blobName!);
  });

  it("keeps recordings within retention and applies the class rule before the site rule before the default", async () => {
    const defaultOld = await recording(t.ctx, { startedAt: new Date("2025-11-01T10:00:00Z") });
    const defaultYoung = await recording(t.ctx, { startedAt: new Date("2026-06-01T10:00:00Z") });
    const southOld = await recording(t.ctx, { startedAt: new Date("2026-07-01T10:00:00Z"), siteId: "south" });
    const southYoung = await recording(t.ctx, { startedAt: new Date("2026-10-01T10:00:00Z"), siteId: "south" });
    const classYoung = await recording(t.ctx, { startedAt: new Date("2024-01-01T10:00:00Z"), retentionClass: "safeguarding" });
    const classOverSite = await recording(t.ctx, { startedAt: new Date("2026-01-01T10:00:00Z"), siteId: "south", retentionClass: "safeguarding" });
    const classOld = await recording(t.ctx, { startedAt: new Date("2019-01-01T10:00:00Z"), siteId: "south", retentionClass: "safeguarding" });
    const unknownClass = await recording(t.ctx, { startedAt: new Date("2026-07-01T10:00:00Z"), siteId: "south", retentionClass: "no-such-class" });

    const result = await sweepRetention(t.ctx);

    expect(result.deleted).toBe(4);
    for (const kept of [defaultYoung, southYoung, classYoung, classOverSite]) expect(await exists(t.ctx, kept)).toEqual({ row: true, blob: true });
    for (const gone of [defaultOld, southOld, classOld, unknownClass]) expect(await exists(t.ctx, gone)).toEqual({ row: false, blob: false });
    const rules = Object.fromEntries((await t.ctx.db.deletionRecord.findMany()).map((r) => [r.callId, r.rule]));
    expect(rules).toEqual({
      [defaultOld.callId]: "retention:default:12 months",
      [southOld.callId]: "retention:site:south:90 days",
      [unknownClass.callId]: "retention:site:south:90 days",
      [classOld.callId]: "retention:class:safeguarding:6 years",
    });
    expect(result.byRule.map((r) => [r.rule, r.deleted])).toEqual([
      ["retention:class:safeguarding:6 years", 1],
      ["retention:default:12 months", 1],
      ["retention:site:south:90 days", 2],
    ]);
  });

  it("counts by rule in a dry run and deletes nothing", async () => {
    const a = await recording(t.ctx, { startedAt: new Date("2025-01-01T10:00:00Z") });
    const b = await recording(t.ctx, { startedAt: new Date("2026-07-01T10:00:00Z"), siteId: "south" });
    const c = await recording(t.ctx, { startedAt: new Date("2025-02-01T10:00:00Z"), number: "0113 496 0001" });
    await placeHold(t.ctx, { actorEmail: P.dpo, numbers: ["0113 496 0001"], reason: "Complaint to the ombudsman" });

    const dry = await sweepRetention(t.ctx, { dryRun: true });

    expect(dry).toMatchObject({ dryRun: true, due: 3, held: 1, deleted: 0, batches: 0 });
    expect(dry.byRule).toEqual([
      { rule: "retention:default:12 months", due: 2, held: 1, deleted: 0 },
      { rule: "retention:site:south:90 days", due: 1, held: 0, deleted: 0 },
    ]);
    for (const row of [a, b, c]) expect(await exists(t.ctx, row)).toEqual({ row: true, blob: true });
    expect(await t.ctx.db.deletionRecord.count()).toBe(0);
    expect(await t.ctx.db.jobLease.count()).toBe(0);
  });

  it("never deletes a recording under a legal hold, an investigation or a subject access hold", async () => {
    const legal = await recording(t.ctx, { startedAt: new Date("2025-01-01T10:00:00Z"), number: "020 7946 0011" });
    const investigation = await recording(t.ctx, { startedAt: new Date("2025-01-02T10:00:00Z"), number: "020 7946 0012" });
    const sar = await recording(t.ctx, { startedAt: new Date("2025-01-03T10:00:00Z"), number: "020 7946 0013" });
    const free = await recording(t.ctx, { startedAt: new Date("2025-01-04T10:00:00Z"), number: "020 7946 0014" });
    await placeHold(t.ctx, { actorEmail: P.dpo, numbers: ["020 7946 0011"], reason: "Employment tribunal claim" });
    await placeHold(t.ctx, { actorEmail: P.dpo, callIds: [investigation.callId], kind: "INVESTIGATION", reason: "Fraud investigation" });
    // Subject access holds are placed by subject access requests; made directly here.
    const subjectHold = await t.ctx.db.hold.create({ data: { reference: "HOLD-900001", kind: "SUBJECT_ACCESS", reason: "SAR", maskedNumbers: [], createdBy: P.dpo, createdAt: NOW } });
    await t.ctx.db.heldRecording.create({ data: { holdId: subjectHold.id, recordingId: sar.id } });

    const result = await sweepRetention(t.ctx);

    expect(result).toMatchObject({ due: 4, held: 3, deleted: 1 });
    for (const kept of [legal, investigation, sar]) expect(await exists(t.ctx, kept)).toEqual({ row: true, blob: true });
    expect(await exists(t.ctx, free)).toEqual({ row: false, blob: false });
  });

  it("keeps a recording an open request may be about, or one with a live playback link", async () => {
    // The request's window (19 Nov 2025, 14:00-15:00 north) covers this old call: someone is waiting to hear it.
    const inWindow = await recording(t.ctx, { startedAt: new Date("2025-11-19T14:20:00Z") });
    t.clock.set(new Date("2025-11-20T12:00:00Z"));
    const pending = await submitRequest(t.ctx, { requesterEmail: P.requester, purposeId: "disciplinary", date: "2025-11-19", time: "14:30", number: "020 7946 0001", reason: "Complaint about this call" });
    // A fulfilled request with a live link.
    const linked = await recording(t.ctx, { startedAt: new Date("2025-11-18T09:35:00Z"), number: "020 7946 0002" });
    const granted = await submitRequest(t.ctx, { requesterEmail: P.requester, purposeId: "safeguarding", date: "2025-11-18", time: "09:30", number: "020 7946 0002", reason: "Safeguarding concern raised" });
    await recordDecision(t.ctx, { requestId: granted.id, deciderEmail: P.ceo, outcome: "approve" });
    expect(await t.ctx.db.playbackGrant.count({ where: { recordingId: linked.id } })).toBe(1);
    const other = await recording(t.ctx, { startedAt: new Date("2025-11-01T10:00:00Z"), number: "020 7946 0003" });

    // A year on: all three are past retention. The pending request is still open (made so again after chasing would have closed it).
    t.clock.set(new Date("2026-11-20T12:00:00Z"));
    await t.ctx.db.playbackGrant.updateMany({ where: { recordingId: linked.id }, data: { expiresAt: new Date("2026-12-01T00:00:00Z") } });
    const result = await sweepRetention(t.ctx);

    expect(result).toMatchObject({ due: 3, held: 2, deleted: 1 });
    expect(await exists(t.ctx, inWindow)).toEqual({ row: true, blob: true });
    expect(await exists(t.ctx, linked)).toEqual({ row: true, blob: true });
    expect(await exists(t.ctx, other)).toEqual({ row: false, blob: false });

    // Once the request is closed and the link has ended, both go.
    await t.ctx.db.recordingRequest.update({ where: { id: pending.id }, data: { status: "WITHDRAWN", closedAt: NOW } });
    await t.ctx.db.playbackGrant.updateMany({ where: { recordingId: linked.id }, data: { revokedAt: NOW, revokedBy: P.dpo } });
    t.clock.advance(DAY);
    expect((await sweepRetention(t.ctx)).deleted).toBe(2);
    expect(await exists(t.ctx, linked)).toEqual({ row: false, blob: false });
  });

  it("deletes a recording once its hold is released", async () => {
    const row = await recording(t.ctx, { startedAt: new Date("2025-01-01T10:00:00Z"), number: "020 7946 0021" });
    const hold = await placeHold(t.ctx, { actorEmail: P.dpo, numbers: ["020 7946 0021"], reason: "Insurance claim" });
    expect((await sweepRetention(t.ctx)).deleted).toBe(0);
    await releaseHold(t.ctx, { actorEmail: P.dpo, reference: hold.reference, reason: "Claim settled" });
    expect((await sweepRetention(t.ctx)).deleted).toBe(1);
    expect(await exists(t.ctx, row)).toEqual({ row: false, blob: false });
  });

  it("deletes a call log without audio without touching storage", async () => {
    const log = await addRecording(t.ctx, { startedAt: new Date("2025-01-01T10:00:00Z"), audio: false });
    t.ctx.recordings = undefined;
    expect((await sweepRetention(t.ctx)).deleted).toBe(1);
    const record = await t.ctx.db.deletionRecord.findFirstOrThrow();
    expect(record).toMatchObject({ callId: log.callId, blobSha256: null });
  });

  it("deletes in batches, with one audit entry per batch that names no number", async () => {
    for (let i = 0; i < 5; i++) await recording(t.ctx, { startedAt: new Date(Date.UTC(2025, 0, 1 + i, 10)), number: `020 7946 03${i}0` });
    const progress: Array<[number, number]> = [];

    const result = await sweepRetention(t.ctx, { batchSize: 2, onProgress: (done, total) => void progress.push([done, total]) });

    expect(result).toMatchObject({ deleted: 5, batches: 3 });
    expect(progress).toEqual([[0, 5], [2, 5], [4, 5], [5, 5]]);
    const batches = await t.ctx.db.auditEntry.findMany({ where: { action: "retention.deleted" }, orderBy: { seq: "asc" } });
    expect(batches.map((b) => (b.details as { deleted: number }).deleted)).toEqual([2, 2, 1]);
    expect(batches.every((b) => b.subjectId === result.runId && (b.details as { runId: string }).runId === result.runId)).toBe(true);
    expect(batches[0]!.details).toMatchObject({ rules: { "retention:default:12 months": 2 } });
    const summary = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "retention.swept" } });
    expect(summary.details).toMatchObject({ deleted: 5, due: 5 });
    expect(auditText(await t.ctx.db.auditEntry.findMany())).not.toMatch(/7946|\+44/);
  });

  it("lets a hold placed after the sweep took its snapshot win over the deletion", async () => {
    const first = await recording(t.ctx, { startedAt: new Date("2025-01-01T10:00:00Z"), number: "020 7946 0031" });
    const second = await recording(t.ctx, { startedAt: new Date("2025-01-02T10:00:00Z"), number: "020 7946 0032" });
    // After the first batch commits, the second recording's id is already in the sweep's page
    // (one snapshot): only the re-check after locking can see a hold committed now.
    const result = await sweepRetention(t.ctx, {
      batchSize: 1,
      onProgress: async (done) => {
        if (done === 1) await placeHold(t.ctx, { actorEmail: P.dpo, numbers: ["020 7946 0032"], reason: "Late litigation hold" });
      },
    });

    expect(result).toMatchObject({ due: 2, deleted: 1, held: 1, batches: 2 });
    expect(await exists(t.ctx, first)).toEqual({ row: false, blob: false });
    expect(await exists(t.ctx, second)).toEqual({ row: true, blob: true });
    expect(await t.ctx.db.heldRecording.count({ where: { recordingId: second.id } })).toBe(1);
  });

  it("re-checks holds after locking: candidates from an older snapshot that are held by now are kept", async () => {
    const a = await recording(t.ctx, { startedAt: new Date("2025-01-01T10:00:00Z"), number: "020 7946 0041" });
    const b = await recording(t.ctx, { startedAt: new Date("2025-01-02T10:00:00Z"), number: "020 7946 0042" });
    const snapshot = [a.id, b.id];
    await placeHold(t.ctx, { actorEmail: P.dpo, numbers: ["020 7946 0042"], reason: "Placed after the snapshot" });

    const result = await deleteRecordings(t.ctx, {
      candidateIds: snapshot,
      ruleFor: () => "retention:default:12 months",
      actor: "system",
      runId: "00000000-0000-4000-8000-000000000001",
      audit: { action: "retention.deleted", subjectType: "retention-run", subjectId: "test" },
    });

    expect(result).toMatchObject({ deleted: 1, held: 1, skipped: 0 });
    expect(await exists(t.ctx, a)).toEqual({ row: false, blob: false });
    expect(await exists(t.ctx, b)).toEqual({ row: true, blob: true });
  });

  it("runs once a day: the scheduler's hourly check skips once today's sweep has completed", async () => {
    await recording(t.ctx, { startedAt: new Date("2025-01-01T10:00:00Z") });
    const first = await sweepRetentionIfDue(t.ctx);
    expect(first).toMatchObject({ ran: true, deleted: 1 });
    const lease = await t.ctx.db.jobLease.findUniqueOrThrow({ where: { name: "retention-sweep" } });
    expect(lease).toMatchObject({ holder: null, leaseUntil: null, lastFinishedAt: NOW });
    expect(lease.lastResult).toMatchObject({ deleted: 1 });

    await recording(t.ctx, { startedAt: new Date("2025-01-02T10:00:00Z") });
    t.clock.advance(3_600_000);
    expect(await sweepRetentionIfDue(t.ctx)).toMatchObject({ ran: false });
    expect(await t.ctx.db.recording.count()).toBe(1);

    // Midnight in London: a new day.
    t.clock.set(new Date("2026-11-21T00:30:00Z"));
    expect(await sweepRetentionIfDue(t.ctx)).toMatchObject({ ran: true, deleted: 1 });
  });

  it("takes over the sweep from an instance whose lease lapsed, but not from one still holding it", async () => {
    await recording(t.ctx, { startedAt: new Date("2025-01-01T10:00:00Z") });
    await t.ctx.db.jobLease.create({ data: { name: "retention-sweep", holder: "other-instance", leaseUntil: new Date(NOW.getTime() + 60_000), lastStartedAt: NOW } });
    expect(await sweepRetention(t.ctx)).toMatchObject({ ran: false, deleted: 0 });
    expect(await t.ctx.db.recording.count()).toBe(1);
    t.clock.advance(61_000);
    expect(await sweepRetention(t.ctx)).toMatchObject({ ran: true, deleted: 1 });
  });

  it("finishes the job on the next run when a crash left rows whose audio was already deleted", async () => {
    const rows = [
      await recording(t.ctx, { startedAt: new Date("2025-01-01T10:00:00Z") }),
      await recording(t.ctx, { startedAt: new Date("2025-01-02T10:00:00Z") }),
    ];
    const real = t.ctx.recordings!;
    let deletes = 0;
    // Storage deletes the first blob, then fails: the transaction rolls back, so both rows stay.
    const failing: RecordingStore = {
      ...real,
      listPage: real.listPage.bind(real),
      readRange: real.readRange.bind(real),
      read: real.read.bind(real),
      ping: real.ping.bind(real),
      delete: async (name) => {
        if (++deletes > 1) throw new Error("storage went away");
        await real.delete(name);
      },
    };
    t.ctx.recordings = failing;
    await expect(sweepRetention(t.ctx, { batchSize: 10 })).rejects.toThrow("storage went away");
    expect(await t.ctx.db.recording.count()).toBe(2);
    expect(await t.ctx.db.deletionRecord.count()).toBe(0);
    expect(await t.ctx.db.jobLease.findUniqueOrThrow({ where: { name: "retention-sweep" } })).toMatchObject({ holder: null, lastFinishedAt: null });

    t.ctx.recordings = real;
    expect((await sweepRetention(t.ctx)).deleted).toBe(2);
    for (const row of rows) expect(await exists(t.ctx, row)).toEqual({ row: false, blob: false });
    expect(await t.ctx.db.deletionRecord.count()).toBe(2);
  });

  it("answers a playback link to a recording deleted under retention by saying so, and the request shows it", async () => {
    t.clock.set(new Date("2025-11-20T12:00:00Z"));
    const row = await recording(t.ctx, { startedAt: new Date("2025-11-19T14:35:00Z") });
    const request = await submitRequest(t.ctx, { requesterEmail: P.requester, purposeId: "safeguarding", date: "2025-11-19", time: "14:30", number: "020 7946 0001", reason: "Abusive call reported by the office" });
    await recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.ceo, outcome: "approve" });
    await t.deliver();
    const granted = t.channel.to(P.requester, "access-granted")[0];
    const token = granted?.kind === "access-granted" ? granted.playbackUrl.split("/play/")[1]! : "";
    expect(token).toHaveLength(43);

    t.clock.set(NOW);
    expect((await sweepRetention(t.ctx)).deleted).toBe(1);
    expect(await exists(t.ctx, row)).toEqual({ row: false, blob: false });
    expect((await t.ctx.db.playbackGrant.findFirstOrThrow()).recordingId).toBeNull();

    const opened = await openPlayback(t.ctx, { token, clientIp: "127.0.0.1", userAgent: "test", browserSecret: null });
    expect(opened).toMatchObject({ outcome: "ended", reason: "recording-deleted" });
    if (opened.outcome !== "ended") throw new Error("expected the link to have ended");
    const page = renderRefusal(opened);
    expect(page.status).toBe(410);
    expect(page.html).toContain("retention policy or an erasure request required");

    const view = await loadRequestView(t.ctx.db, t.ctx.policy, request.reference);
    expect(view.status).toBe("FULFILLED");
    expect(view.statusText).toContain("recording has since been deleted (retention or erasure)");
  });
});

describe("retention sweep instances racing on PostgreSQL", () => {
  const t = useTestCore("postgresql", () => ({ policy: policy() }));
  let second: Database;
  let url: string;
  beforeEach(async () => {
    storage.attach(t.ctx);
    const [row] = await t.ctx.db.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`;
    url = withDatabase(inject("pgAdminUrl"), row!.name);
    second = await openDatabase({ kind: "postgresql", url });
  });
  afterEach(async () => {
    await second.close();
  });

  const otherInstance = (): CoreContext => ({ ...t.ctx, db: second.prisma });

  it("lets only one of two instances claim the sweep, and deletes each recording exactly once", async () => {
    const rows = [];
    for (let i = 0; i < 12; i++) rows.push(await recording(t.ctx, { startedAt: new Date(Date.UTC(2025, 0, 1 + i, 10)) }));

    const [a, b] = await Promise.all([sweepRetention(t.ctx, { batchSize: 3 }), sweepRetention(otherInstance(), { batchSize: 3 })]);

    expect([a.ran, b.ran].filter(Boolean)).toHaveLength(1);
    expect(a.deleted + b.deleted).toBe(12);
    const records = await t.ctx.db.deletionRecord.findMany();
    expect(records).toHaveLength(12);
    expect(new Set(records.map((r) => r.callId)).size).toBe(12);
    for (const row of rows) expect(await exists(t.ctx, row)).toEqual({ row: false, blob: false });
  });

  it("never deletes a recording twice when two deletions race over the same candidates", async () => {
    const rows = [];
    for (let i = 0; i < 40; i++) rows.push(await recording(t.ctx, { startedAt: new Date(Date.UTC(2025, 0, 1, 10, i)) }));
    const ids = rows.map((r) => r.id);
    const run = (ctx: CoreContext, runId: string, order: string[]) =>
      deleteRecordings(ctx, { candidateIds: order, ruleFor: () => "retention:default:12 months", actor: "system", runId, batchSize: 7, audit: { action: "retention.deleted", subjectType: "retention-run", subjectId: runId } });

    const [a, b] = await Promise.all([
      run(t.ctx, "00000000-0000-4000-8000-00000000000a", ids),
      run(otherInstance(), "00000000-0000-4000-8000-00000000000b", [...ids].reverse()),
    ]);

    expect(a.deleted + b.deleted).toBe(40);
    const records = await t.ctx.db.deletionRecord.findMany();
    expect(records).toHaveLength(40);
    expect(new Set(records.map((r) => r.callId)).size).toBe(40);
    expect(await t.ctx.db.recording.count()).toBe(0);
  });

  it("skips, without waiting, a recording whose hold is being placed, and the committed hold then keeps it", async () => {
    const held = await recording(t.ctx, { startedAt: new Date("2025-01-01T10:00:00Z"), number: "020 7946 0051" });
    const free = await recording(t.ctx, { startedAt: new Date("2025-01-02T10:00:00Z"), number: "020 7946 0052" });
    // Another instance is placing a hold: its transaction has linked the recording but not committed.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO "Hold" (id, reference, kind, reason, "maskedNumbers", "createdBy", "createdAt") VALUES (gen_random_uuid(), 'HOLD-900002', 'LEGAL', 'litigation', '{}', $1, now()) RETURNING id`,
        [P.dpo],
      );
      await client.query(`INSERT INTO "HeldRecording" ("holdId", "recordingId") VALUES ($1, $2)`, [rows[0]!.id, held.id]);

      const started = Date.now();
      const result = await sweepRetention(t.ctx);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result).toMatchObject({ deleted: 1, skipped: 1 });
      await client.query("COMMIT");
    } finally {
      await client.end();
    }
    expect(await exists(t.ctx, held)).toEqual({ row: true, blob: true });
    expect(await exists(t.ctx, free)).toEqual({ row: false, blob: false });
    t.clock.advance(DAY);
    expect(await sweepRetention(t.ctx)).toMatchObject({ due: 1, held: 1, deleted: 0 });
    expect(await exists(t.ctx, held)).toEqual({ row: true, blob: true });
  });

  it("never lets a hold placed during a sweep end up holding a deleted recording, nor fail", async () => {
    const rows = [];
    for (let i = 0; i < 30; i++) rows.push(await recording(t.ctx, { startedAt: new Date(Date.UTC(2025, 0, 1, 10, i)), number: "020 7946 0061" }));

    const [sweep, hold] = await Promise.all([
      sweepRetention(t.ctx, { batchSize: 5 }),
      new Promise((resolve) => setTimeout(resolve, 30)).then(() => placeHold(otherInstance(), { actorEmail: P.dpo, numbers: ["020 7946 0061"], reason: "Placed mid-sweep" })),
    ]);

    const remaining = await t.ctx.db.recording.findMany({ select: { id: true, blobName: true } });
    const heldIds = (await t.ctx.db.heldRecording.findMany()).map((h) => h.recordingId);
    expect(hold.recordingCount).toBe(remaining.length);
    expect(heldIds.sort()).toEqual(remaining.map((r) => r.id).sort());
    expect(sweep.deleted + remaining.length).toBe(30);
    for (const row of remaining) expect(await storage.recordings.exists(row.blobName!)).toBe(true);
  });
});
