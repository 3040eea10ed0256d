/**
 * The retention sweep at scale: 100,000 recordings past retention, each with
 * a small blob in an in-memory Azurite, catalogued in a throwaway PostgreSQL
 * database (set-up, timed separately). Then one sweepRetention run, timed:
 * lease, count by rule, pages of candidates, and per batch the row locks,
 * the re-check of holds, the blob deletions, the row deletions, the
 * deletion records and the audit entry. No target: the figure is the rate.
 *
 * Why several Azurites: Azurite keeps blob metadata in LokiJS 1.5.12, whose
 * batch removal marks every binary index dirty (removeBatchByPositions never
 * takes its adaptive path when indices exist), so the next lookup re-sorts
 * the whole collection. Each deletion therefore costs O(n log n) in the
 * number of blobs the emulator holds: about 190 deletions/s at 5,000 blobs,
 * 38/s at 20,000 and 9/s at 40,000 on the development machine. One Azurite
 * holding 100,000 blobs would take hours, which says nothing about Callgate
 * or Azure. So the blobs are spread by name over `--azurites` emulators
 * (default 25, 4,000 blobs each), behind one RecordingStore.
 *
 * Two side figures: the same sweep over 100,000 catalogue rows with a no-op
 * blob store (PostgreSQL's share alone), and deleting blobs one request at a
 * time (what RecordingStore.delete does, 32 at a time) against Blob Batch
 * (BlobBatchClient, 256 deletions per request), each on a fresh Azurite.
 *
 *   npx tsx bench/retention-sweep.ts [--count 100000] [--batch-size 500] [--azurites 25] [--concurrency 64] [--side 4000]
 */
import { createHash } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { BlobServiceClient } from "@azure/storage-blob";
import type { CoreContext } from "../src/core/context.ts";
import { sweepRetention } from "../src/core/jobs/sweep-retention.ts";
import type { RecordingStore } from "../src/core/ports/recording-store.ts";
import { AzureRecordingStore } from "../src/infra/blob/azure-recording-store.ts";
import { startAzurite, type RunningAzurite } from "../src/infra/blob/azurite.ts";
import type { Database } from "../src/infra/db/open-database.ts";
import { argValue, benchContext, type BenchResult } from "./support/bench-context.ts";
import { throwawayPostgres } from "./support/throwaway-postgres.ts";

export interface RetentionSweepOptions {
  count?: number;
  batchSize?: number;
  /** Azurite processes the blobs are spread over (see above). */
  azurites?: number;
  /** Parallel uploads while seeding. */
  concurrency?: number;
  /** Blobs for the side measurement of per-blob versus batch deletion (0 to skip). */
  side?: number;
  log?: (line: string) => void;
}

const CONTAINER = "bench-retention";
const blobName = (i: number) => `northfield/2024/${String(i % 365).padStart(3, "0")}/RET-${String(i).padStart(7, "0")}.wav`;

export async function run(options: RetentionSweepOptions = {}): Promise<BenchResult> {
  const count = options.count ?? 100_000;
  const batchSize = options.batchSize ?? 500;
  const shards = Math.max(1, options.azurites ?? 25);
  const concurrency = options.concurrency ?? 64;
  const side = options.side ?? 4_000;
  const log = options.log ?? ((line: string) => console.error(line));

  const azurites: RunningAzurite[] = [];
  let db: Database | undefined;
  try {
    log(`Starting ${shards} Azurite emulators and a throwaway PostgreSQL database...`);
    // Each emulator watches for this process's exit.
    process.setMaxListeners(Math.max(process.getMaxListeners(), shards + 20));
    azurites.push(...(await Promise.all(Array.from({ length: shards }, () => startAzurite({ location: "memory" })))));
    db = await throwawayPostgres("callgate_bench_retention");
    const stores = azurites.map((a) => AzureRecordingStore.fromConnectionString(a.connectionString, { containerName: CONTAINER }));
    await Promise.all(stores.map((s) => s.ensureContainer()));
    const storeFor = (name: string) => stores[createHash("sha1").update(name).digest().readUInt32BE(0) % stores.length]!;

    // Times the blob deletions' share of the sweep: the union of the intervals with a deletion in flight.
    let inFlight = 0;
    let busySince = 0;
    let blobSeconds = 0;
    const sharded: RecordingStore = {
      listPage: () => Promise.reject(new Error("not used by the sweep")),
      readRange: (name, range, o) => storeFor(name).readRange(name, range, o),
      read: (name) => storeFor(name).read(name),
      ping: () => Promise.all(stores.map((s) => s.ping())).then(() => undefined),
      async delete(name) {
        if (inFlight++ === 0) busySince = performance.now();
        try {
          await storeFor(name).delete(name);
        } finally {
          if (--inFlight === 0) blobSeconds += (performance.now() - busySince) / 1000;
        }
      },
    };

    log(`Seeding ${count.toLocaleString("en-GB")} expired recordings: blobs (${concurrency} uploads at a time over ${shards} emulators), then catalogue rows...`);
    const seedStarted = performance.now();
    const body = Buffer.alloc(256, 1);
    await parallel(count, concurrency, async (i) => {
      const name = blobName(i);
      await storeFor(name).upload(name, body, { contentType: "audio/wav" });
      if ((i + 1) % 20_000 === 0) log(`  ${(i + 1).toLocaleString("en-GB")} uploaded`);
    });
    const uploadSeconds = (performance.now() - seedStarted) / 1000;
    const rowsStarted = performance.now();
    await seedRows(db, count);
    const rowsSeconds = (performance.now() - rowsStarted) / 1000;
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`  seeded in ${round(seedSeconds)} s (uploads ${round(uploadSeconds)} s, rows ${round(rowsSeconds)} s)`);

    log(`Sweeping (timed), batches of ${batchSize}...`);
    const ctx: CoreContext = { ...benchContext(db), recordings: sharded };
    const started = performance.now();
    const result = await sweepRetention(ctx, { batchSize, onProgress: progressLogger(log, started) });
    const seconds = (performance.now() - started) / 1000;

    const remainingRows = await db.prisma.recording.count();
    const records = await db.prisma.deletionRecord.count();
    const remainingBlobs = (await Promise.all(stores.map(async (s) => (await s.listPage(undefined, 10)).items.length))).reduce((a, b) => a + b, 0);
    if (result.deleted !== count || remainingRows !== 0 || records !== count || remainingBlobs !== 0) {
      throw new Error(`Unexpected outcome: ${JSON.stringify({ deleted: result.deleted, remainingRows, records, remainingBlobs })}`);
    }
    const rate = count / seconds;

    log(`PostgreSQL's share: the same sweep over ${count.toLocaleString("en-GB")} rows with a blob store that does nothing (timed)...`);
    await seedRows(db, count, "DB-");
    const noop: RecordingStore = { ...sharded, delete: () => Promise.resolve() };
    const dbStarted = performance.now();
    const dbOnly = await sweepRetention({ ...ctx, recordings: noop }, { batchSize });
    const dbSeconds = (performance.now() - dbStarted) / 1000;
    if (dbOnly.deleted !== count) throw new Error(`The database-only sweep deleted ${dbOnly.deleted}`);

    const blobs = side > 0 ? await compareBlobDeletion(side, concurrency, log) : undefined;

    const figures: Record<string, number> = {
      count,
      batchSize,
      azurites: shards,
      seedSeconds: round(seedSeconds),
      sweepSeconds: round(seconds),
      deletedPerSecond: Math.round(rate),
      blobDeleteSeconds: round(blobSeconds),
      databaseOnlySeconds: round(dbSeconds),
      databaseOnlyPerSecond: Math.round(count / dbSeconds),
      batches: result.batches,
      loadAverage: round(loadavg()[0]!),
      ...(blobs ? { perBlobDeletesPerSecond: Math.round(blobs.perBlobRate), batchDeletesPerSecond: Math.round(blobs.batchRate) } : {}),
    };
    const n = (x: number) => Math.round(x).toLocaleString("en-GB");
    const text = [
      `Retention sweep of ${n(count)} expired recordings with blobs (Azurite in memory, ${shards} emulators of ${n(count / shards)} blobs; PostgreSQL), batches of ${batchSize}`,
      `  sweep          ${round(seconds)} s: ${n(rate)} recordings deleted per second (${result.batches} batches: lock, re-check holds, blobs, rows, deletion records, one audit entry each)`,
      `    of which     ${round(blobSeconds)} s with blob deletions in flight (one request per blob, 32 at a time)`,
      `  database only  ${round(dbSeconds)} s: ${n(count / dbSeconds)} rows per second with a no-op blob store`,
      `  seeding        ${round(seedSeconds)} s, not part of the figure (uploads ${round(uploadSeconds)} s at ${concurrency} in parallel, rows ${round(rowsSeconds)} s)`,
      ...(blobs ? [`  blob deletes   ${n(side)} blobs on a fresh Azurite: one request each (32 at a time) ${n(blobs.perBlobRate)}/s; Blob Batch (256 per request) ${n(blobs.batchRate)}/s`] : []),
      `  machine load average ${round(loadavg()[0]!)} on ${availableParallelism()} CPUs; no target figure (report the rate)`,
    ].join("\n");
    return { name: "retention-sweep", figures, text };
  } finally {
    await db?.close();
    await Promise.all(azurites.map((a) => a.stop()));
  }
}

/** `count` catalogue rows two years old (every one past a 12-month default), blob names as blobName(i). */
async function seedRows(db: Database, count: number, prefix = "RET-"): Promise<void> {
  await db.prisma.$executeRaw`
    INSERT INTO "Recording" (id, "callId", "startedAt", "durationSeconds", direction, "externalNumber", extension, "siteId", "retentionClass", "blobName", "contentType", "sizeBytes", source)
    SELECT gen_random_uuid(), ${prefix} || lpad(i::text, 7, '0'), now() - interval '2 years' + i * interval '1 minute', 60 + i % 600,
           (CASE WHEN i % 3 = 0 THEN 'OUTBOUND' ELSE 'INBOUND' END)::"CallDirection", '+44207946' || lpad((i % 10000)::text, 4, '0'),
           (101 + i % 10)::text, CASE WHEN i % 5 < 3 THEN 'northfield' ELSE 'riverside' END, 'standard',
           'northfield/2024/' || lpad((i % 365)::text, 3, '0') || '/' || ${prefix} || lpad(i::text, 7, '0') || '.wav', 'audio/wav', 256, 'BLOB'
    FROM generate_series(0, ${count - 1}::int) AS i`;
  await db.prisma.$executeRawUnsafe(`ANALYZE "Recording"`);
}

function progressLogger(log: (line: string) => void, started: number) {
  let lastDecile = 0;
  return (done: number, total: number) => {
    const decile = Math.floor((done / Math.max(total, 1)) * 10);
    if (decile > lastDecile) {
      lastDecile = decile;
      log(`  ${String(decile * 10).padStart(3)}%  ${done.toLocaleString("en-GB")} in ${round((performance.now() - started) / 1000)} s`);
    }
  };
}

/** On two fresh Azurites of `n` blobs each: deletes one request per blob, and by Blob Batch; rates per second. */
async function compareBlobDeletion(n: number, concurrency: number, log: (line: string) => void) {
  log(`Blob deletion alone: ${n.toLocaleString("en-GB")} blobs one request at a time, and ${n.toLocaleString("en-GB")} by Blob Batch, each on a fresh Azurite...`);
  const body = Buffer.alloc(256, 1);
  const names = Array.from({ length: n }, (_, i) => `side/${String(i).padStart(6, "0")}.wav`);
  const fresh = async () => {
    const azurite = await startAzurite({ location: "memory" });
    const store = AzureRecordingStore.fromConnectionString(azurite.connectionString, { containerName: CONTAINER });
    await store.ensureContainer();
    await parallel(n, concurrency, (i) => store.upload(names[i]!, body, { contentType: "audio/wav" }).then(() => undefined));
    return { azurite, store };
  };

  const one = await fresh();
  let perBlobRate: number;
  try {
    const started = performance.now();
    await parallel(n, 32, (i) => one.store.delete(names[i]!));
    perBlobRate = n / ((performance.now() - started) / 1000);
  } finally {
    await one.azurite.stop();
  }

  const two = await fresh();
  try {
    const container = BlobServiceClient.fromConnectionString(two.azurite.connectionString).getContainerClient(CONTAINER);
    const batch = container.getBlobBatchClient();
    const chunks: string[][] = [];
    for (let i = 0; i < names.length; i += 256) chunks.push(names.slice(i, i + 256));
    const started = performance.now();
    await parallel(chunks.length, 4, async (i) => {
      const response = await batch.deleteBlobs(chunks[i]!.map((name) => container.getBlobClient(name)));
      if (response.subResponsesFailedCount > 0) throw new Error(`Blob Batch: ${response.subResponsesFailedCount} deletions failed`);
    });
    const batchRate = n / ((performance.now() - started) / 1000);
    const left = (await two.store.listPage(undefined, 10)).items.length;
    if (left !== 0) throw new Error(`Blob Batch left ${left} blobs behind`);
    return { perBlobRate, batchRate };
  } finally {
    await two.azurite.stop();
  }
}

async function parallel(n: number, width: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) await work(i);
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
}

const round = (n: number) => Math.round(n * 100) / 100;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await run({
    count: Number(argValue("count") ?? 100_000),
    batchSize: Number(argValue("batch-size") ?? 500),
    azurites: Number(argValue("azurites") ?? 25),
    concurrency: Number(argValue("concurrency") ?? 64),
    side: Number(argValue("side") ?? 4_000),
  });
  console.log(result.text);
}
