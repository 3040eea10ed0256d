/**
 * Fills the catalogue of a benchmark database with synthetic calls in bulk
 * (one INSERT ... SELECT per 200,000 rows), then ANALYZEs it. Calls fall in
 * school hours on random days; numbers are skewed (r^2), so a few callers
 * ring often and most rarely, as parents and suppliers do; 10% of calls are
 * internal, 5% of external ones withheld, 10% call-log only.
 */
import { performance } from "node:perf_hooks";
import type { Database } from "../../src/infra/db/open-database.ts";

/**
 * Ofcom's drama ranges that libphonenumber-js accepts, as E.164 prefixes
 * followed by three digits: 15,000 distinct numbers.
 */
export const BENCH_NUMBER_PREFIXES = [
  "+442079460", "+441134960", "+441144960", "+441164960", "+441174960",
  "+441184960", "+441214960", "+441314960", "+441414960", "+441514960",
  "+441614960", "+441914980", "+442896496", "+442920180", "+448081570",
];

export interface CatalogueFill {
  rows: number;
  /** Call ids and blob names start with this, e.g. "BENCH-". */
  callIdPrefix: string;
  /** Calls fall on the `days` days ending `endDaysAgo` days before today. */
  days: number;
  endDaysAgo: number;
  /** SQL for the extension column; `site` is 'northfield' or 'riverside'. */
  extensionSql: string;
  /** Progress lines, e.g. "[postgresql]   200,000 rows". */
  log: (line: string) => void;
  label: string;
}

/** Fills and analyses; returns the seconds it took. */
export async function fillCatalogue(db: Database, fill: CatalogueFill): Promise<number> {
  const started = performance.now();
  const chunk = 200_000;
  for (let from = 1; from <= fill.rows; from += chunk) {
    const to = Math.min(fill.rows, from + chunk - 1);
    await db.prisma.$executeRawUnsafe(fillSql(fill), from, to);
    fill.log(`[${fill.label}]   ${to.toLocaleString("en-GB")} rows`);
  }
  await db.prisma.$executeRawUnsafe(`ANALYZE "Recording"`);
  return (performance.now() - started) / 1000;
}

function fillSql(fill: CatalogueFill): string {
  const prefix = fill.callIdPrefix.replace(/[^A-Z0-9-]/gi, "");
  const firstDay = fill.endDaysAgo + fill.days - 1;
  return `
INSERT INTO "Recording" ("id", "callId", "startedAt", "durationSeconds", "direction", "externalNumber", "extension", "siteId", "retentionClass", "blobName", "contentType", "sizeBytes", "source")
SELECT gen_random_uuid(),
       '${prefix}' || g,
       ts,
       (15 + floor(random() * 900))::int,
       dir::"CallDirection",
       CASE WHEN dir = 'INTERNAL' OR r.withheld < 0.05 THEN NULL
            ELSE (ARRAY[${BENCH_NUMBER_PREFIXES.map((p) => `'${p}'`).join(",")}])[1 + (num / 1000)] || lpad((num % 1000)::text, 3, '0') END,
       ${fill.extensionSql},
       site,
       'standard',
       CASE WHEN r.audio < 0.9 THEN site || '/' || to_char(ts AT TIME ZONE 'UTC', 'YYYY/MM/DD') || '/${prefix}' || g || '.wav' END,
       CASE WHEN r.audio < 0.9 THEN 'audio/wav' END,
       CASE WHEN r.audio < 0.9 THEN (8000 * 2 * (15 + floor(random() * 900)))::bigint END,
       (CASE WHEN r.audio < 0.9 THEN 'BLOB' ELSE 'CALL_LOG' END)::"CatalogueSource"
FROM generate_series($1::int, $2::int) AS g
CROSS JOIN LATERAL (
  SELECT g AS correlated,
         date_trunc('day', now()) - interval '${firstDay} days'
           + floor(random() * ${fill.days}) * interval '1 day'
           + (7.5 + random() * 10) * interval '1 hour' AS ts,
         CASE WHEN random() < 0.55 THEN 'INBOUND' WHEN random() < 0.8 THEN 'OUTBOUND' ELSE 'INTERNAL' END AS dir,
         floor(${BENCH_NUMBER_PREFIXES.length * 1000} * power(random(), 2))::int AS num,
         CASE WHEN random() < 0.6 THEN 'northfield' ELSE 'riverside' END AS site,
         random() AS withheld,
         random() AS audio
) AS r`;
}
