/**
 * Filling the catalogue from the recordings container (real Azurite) and from
 * call-log CSVs, on both databases.
 */
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CoreContext } from "../../src/core/context.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import type { RecordingPage, RecordingStore } from "../../src/core/ports/recording-store.ts";
import { importBlobListing } from "../../src/core/recordings/import-blob-listing.ts";
import { importCallLogCsv } from "../../src/core/recordings/import-call-log-csv.ts";
import type { AzureRecordingStore } from "../../src/infra/blob/azure-recording-store.ts";
import { startAzurite, type RunningAzurite } from "../../src/infra/blob/azurite.ts";
import { DEMO_CALLS, seedDemoRecordings } from "../../src/infra/demo/seed-demo-recordings.ts";
import type { Database } from "../../src/infra/db/open-database.ts";
import { DATABASE_KINDS, freshDatabase } from "../support/databases.ts";
import { auditText } from "../support/expect-code.ts";
import { NOW, coreContext, exportCall, freshStore } from "./recordings-fixtures.ts";

let azurite: RunningAzurite;
beforeAll(async () => {
  azurite = await startAzurite({ location: "memory" });
});
afterAll(async () => {
  await azurite?.stop();
});

/** A store that fails on a chosen listing call, as a crash or outage would. */
class FlakyStore implements RecordingStore {
  readonly tokensAsked: (string | undefined)[] = [];
  constructor(
    private readonly inner: RecordingStore,
    private readonly failOnCall?: number,
  ) {}
  async listPage(token: string | undefined, pageSize: number): Promise<RecordingPage> {
    this.tokensAsked.push(token);
    if (this.tokensAsked.length === this.failOnCall) throw new Error("connection reset");
    return this.inner.listPage(token, pageSize);
  }
  readRange: RecordingStore["readRange"] = (...args) => this.inner.readRange(...args);
  read: RecordingStore["read"] = (...args) => this.inner.read(...args);
  delete: RecordingStore["delete"] = (...args) => this.inner.delete(...args);
  ping: RecordingStore["ping"] = () => this.inner.ping();
}

async function auditActions(ctx: CoreContext) {
  return ctx.db.auditEntry.findMany({ orderBy: { seq: "asc" } });
}

describe.each(DATABASE_KINDS)("importing the catalogue on %s", (kind) => {
  let db: Database;
  let store: AzureRecordingStore;
  let ctx: CoreContext;

  beforeEach(async () => {
    db = await freshDatabase(kind);
    store = await freshStore(azurite);
    ctx = coreContext(db, store);
  });
  afterEach(async () => {
    await db?.close();
  });

  it("catalogues each valid recording once, however often it runs", async () => {
    const numbers = ["020 7946 0123", "+44 20 7946 0123", "00442079460123", "(0113) 496-0457", "0121 496 0789", "withheld", ""];
    for (const [i, number] of numbers.entries()) {
      await exportCall(store, { callId: `NF-${i}`, startUtc: `2026-11-1${i}T09:0${i}:00Z`, number, extension: "102", staffEmail: "Ben.Hughes@Northfield.example" });
    }
    await exportCall(store, { callId: "NF-int", startUtc: "2026-11-19T11:00:00Z", direction: "internal", extension: "105" });

    const progress: number[] = [];
    const first = await importBlobListing(ctx, store, { pageSize: 3, onProgress: (p) => progress.push(p.listed) });
    expect(first).toMatchObject({ pages: 3, listed: 8, added: 8, linked: 0, skipped: 0, invalid: 0, resumed: false });
    expect(progress).toEqual([3, 6, 8]);

    const second = await importBlobListing(ctx, store, { pageSize: 3 });
    expect(second).toMatchObject({ listed: 8, added: 0, skipped: 8, invalid: 0, resumed: false });
    expect(await ctx.db.recording.count()).toBe(8);

    const rows = await ctx.db.recording.findMany({ orderBy: { callId: "asc" } });
    expect(rows.map((r) => r.externalNumber)).toEqual(["+442079460123", "+442079460123", "+442079460123", "+441134960457", "+441214960789", null, null, null]);
    const nf0 = rows[0]!;
    expect(nf0).toMatchObject({
      callId: "NF-0",
      startedAt: new Date("2026-11-10T09:00:00Z"),
      durationSeconds: 60,
      direction: "INBOUND",
      extension: "102",
      siteId: "northfield",
      staffEmail: "ben.hughes@northfield.example",
      retentionClass: "standard",
      blobName: "northfield/2026/11/10/NF-0.wav",
      contentType: "audio/wav",
      source: "BLOB",
    });
    expect(Number(nf0.sizeBytes)).toBe("audio of NF-0".length);
    expect(rows.find((r) => r.callId === "NF-int")).toMatchObject({ direction: "INTERNAL", externalNumber: null });

    const audit = await auditActions(ctx);
    expect(audit.map((a) => a.action)).toEqual(Array(6).fill("catalogue.imported"));
    expect(audit[0]!.details).toEqual({ kind: "blob-listing", page: 1, listed: 3, added: 3, linked: 0, skipped: 0, invalid: 0, complete: false });
    expect(audit[5]!.details).toMatchObject({ page: 3, listed: 2, added: 0, skipped: 2, complete: true });
    expect(auditText(audit)).not.toMatch(/7946|4960/);
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true);
  });

  it("carries on from the last committed page after a crash, then starts afresh once complete", async () => {
    for (let i = 0; i < 10; i++) await exportCall(store, { callId: `NF-${String(i).padStart(2, "0")}`, startUtc: `2026-11-1${i}T09:00:00Z`, number: "020 7946 0123" });

    const crashing = new FlakyStore(store, 3);
    await expect(importBlobListing(ctx, crashing, { pageSize: 3 })).rejects.toThrow("connection reset");
    expect(await ctx.db.recording.count()).toBe(6);
    const cursor = await ctx.db.importCursor.findUniqueOrThrow({ where: { source: "blob-listing" } });
    expect(cursor).toMatchObject({ processed: 6, completedAt: null });
    expect(cursor.continuationToken).toBeTruthy();
    expect(crashing.tokensAsked[2]).toBe(cursor.continuationToken);

    const resuming = new FlakyStore(store);
    const resumed = await importBlobListing(ctx, resuming, { pageSize: 3 });
    expect(resuming.tokensAsked[0]).toBe(cursor.continuationToken);
    expect(resumed).toMatchObject({ resumed: true, pages: 2, listed: 4, added: 4, skipped: 0 });
    expect(await ctx.db.recording.count()).toBe(10);
    const done = await ctx.db.importCursor.findUniqueOrThrow({ where: { source: "blob-listing" } });
    expect(done).toMatchObject({ processed: 10, continuationToken: null, completedAt: ctx.clock.now() });

    await exportCall(store, { callId: "NF-new", startUtc: "2026-11-20T09:00:00Z", number: "0117 496 0210" });
    const again = new FlakyStore(store);
    const rerun = await importBlobListing(ctx, again, { pageSize: 3 });
    expect(again.tokensAsked[0]).toBeUndefined();
    expect(rerun).toMatchObject({ resumed: false, listed: 11, added: 1, skipped: 10 });
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true);
  });

  it("counts bad metadata with a reason and carries on", async () => {
    await exportCall(store, { callId: "OK-1", startUtc: "2026-11-19T09:00:00Z", number: "020 7946 0123" });
    await exportCall(store, { callId: "BAD-date", startUtc: "yesterday at 9", number: "020 7946 0123" });
    await exportCall(store, { callId: "BAD-future", startUtc: "2027-01-01T09:00:00Z", number: "020 7946 0123" });
    await exportCall(store, { callId: "BAD-number", startUtc: "2026-11-19T09:00:00Z", number: "0800 CALL NOW; DROP TABLE" });
    await exportCall(store, { callId: "BAD-site", startUtc: "2026-11-19T09:00:00Z", site: "elsewhere", number: "020 7946 0123" });
    await exportCall(store, { callId: "BAD-direction", startUtc: "2026-11-19T09:00:00Z", direction: "sideways" });
    await exportCall(store, { callId: "BAD-duration", startUtc: "2026-11-19T09:00:00Z", durationSeconds: -5 });
    await exportCall(store, { callId: "BAD-email", startUtc: "2026-11-19T09:00:00Z", staffEmail: "not an email" });
    await exportCall(store, { callId: "BAD-ext", startUtc: "2026-11-19T09:00:00Z", extension: "1; DROP" });
    await exportCall(store, { callId: "BAD-type", startUtc: "2026-11-19T09:00:00Z", ext: "pdf", contentType: "application/pdf" });
    await exportCall(store, { callId: "BAD-empty", startUtc: "2026-11-19T09:00:00Z", metadata: {} });
    await exportCall(store, {
      callId: "BAD-class",
      startUtc: "2026-11-19T09:00:00Z",
      metadata: { callid: "BAD-class", startutc: "2026-11-19T09:00:00Z", durationseconds: "5", direction: "internal", site: "northfield", retentionclass: "forever" },
    });
    await exportCall(store, {
      callId: "OK-3",
      startUtc: "2026-11-19T11:00:00Z",
      metadata: { callid: "OK-3", startutc: "2026-11-19T11:00:00Z", durationseconds: "5", direction: "internal", site: "northfield", retentionclass: "safeguarding" },
    });
    await exportCall(store, { callId: "OK-2", startUtc: "2026-11-19T10:00:00Z", ext: "mp3", contentType: "application/octet-stream", direction: "OUTBOUND", number: "0161 496 0321" });

    const result = await importBlobListing(ctx, store, { pageSize: 5 });
    expect(result).toMatchObject({ listed: 14, added: 3, invalid: 11 });
    const reasons = Object.fromEntries(result.invalidItems.map((i) => [i.blobName.split("/").at(-1)!.split(".")[0], i.reason]));
    expect(reasons).toEqual({
      "BAD-date": expect.stringContaining("startutc"),
      "BAD-future": "startutc is in the future",
      "BAD-number": "externalnumber is not a valid phone number",
      "BAD-site": 'site "elsewhere" is not in the policy',
      "BAD-direction": "direction must be inbound, outbound or internal",
      "BAD-duration": expect.stringContaining("durationseconds"),
      "BAD-email": "staffemail is not an e-mail address",
      "BAD-ext": expect.stringContaining("extension"),
      "BAD-type": expect.stringContaining("audio"),
      "BAD-empty": "startutc is missing",
      "BAD-class": 'retentionclass "forever" is not in the policy',
    });
    expect(await ctx.db.recording.findUniqueOrThrow({ where: { callId: "OK-3" } })).toMatchObject({ retentionClass: "safeguarding" });
    expect(JSON.stringify(result.invalidItems)).not.toContain("0800");
    const ok2 = await ctx.db.recording.findUniqueOrThrow({ where: { callId: "OK-2" } });
    expect(ok2).toMatchObject({ contentType: "audio/mpeg", direction: "OUTBOUND", externalNumber: "+441614960321" });
  });

  it("catalogues each call exactly once when two imports run at once", async () => {
    for (let i = 0; i < 6; i++) await exportCall(store, { callId: `NF-${i}`, startUtc: `2026-11-1${i}T09:00:00Z`, number: "020 7946 0123" });
    await importBlobListing(ctx, store, { pageSize: 6 }); // the cursor exists and is complete
    await exportCall(store, { callId: "NF-6", startUtc: "2026-11-19T09:00:00Z", number: "020 7946 0123" });

    const outcomes = await Promise.allSettled([importBlobListing(ctx, store, { pageSize: 2 }), importBlobListing(ctx, store, { pageSize: 2 })]);
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") expect(outcome.reason).toMatchObject({ code: "CONFLICT" });
    }
    expect(outcomes.some((o) => o.status === "fulfilled")).toBe(true);
    expect(await ctx.db.recording.count()).toBe(7);
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true);
  });

  it("keeps the first of two blobs that claim the same call id", async () => {
    await exportCall(store, { callId: "NF-9", startUtc: "2026-11-19T09:00:00Z", number: "020 7946 0123" });
    await exportCall(store, { callId: "NF-9", startUtc: "2026-11-19T09:00:00Z", number: "020 7946 0123", ext: "mp3", contentType: "audio/mpeg" });
    expect(await importBlobListing(ctx, store)).toMatchObject({ listed: 2, added: 1, skipped: 1 });
    expect(await ctx.db.recording.findUniqueOrThrow({ where: { callId: "NF-9" } })).toMatchObject({ blobName: "northfield/2026/11/19/NF-9.mp3" });
  });

  it("gives a call known from the call log its audio when the recording lands later", async () => {
    const csv = "callid,startutc,durationseconds,direction,externalnumber,extension,site\nNF-77,2026-11-19T09:00:00Z,42,inbound,020 7946 0123,102,northfield\n";
    expect(await importCallLogCsv(ctx, Readable.from([csv]))).toMatchObject({ added: 1 });
    expect(await ctx.db.recording.findUniqueOrThrow({ where: { callId: "NF-77" } })).toMatchObject({ source: "CALL_LOG", blobName: null });

    await exportCall(store, { callId: "NF-77", startUtc: "2026-11-19T09:00:00Z", number: "020 7946 0123" });
    const result = await importBlobListing(ctx, store);
    expect(result).toMatchObject({ listed: 1, added: 0, linked: 1, skipped: 0 });
    expect(await ctx.db.recording.findUniqueOrThrow({ where: { callId: "NF-77" } })).toMatchObject({
      source: "BLOB",
      blobName: "northfield/2026/11/19/NF-77.wav",
      contentType: "audio/wav",
      durationSeconds: 42,
    });
    expect(await importBlobListing(ctx, store)).toMatchObject({ linked: 0, skipped: 1 });
  });

  it("seeds the demo organisation's recordings once, all valid, on weekdays in the last fortnight", async () => {
    const first = await seedDemoRecordings(ctx, store);
    expect(first).toMatchObject({ uploaded: DEMO_CALLS.length, alreadySeeded: false, import: { added: DEMO_CALLS.length, invalid: 0 } });
    const later = await seedDemoRecordings(ctx, store, { now: new Date(NOW.getTime() + 3 * 86_400_000) });
    expect(later).toMatchObject({ uploaded: 0, alreadySeeded: true, import: { added: 0, skipped: DEMO_CALLS.length } });

    const rows = await ctx.db.recording.findMany({ orderBy: { startedAt: "asc" } });
    expect(rows).toHaveLength(DEMO_CALLS.length);
    for (const row of rows) {
      expect(row.startedAt.getTime()).toBeLessThan(NOW.getTime());
      expect(row.startedAt.getTime()).toBeGreaterThan(NOW.getTime() - 15 * 86_400_000);
      expect([1, 2, 3, 4, 5]).toContain(row.startedAt.getUTCDay());
      expect(row.blobName).toMatch(/^(northfield|riverside)\/\d{4}\/\d{2}\/\d{2}\/[A-Z]{2}-\d{8}-\d{6}-\d{4}\.wav$/);
    }
    expect(rows.filter((r) => r.staffEmail === "ben.hughes@northfield.example").every((r) => r.extension === "102" && r.siteId === "northfield")).toBe(true);
    expect(rows.filter((r) => r.staffEmail === "ellie.shaw@northfield.example").every((r) => r.extension === "201" && r.siteId === "riverside")).toBe(true);
    const audio = await fetch(await store.readUrl(rows[0]!.blobName!, new Date(Date.now() + 60_000)));
    const wav = Buffer.from(await audio.arrayBuffer());
    expect(wav.subarray(0, 4).toString()).toBe("RIFF");
    expect(wav.readUInt32LE(24)).toBe(8_000);
  });

  it("imports a call-log CSV in batches, naming bad rows by line, and adds nothing the second time", async () => {
    const csv = [
      "\uFEFFCall ID,Start UTC,Duration_Seconds,direction,External-Number,extension,site,staff_email,notes",
      "RS-1,2026-11-19T09:00:00Z,30,inbound,020 7946 0123,201,riverside,ellie.shaw@northfield.example,first",
      "RS-2,2026-11-19T10:00:00Z,31,outbound,not a number,201,riverside,,",
      '"RS-3","2026-11-19T11:00:00Z","32","internal","","205","riverside","","with ""quotes"", and commas"',
      "",
      "RS-4,2026-11-19T12:00:00Z,33,inbound,0113 496 0457,,",
      "RS-5,2026-11-19T13:00:00Z,34,INBOUND,withheld,,northfield",
      "RS-6,2026-11-19T14:00:00Z,abc,inbound,,,riverside",
      "RS-7,2026-11-19T15:00:00Z,35,inbound,0121 496 0789,202,riverside",
    ].join("\r\n");

    const batches: number[] = [];
    const first = await importCallLogCsv(ctx, Readable.from([csv]), { batchSize: 2, sourceName: "log.csv", onProgress: (p) => batches.push(p.rows) });
    expect(first).toMatchObject({ rows: 7, added: 4, skipped: 0, invalid: 3 });
    expect(first.invalidRows).toEqual([
      { line: 3, reason: "externalnumber is not a valid phone number" },
      { line: 6, reason: "site is missing" },
      { line: 8, reason: expect.stringContaining("durationseconds") },
    ]);
    expect(batches.length).toBeGreaterThanOrEqual(2);

    const rows = await ctx.db.recording.findMany({ orderBy: { callId: "asc" } });
    expect(rows.map((r) => r.callId)).toEqual(["RS-1", "RS-3", "RS-5", "RS-7"]);
    expect(rows.every((r) => r.source === "CALL_LOG" && r.blobName === null)).toBe(true);
    expect(rows[0]).toMatchObject({ externalNumber: "+442079460123", staffEmail: "ellie.shaw@northfield.example", extension: "201" });
    expect(rows[1]).toMatchObject({ direction: "INTERNAL", externalNumber: null, extension: "205" });

    const second = await importCallLogCsv(ctx, Readable.from([csv]), { batchSize: 2 });
    expect(second).toMatchObject({ rows: 7, added: 0, skipped: 4, invalid: 3 });
    expect(await ctx.db.recording.count()).toBe(4);

    const audit = await auditActions(ctx);
    expect(audit.length).toBeGreaterThanOrEqual(4);
    expect(audit.every((a) => a.action === "catalogue.imported")).toBe(true);
    expect(audit[0]).toMatchObject({ subjectId: "log.csv", details: { kind: "call-log", batch: 1 } });
    expect(auditText(audit)).not.toMatch(/7946|4960/);
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true);
  });

  it("rejects a call log without the columns it needs, and one that is not CSV", async () => {
    await expect(importCallLogCsv(ctx, Readable.from(["callid,startutc\nRS-1,2026-11-19T09:00:00Z\n"]))).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("durationseconds, direction, site are missing"),
    });
    await expect(importCallLogCsv(ctx, Readable.from(["callid,call_id,startutc,durationseconds,direction,site\n"]))).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("twice"),
    });
    const unclosed = 'callid,startutc,durationseconds,direction,site\nRS-1,2026-11-19T09:00:00Z,1,inbound,riverside\n"RS-2,2026-11-19T09:00:00Z,1,inbound,riverside\n';
    const result = await importCallLogCsv(ctx, Readable.from([unclosed]));
    expect(result).toMatchObject({ added: 1, invalid: 1 });
    expect(result.invalidRows[0]!.reason).toBe("a quoted field is never closed");
    expect(await ctx.db.recording.count()).toBe(1);
  });
});
