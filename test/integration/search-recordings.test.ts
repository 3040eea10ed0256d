/**
 * Searching the catalogue by number, window, direction, extension and site,
 * on both databases; hostile input always gets a coded error.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreContext } from "../../src/core/context.ts";
import { AppError, ERROR_CODES } from "../../src/core/errors.ts";
import type { CatalogueRow } from "../../src/core/recordings/catalogue-entry.ts";
import { searchRecordings, type SearchRecordingsInput } from "../../src/core/recordings/search-recordings.ts";
import type { Database } from "../../src/infra/db/open-database.ts";
import { DATABASE_KINDS, freshDatabase } from "../support/databases.ts";
import { coreContext } from "./recordings-fixtures.ts";

const LONDON = "+442079460123";
const LEEDS = "+441134960457";

function call(callId: string, startUtc: string, extra: Partial<CatalogueRow> = {}): CatalogueRow {
  return {
    callId,
    startedAt: new Date(startUtc),
    durationSeconds: 60,
    direction: "INBOUND",
    externalNumber: LONDON,
    extension: "102",
    siteId: "northfield",
    blobName: `northfield/${callId}.wav`,
    contentType: "audio/wav",
    source: "BLOB",
    ...extra,
  };
}

const CALLS: CatalogueRow[] = [
  call("A1", "2026-11-19T09:00:00Z"),
  call("A2", "2026-11-19T09:30:00Z", { direction: "OUTBOUND" }),
  call("A3", "2026-11-19T10:00:00Z", { extension: "103" }),
  call("A4", "2026-11-19T10:59:59.999Z", { siteId: "riverside", extension: "201", blobName: "riverside/A4.wav" }),
  call("A5", "2026-11-19T11:00:00Z", { blobName: null, contentType: null, source: "CALL_LOG" }),
  call("A6", "2026-11-19T12:00:00Z"),
  call("B1", "2026-11-19T09:15:00Z", { externalNumber: LEEDS }),
  call("B2", "2026-11-19T09:45:00Z", { externalNumber: null, direction: "INTERNAL", extension: "105" }),
  call("C1", "2026-11-18T09:30:00Z"),
];

const window = { from: "2026-11-19T09:00:00Z", to: "2026-11-19T11:00:00Z" };

describe.each(DATABASE_KINDS)("searching the catalogue on %s", (kind) => {
  let db: Database;
  let ctx: CoreContext;

  beforeAll(async () => {
    db = await freshDatabase(kind);
    ctx = coreContext(db);
    await db.prisma.recording.createMany({ data: CALLS });
  });
  afterAll(async () => {
    await db?.close();
  });

  const ids = async (input: SearchRecordingsInput, options?: { maxWindowHours?: number }) =>
    (await searchRecordings(ctx, input, options)).items.map((r) => r.callId);

  it("finds a number's calls in a window, in start order, however the number is written", async () => {
    expect(await ids({ ...window, number: "020 7946 0123" })).toEqual(["A1", "A2", "A3", "A4", "A5"]);
    expect(await ids({ ...window, number: "+44 (0)20 7946 0123" })).toEqual(["A1", "A2", "A3", "A4", "A5"]);
    expect(await ids({ ...window, number: "0113 496 0457" })).toEqual(["B1"]);
    expect(await ids({ from: "2026-11-19T09:00:00.001Z", to: "2026-11-19T10:59:59.999Z", number: "02079460123" })).toEqual(["A2", "A3", "A4"]);
  });

  it("returns what a fulfiller needs and no more", async () => {
    const { items, truncated } = await searchRecordings(ctx, { ...window, number: "020 7946 0123", limit: 1 });
    expect(truncated).toBe(true);
    expect(items).toEqual([
      {
        id: expect.any(String),
        callId: "A1",
        startedAt: new Date("2026-11-19T09:00:00Z"),
        durationSeconds: 60,
        direction: "INBOUND",
        externalNumber: LONDON,
        extension: "102",
        siteId: "northfield",
        staffEmail: null,
        hasAudio: true,
        contentType: "audio/wav",
        source: "BLOB",
      },
    ]);
  });

  it("narrows by direction, extension, site and audio", async () => {
    expect(await ids({ ...window, direction: "outbound" })).toEqual(["A2"]);
    expect(await ids({ ...window, direction: "Internal" })).toEqual(["B2"]);
    expect(await ids({ ...window, extension: "103" })).toEqual(["A3"]);
    expect(await ids({ ...window, siteId: "riverside" })).toEqual(["A4"]);
    expect(await ids({ ...window, number: "020 7946 0123", siteId: "northfield", direction: "inbound", extension: "102" })).toEqual(["A1", "A5"]);
    expect(await ids({ ...window, number: "020 7946 0123", withAudioOnly: true })).toEqual(["A1", "A2", "A3", "A4"]);
    expect(await ids({ from: new Date("2026-11-18T00:00:00Z"), to: new Date("2026-11-18T23:59:59Z") })).toEqual(["C1"]);
  });

  it("limits the window to 31 days unless the caller allows less", async () => {
    await expect(searchRecordings(ctx, { from: "2026-10-01T00:00:00Z", to: "2026-11-02T00:00:00Z" })).rejects.toMatchObject({ code: "WINDOW_TOO_WIDE" });
    expect(await ids({ from: "2026-10-20T00:00:00Z", to: "2026-11-20T00:00:00Z" })).toHaveLength(CALLS.length);
    await expect(searchRecordings(ctx, window, { maxWindowHours: 1 })).rejects.toMatchObject({ code: "WINDOW_TOO_WIDE", message: expect.stringContaining("1 hour") });
  });

  it("answers bad input with a coded error", async () => {
    const fails = (input: unknown, code: string, field?: string) =>
      expect(searchRecordings(ctx, input as SearchRecordingsInput)).rejects.toMatchObject({ code, ...(field ? { field } : {}) });
    await fails({ ...window, number: "not a number" }, "INVALID_NUMBER", "number");
    await fails({ ...window, number: "999" }, "INVALID_NUMBER", "number");
    await fails({ ...window, number: "1".repeat(41) }, "INVALID_INPUT", "number");
    await fails({ from: window.to, to: window.from }, "INVALID_INPUT", "to");
    await fails({ from: window.from, to: window.from }, "INVALID_INPUT", "to");
    await fails({ from: "2026-11-21T09:00:00Z", to: "2026-11-21T10:00:00Z" }, "DATE_IN_FUTURE", "from");
    await fails({ from: "19/11/2026 09:00", to: window.to }, "INVALID_INPUT", "from");
    await fails({ from: new Date(Number.NaN), to: window.to }, "INVALID_INPUT", "from");
    await fails({ ...window, siteId: "atlantis" }, "UNKNOWN_SITE", "siteId");
    await fails({ ...window, siteId: "northfield' OR '1'='1" }, "UNKNOWN_SITE", "siteId");
    await fails({ ...window, extension: "102; DROP TABLE \"Recording\"" }, "INVALID_INPUT", "extension");
    await fails({ ...window, direction: "sideways" }, "INVALID_INPUT", "direction");
    await fails({ ...window, limit: 501 }, "INVALID_INPUT", "limit");
    await fails({ ...window, limit: 0 }, "INVALID_INPUT", "limit");
    await fails({ ...window, sql: "1=1" }, "INVALID_INPUT");
    await fails(null, "INVALID_INPUT");
    expect(await db.prisma.recording.count()).toBe(CALLS.length);
  });

  it("never crashes on random and hostile input", async () => {
    const hostile = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ unit: "binary", maxLength: 60 }),
      fc.constantFrom("'; DROP TABLE \"Recording\"; --", "\u202Egnp.exe", "０２０ ７９４６ ０１２３", "\u0000", "+44 20 7946 0123\n", "%", "_", "northfield"),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          { number: hostile, from: fc.oneof(hostile, fc.date()), to: fc.oneof(hostile, fc.date()), direction: hostile, extension: hostile, siteId: hostile, limit: fc.oneof(fc.integer(), fc.double()) },
          { requiredKeys: [] },
        ),
        async (input) => {
          try {
            await searchRecordings(ctx, input as SearchRecordingsInput);
          } catch (error) {
            expect(error).toBeInstanceOf(AppError);
            expect(ERROR_CODES).toContain((error as AppError).code);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("the catalogue's indexes on postgresql", () => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase("postgresql");
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO "Recording" ("id", "callId", "startedAt", "durationSeconds", "direction", "externalNumber", "extension", "siteId", "source")
      SELECT gen_random_uuid(), 'X' || g, timestamptz '2026-01-01' + (g * interval '7 minutes'),
             60, 'INBOUND', '+442079460' || lpad((g % 1000)::text, 3, '0'), (100 + g % 10)::text, 'northfield', 'CALL_LOG'
      FROM generate_series(1, 50000) AS g`);
    await db.prisma.$executeRawUnsafe(`ANALYZE "Recording"`);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("serves a search by number and window from the (externalNumber, startedAt) index", async () => {
    const plan = await db.prisma.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
      `EXPLAIN SELECT "id", "callId", "startedAt" FROM "Recording"
       WHERE "startedAt" >= $1 AND "startedAt" <= $2 AND "externalNumber" = $3
       ORDER BY "startedAt" ASC LIMIT 51`,
      new Date("2026-03-01T09:00:00Z"),
      new Date("2026-03-01T11:00:00Z"),
      "+442079460042",
    );
    const text = plan.map((row) => row["QUERY PLAN"]).join("\n");
    expect(text).toContain("Recording_externalNumber_startedAt_idx");
    expect(text).not.toContain("Seq Scan");
  });
});
