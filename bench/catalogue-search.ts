/**
 * Catalogue search at scale: fills 1,000,000 catalogue rows (a year of calls
 * for a large trust) into a throwaway PostgreSQL database and into PGlite,
 * then times searches by number + 2-hour window through searchRecordings,
 * exactly as fulfilment runs them. Target: p95 under 10 ms on PostgreSQL.
 *
 *   npx tsx bench/catalogue-search.ts [--rows 1000000] [--searches 1000] [--only postgresql|pglite]
 */
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { searchRecordings } from "../src/core/recordings/search-recordings.ts";
import { openDatabase, type Database } from "../src/infra/db/open-database.ts";
import { argValue, benchContext, percentile, type BenchResult } from "./support/bench-context.ts";
import { fillCatalogue } from "./support/fill-catalogue.ts";
import { throwawayPostgres } from "./support/throwaway-postgres.ts";

const WARM_UP = 200;

export interface CatalogueSearchOptions {
  rows?: number;
  searches?: number;
  kinds?: ("postgresql" | "pglite")[];
  log?: (line: string) => void;
}

export async function run(options: CatalogueSearchOptions = {}): Promise<BenchResult> {
  const rows = options.rows ?? 1_000_000;
  const searches = options.searches ?? 1_000;
  const kinds = options.kinds ?? ["postgresql", "pglite"];
  const log = options.log ?? ((line: string) => console.error(line));
  const figures: Record<string, number | string> = { rows, searches };
  const lines = [`Catalogue search by number + 2-hour window, ${rows.toLocaleString("en-GB")} rows, ${searches.toLocaleString("en-GB")} searches`];

  for (const kind of kinds) {
    log(`[${kind}] creating and filling the catalogue...`);
    const db: Database = kind === "postgresql" ? await throwawayPostgres("callgate_bench_search", 4) : await openDatabase({ kind: "pglite", dataDir: "memory" });
    try {
      // A year of calls, at extensions 101-110 (Northfield) and 201-210 (Riverside).
      const fillSeconds = await fillCatalogue(db, {
        rows,
        callIdPrefix: "BENCH-",
        days: 365,
        endDaysAgo: 2,
        extensionSql: "((CASE WHEN site = 'northfield' THEN 100 ELSE 200 END) + 1 + floor(random() * 10))::text",
        log,
        label: kind,
      });

      // Searches look for calls that happened: a real caller's number, in a
      // two-hour window that contains the call somewhere.
      const targets = await db.prisma.$queryRawUnsafe<{ externalNumber: string; startedAt: Date }[]>(
        `SELECT "externalNumber", "startedAt" FROM "Recording" WHERE "externalNumber" IS NOT NULL ORDER BY random() LIMIT $1`,
        searches + WARM_UP,
      );
      const ctx = benchContext(db);
      const queries = targets.map((t) => {
        const from = new Date(t.startedAt.getTime() - Math.random() * 2 * 3_600_000);
        // As a person types it: national format, with spaces.
        const number = parsePhoneNumberFromString(t.externalNumber)!.formatNational();
        return { number, from, to: new Date(from.getTime() + 2 * 3_600_000) };
      });

      // Warm the JIT, Prisma's query cache and the database's buffers on
      // searches that are not then timed.
      for (const q of queries.slice(0, WARM_UP)) await searchRecordings(ctx, q);
      const timed = queries.slice(WARM_UP);
      const timings: number[] = [];
      let found = 0;
      for (const q of timed) {
        const started = performance.now();
        const result = await searchRecordings(ctx, q);
        timings.push(performance.now() - started);
        found += result.items.length;
      }

      // What the database itself spends, without the round trip and client:
      // the rest of the figure is Prisma, the network stack and scheduling.
      const serverTimes: number[] = [];
      for (const [i, q] of timed.slice(0, 200).entries()) {
        const [analysed] = await db.prisma.$queryRawUnsafe<{ "QUERY PLAN": [{ "Execution Time": number }] }[]>(
          `EXPLAIN (ANALYZE, FORMAT JSON) SELECT "id", "callId", "startedAt" FROM "Recording" WHERE "startedAt" >= $1 AND "startedAt" <= $2 AND "externalNumber" = $3 ORDER BY "startedAt" ASC LIMIT 51`,
          q.from,
          q.to,
          targets[WARM_UP + i]!.externalNumber,
        );
        serverTimes.push(analysed!["QUERY PLAN"][0]["Execution Time"]);
      }
      const serverP95 = percentile(serverTimes.sort((a, b) => a - b), 95);

      const plan = await db.prisma.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
        `EXPLAIN SELECT "id" FROM "Recording" WHERE "startedAt" >= $1 AND "startedAt" <= $2 AND "externalNumber" = $3 ORDER BY "startedAt" ASC LIMIT 51`,
        queries[0]!.from,
        queries[0]!.to,
        targets[0]!.externalNumber,
      );
      const index = /Index (?:Only )?Scan using (\S+)/.exec(plan.map((p) => p["QUERY PLAN"]).join("\n"))?.[1] ?? "no index (sequential scan)";

      timings.sort((a, b) => a - b);
      const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(timings, p)) as [number, number, number];
      const load = loadavg()[0]!;
      figures[`${kind}.fillSeconds`] = round(fillSeconds);
      figures[`${kind}.p50Ms`] = round(p50);
      figures[`${kind}.p95Ms`] = round(p95);
      figures[`${kind}.p99Ms`] = round(p99);
      figures[`${kind}.meanResults`] = round(found / timed.length);
      figures[`${kind}.index`] = index;
      figures[`${kind}.serverP95Ms`] = round(serverP95);
      figures[`${kind}.loadAverage`] = round(load);
      lines.push(
        `  ${kind.padEnd(10)} p50 ${fmt(p50)} ms  p95 ${fmt(p95)} ms  p99 ${fmt(p99)} ms  (${round(found / timed.length)} calls per search; index ${index}; filled in ${round(fillSeconds)} s)`,
        `  ${"".padEnd(10)} database execution alone p95 ${fmt(serverP95)} ms; machine load average ${round(load)} on ${cpus} CPUs`,
      );
      if (kind === "postgresql") lines.push(`  PostgreSQL target p95 < 10 ms: ${p95 < 10 ? "met" : "NOT met"}`);
    } finally {
      await db.close();
    }
  }
  return { name: "catalogue-search", figures, text: lines.join("\n") };
}

const round = (n: number) => Math.round(n * 100) / 100;
const cpus = availableParallelism();
const fmt = (n: number) => n.toFixed(2);

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const only = argValue("only");
  const result = await run({
    rows: Number(argValue("rows") ?? 1_000_000),
    searches: Number(argValue("searches") ?? 1_000),
    ...(only ? { kinds: [only as "postgresql" | "pglite"] } : {}),
  });
  console.log(result.text);
}
