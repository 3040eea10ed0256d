/**
 * Cataloguing a large container: uploads 100,000 small recordings with
 * metadata to an in-memory Azurite (set-up, not timed), then times
 * importBlobListing into a throwaway PostgreSQL database, and times a second
 * run, which lists everything again and adds nothing. Target: under 60 s.
 * Listing the container alone is timed too: against Azurite that is most of
 * the figure (its in-memory listing slows as the container grows), while a
 * real storage account lists far faster.
 *
 *   npx tsx bench/blob-import.ts [--count 100000] [--page-size 5000] [--concurrency 64]
 */
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { importBlobListing } from "../src/core/recordings/import-blob-listing.ts";
import { AzureRecordingStore } from "../src/infra/blob/azure-recording-store.ts";
import { startAzurite } from "../src/infra/blob/azurite.ts";
import { argValue, benchContext, type BenchResult } from "./support/bench-context.ts";
import { throwawayPostgres } from "./support/throwaway-postgres.ts";

export interface BlobImportOptions {
  count?: number;
  pageSize?: number;
  concurrency?: number;
  log?: (line: string) => void;
}

const PREFIXES = ["020 7946 0", "0113 496 0", "0121 496 0", "0161 496 0", "0117 496 0", "029 2018 0"];

export async function run(options: BlobImportOptions = {}): Promise<BenchResult> {
  const count = options.count ?? 100_000;
  const pageSize = options.pageSize ?? 5_000;
  const concurrency = options.concurrency ?? 64;
  const log = options.log ?? ((line: string) => console.error(line));

  const azurite = await startAzurite({ location: "memory" });
  const db = await throwawayPostgres("callgate_bench_import");
  try {
    const store = AzureRecordingStore.fromConnectionString(azurite.connectionString, { containerName: "bench" });
    await store.ensureContainer();

    log(`Uploading ${count.toLocaleString("en-GB")} blobs to Azurite (set-up, not timed)...`);
    const uploadStarted = performance.now();
    const body = Buffer.alloc(256, 1);
    const yearAgo = Date.now() - 366 * 86_400_000;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < count; i = next++) {
        const site = i % 5 < 3 ? "northfield" : "riverside";
        const startedAt = new Date(yearAgo + Math.floor((i / count) * 365 * 86_400_000) + (i % 7) * 60_000);
        const start = startedAt.toISOString().replace(/\.\d{3}Z$/, "Z");
        const callId = `BENCH-${String(i).padStart(7, "0")}`;
        const blobName = `${site}/${start.slice(0, 10).replaceAll("-", "/")}/${callId}.wav`;
        const direction = i % 10 === 9 ? "internal" : i % 3 === 0 ? "outbound" : "inbound";
        await store.upload(blobName, body, {
          contentType: "audio/wav",
          metadata: {
            callid: callId,
            startutc: start,
            durationseconds: String(30 + (i % 600)),
            direction,
            ...(direction === "internal" ? {} : { externalnumber: `${PREFIXES[i % PREFIXES.length]}${String(i % 1000).padStart(3, "0")}` }),
            extension: String((site === "northfield" ? 101 : 201) + (i % 10)),
            site,
            ...(i % 4 === 0 ? { staffemail: `staff${i % 40}@northfield.example` } : {}),
          },
        });
        if ((i + 1) % 10_000 === 0) log(`  ${(i + 1).toLocaleString("en-GB")} uploaded`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const uploadSeconds = (performance.now() - uploadStarted) / 1000;

    // The floor under any import: just listing the container, page by page.
    log("Listing the container alone (timed, for comparison)...");
    const listStarted = performance.now();
    let listed = 0;
    let token: string | undefined;
    do {
      const page = await store.listPage(token, pageSize);
      listed += page.items.length;
      token = page.continuationToken;
    } while (token);
    const listSeconds = (performance.now() - listStarted) / 1000;

    const ctx = benchContext(db);
    log("Importing the listing into PostgreSQL (timed)...");
    const started = performance.now();
    const first = await importBlobListing(ctx, store, { pageSize });
    const seconds = (performance.now() - started) / 1000;

    log("Importing again: everything is already catalogued (timed)...");
    const againStarted = performance.now();
    const again = await importBlobListing(ctx, store, { pageSize });
    const againSeconds = (performance.now() - againStarted) / 1000;

    if (first.added !== count || again.added !== 0 || again.skipped !== count) {
      throw new Error(`Unexpected counts: first ${JSON.stringify(first)}, again ${JSON.stringify(again)}`);
    }
    const rate = count / seconds;
    const figures = {
      count,
      pageSize,
      uploadSeconds: round(uploadSeconds),
      importSeconds: round(seconds),
      importPerSecond: Math.round(rate),
      reimportSeconds: round(againSeconds),
      listOnlySeconds: round(listSeconds),
      loadAverage: round(loadavg()[0]!),
    };
    const text = [
      `Blob listing import into PostgreSQL, ${count.toLocaleString("en-GB")} blobs, pages of ${pageSize.toLocaleString("en-GB")}`,
      `  first import  ${round(seconds)} s (${Math.round(rate).toLocaleString("en-GB")} blobs/s, ${first.pages} pages)`,
      `  re-import     ${round(againSeconds)} s (all ${again.skipped.toLocaleString("en-GB")} skipped)`,
      `  listing alone ${round(listSeconds)} s (${listed.toLocaleString("en-GB")} blobs; the storage side's share)`,
      `  upload set-up ${round(uploadSeconds)} s, not part of the figure; machine load average ${round(loadavg()[0]!)} on ${availableParallelism()} CPUs`,
      `  target < 60 s for 100,000: ${count >= 100_000 ? (seconds < 60 ? "met" : "NOT met") : `not measured at full size (scaled: ${round((seconds * 100_000) / count)} s projected)`}`,
    ].join("\n");
    return { name: "blob-import", figures, text };
  } finally {
    await db.close();
    await azurite.stop();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await run({
    count: Number(argValue("count") ?? 100_000),
    pageSize: Number(argValue("page-size") ?? 5_000),
    concurrency: Number(argValue("concurrency") ?? 64),
  });
  console.log(result.text);
}
