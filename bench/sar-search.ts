/**
 * Subject access search at scale: 1,000,000 catalogue rows (recordings and
 * call-log entries) spread over 15 months, so a fifth lie beyond the 12
 * months' retention, in a throwaway PostgreSQL database. Times
 * findSubjectRecordings, exactly the query open-subject-access runs, for
 * subjects with 1 to 3 numbers. Target: p95 under 50 ms.
 *
 *   npx tsx bench/sar-search.ts [--rows 1000000] [--searches 500]
 */
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { findSubjectRecordings, oldestRetainedStart } from "../src/core/subject-access/find-subject-recordings.ts";
import { argValue, benchPolicy, percentile, type BenchResult } from "./support/bench-context.ts";
import { fillCatalogue } from "./support/fill-catalogue.ts";
import { throwawayPostgres } from "./support/throwaway-postgres.ts";

const WARM_UP = 50;
const TARGET_MS = 50;

export interface SarSearchOptions {
  rows?: number;
  searches?: number;
  log?: (line: string) => void;
}

export async function run(options: SarSearchOptions = {}): Promise<BenchResult> {
  const rows = options.rows ?? 1_000_000;
  const searches = options.searches ?? 500;
  const log = options.log ?? ((line: string) => console.error(line));
  const policy = benchPolicy();
  const db = await throwawayPostgres("callgate_bench_sar", 4);
  try {
    log("[postgresql] creating and filling the catalogue...");
    // 456 days up to today, so a fifth of the calls lie beyond 12 months' retention.
    const fillSeconds = await fillCatalogue(db, { rows, callIdPrefix: "SAR-BENCH-", days: 456, endDaysAgo: 0, extensionSql: "(100 + floor(random() * 50))::text", log, label: "postgresql" });

    // Subjects: 1 to 3 numbers each, drawn from the callers in the catalogue
    // (any caller equally likely, so mostly occasional callers, as most subjects are).
    const callers = (await db.prisma.$queryRawUnsafe<{ n: string }[]>(`SELECT DISTINCT "externalNumber" AS n FROM "Recording" WHERE "externalNumber" IS NOT NULL`)).map((r) => r.n);
    const pick = () => callers[Math.floor(Math.random() * callers.length)]!;
    const subjects = Array.from({ length: searches + WARM_UP }, () => [...new Set(Array.from({ length: 1 + Math.floor(Math.random() * 3) }, pick))]);
    const now = new Date();

    for (const numbers of subjects.slice(0, WARM_UP)) await findSubjectRecordings(db.prisma, policy, numbers, now);
    const timings: number[] = [];
    let found = 0;
    let most = 0;
    for (const numbers of subjects.slice(WARM_UP)) {
      const started = performance.now();
      const result = await findSubjectRecordings(db.prisma, policy, numbers, now);
      timings.push(performance.now() - started);
      found += result.length;
      most = Math.max(most, result.length);
    }

    // The worst case: the three busiest callers in the catalogue as one subject.
    const busiest = (await db.prisma.$queryRawUnsafe<{ n: string }[]>(`SELECT "externalNumber" AS n FROM "Recording" WHERE "externalNumber" IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 3`)).map((r) => r.n);
    const worstTimings: number[] = [];
    let worstRows = 0;
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      worstRows = (await findSubjectRecordings(db.prisma, policy, busiest, now)).length;
      worstTimings.push(performance.now() - started);
    }

    const plan = await db.prisma.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
      `EXPLAIN SELECT * FROM "Recording" WHERE "externalNumber" IN ($1, $2) AND "startedAt" >= $3 ORDER BY "startedAt", "callId"`,
      subjects[0]![0]!,
      pick(),
      oldestRetainedStart(policy, now),
    );
    const index = /Index (?:Only )?Scan using (\S+)|Bitmap Index Scan on (\S+)/.exec(plan.map((p) => p["QUERY PLAN"]).join("\n"));
    const indexName = (index?.[1] ?? index?.[2])?.replace(/"/g, "") ?? "no index (sequential scan)";

    timings.sort((a, b) => a - b);
    const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(timings, p)) as [number, number, number];
    const worstP50 = percentile(worstTimings, 50);
    const load = loadavg()[0]!;
    const figures: Record<string, number | string> = {
      rows,
      searches,
      fillSeconds: round(fillSeconds),
      p50Ms: round(p50),
      p95Ms: round(p95),
      p99Ms: round(p99),
      meanCallsFound: round(found / searches),
      mostCallsFound: most,
      busiestSubjectCalls: worstRows,
      busiestSubjectP50Ms: round(worstP50),
      index: indexName,
      loadAverage: round(load),
    };
    const text = [
      `SAR search over ${rows.toLocaleString("en-GB")} catalogue rows (15 months, 12 months' retention), ${searches.toLocaleString("en-GB")} subjects of 1-3 numbers`,
      `  postgresql p50 ${fmt(p50)} ms  p95 ${fmt(p95)} ms  p99 ${fmt(p99)} ms  (${round(found / searches)} calls per subject, at most ${most}; index ${indexName}; filled in ${round(fillSeconds)} s)`,
      `  busiest three callers as one subject: ${worstRows.toLocaleString("en-GB")} calls in ${fmt(worstP50)} ms (p50 of 20)`,
      `  machine load average ${round(load)} on ${availableParallelism()} CPUs`,
      `  target p95 < ${TARGET_MS} ms: ${p95 < TARGET_MS ? "met" : "NOT met"}`,
    ].join("\n");
    return { name: "sar-search", figures, text };
  } finally {
    await db.close();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
const fmt = (n: number) => n.toFixed(2);

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await run({ rows: Number(argValue("rows") ?? 1_000_000), searches: Number(argValue("searches") ?? 500) });
  console.log(result.text);
}
