/**
 * The DPO's audit summary at scale: a throwaway PostgreSQL database holding a
 * year of a large organisation's audit log (1,000,000 entries over 50,000
 * requests, with their decisions, 200,000 retention deletions, open subject
 * access requests and covert monitoring), then summariseAudit timed warm,
 * exactly as the console and CLI run it (chain check and audit entry
 * included), for the default period (last 30 days) and for the whole year.
 * Target: under 1 s.
 *
 * The bulk-inserted million entries do NOT form a valid hash chain (computing
 * a million canonical SHA-256 hashes would only slow the fill): the bench
 * records a verification checkpoint at their end, as the nightly full
 * verification leaves it, and then appends one day's worth of real, chained
 * entries (2,740 = 1,000,000 / 365) through appendAudit. Before every timed
 * run the checkpoint is put back, so each summary re-verifies that day of
 * entries, which is the work a summary does in production.
 *
 *   npx tsx bench/audit-summary.ts [--requests 50000] [--per-request 20] [--runs 10]
 */
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { appendAudit } from "../src/core/audit/append-audit.ts";
import type { AuditAction } from "../src/core/audit/audit-actions.ts";
import { renderRequestsChart } from "../src/core/audit/audit-chart.ts";
import { summariseAudit } from "../src/core/audit/summarise-audit.ts";
import { AUDIT_VERIFY_JOB } from "../src/core/audit/verify-audit-chain.ts";
import { transact, type CoreContext } from "../src/core/context.ts";
import type { Policy } from "../src/core/policy/schema.ts";
import { systemClock } from "../src/core/ports/clock.ts";
import { argValue, benchPolicy, percentile, type BenchResult } from "./support/bench-context.ts";
import { throwawayPostgres } from "./support/throwaway-postgres.ts";

export interface AuditSummaryBenchOptions {
  requests?: number;
  perRequest?: number;
  runs?: number;
  log?: (line: string) => void;
}

const REQUESTERS = 60;
const APPROVERS = 8;
const DPO = "dpo@bench.example";
const DAY_OF_ENTRIES = 2_740;
const TARGET_MS = 1_000;

function auditBenchPolicy(): Policy {
  return benchPolicy({
    roles: [
      { id: "slt", label: "Senior leaders" },
      { id: "principal", label: "Principal" },
      { id: "dpo", label: "Data Protection Officer" },
    ],
    people: [
      ...Array.from({ length: REQUESTERS }, (_, i) => ({ email: `requester${i + 1}@bench.example`, name: `Requester ${i + 1}`, roles: ["slt"] })),
      ...Array.from({ length: APPROVERS }, (_, i) => ({ email: `approver${i + 1}@bench.example`, name: `Approver ${i + 1}`, roles: ["principal"] })),
      { email: DPO, name: "The DPO", roles: ["dpo"] },
    ],
    purposes: [
      { id: "safeguarding", label: "Safeguarding", lawfulBasis: "Article 6(1)(e)", reasonPrompt: "Why?", approvals: [{ anyOf: ["principal"] }] },
      { id: "complaint", label: "Complaint", lawfulBasis: "Article 6(1)(f)", reasonPrompt: "Why?", approvals: [{ anyOf: ["principal"] }] },
      { id: "disciplinary", label: "Disciplinary", lawfulBasis: "Article 6(1)(f)", reasonPrompt: "Why?", approvals: [{ anyOf: ["principal"] }, { anyOf: ["dpo"] }] },
      { id: "training", label: "Training", lawfulBasis: "Article 6(1)(f)", reasonPrompt: "Why?", approvals: [{ anyOf: ["principal"] }] },
    ],
  });
}

/**
 * A year of requests, mostly in working hours; requesters skewed (a few ask
 * often); statuses as a busy organisation sees them; decisions within two days.
 */
const REQUESTS_SQL = `
INSERT INTO "RecordingRequest" (id, reference, "requesterEmail", "purposeId", type, status, "siteId", "windowStart", "windowEnd", "externalNumber", reason, "createdAt", "decidedAt", "closedAt")
SELECT gen_random_uuid(), 'CG-' || lpad(g::text, 7, '0'), x.requester, x.purpose, 'RECORDING', x.status::"RequestStatus", x.site,
       x.created - interval '1 day', x.created - interval '23 hours', x.number, 'Benchmark request', x.created,
       CASE WHEN x.status IN ('FULFILLED','DENIED','NOT_FOUND','CONSENT_REFUSED','AWAITING_FULFILMENT') THEN x.created + x.wait END,
       CASE WHEN x.status NOT IN ('PENDING_APPROVAL','AWAITING_FULFILMENT') THEN x.created + x.wait END
FROM generate_series(1, $1::int) AS g
CROSS JOIN LATERAL (
  SELECT g AS correlated,
         'requester' || (1 + floor(${REQUESTERS} * power(random(), 1.6)))::int || '@bench.example' AS requester,
         (ARRAY['safeguarding','safeguarding','complaint','disciplinary','training'])[1 + floor(random() * 5)::int] AS purpose,
         CASE WHEN random() < 0.6 THEN 'northfield' ELSE 'riverside' END AS site,
         '+442079460' || lpad(floor(1000 * power(random(), 3))::int::text, 3, '0') AS number,
         least(now() - interval '1 minute',
               date_trunc('day', now()) - floor(random() * 365) * interval '1 day'
               + CASE WHEN random() < 0.95 THEN (8 + random() * 10) ELSE random() * 24 END * interval '1 hour') AS created,
         power(random(), 2) * interval '48 hours' AS wait,
         (ARRAY['FULFILLED','FULFILLED','FULFILLED','FULFILLED','FULFILLED','FULFILLED','FULFILLED','FULFILLED','FULFILLED','FULFILLED',
                'FULFILLED','FULFILLED','FULFILLED','FULFILLED','DENIED','DENIED','NOT_FOUND','WITHDRAWN','EXPIRED','PENDING_APPROVAL'])[1 + floor(random() * 20)::int] AS status
) AS x`;

const DECISIONS_SQL = `
INSERT INTO "Decision" (id, "requestId", "deciderEmail", outcome, reason, "decidedAt")
SELECT gen_random_uuid(), r.id, 'approver' || (1 + floor(${APPROVERS} * random()))::int || '@bench.example',
       (CASE WHEN r.status = 'DENIED' THEN 'DENIED' ELSE 'APPROVED' END)::"DecisionOutcome",
       CASE WHEN r.status = 'DENIED' THEN (ARRAY['Not proportionate to the concern','Reason too vague','Wrong purpose for this call'])[1 + floor(random() * 3)::int] END,
       r."decidedAt"
FROM "RecordingRequest" r WHERE r."decidedAt" IS NOT NULL;
INSERT INTO "Decision" (id, "requestId", "deciderEmail", outcome, "decidedAt")
SELECT gen_random_uuid(), r.id, '${DPO}', 'APPROVED', r."decidedAt"
FROM "RecordingRequest" r WHERE r."decidedAt" IS NOT NULL AND r.status <> 'DENIED' AND r."purposeId" = 'disciplinary'`;

/** A request's life in the log, one action per step; the link steps carry the grant as subject. */
const ACTIONS = [
  "request.submitted", "request.reminded", "request.approved", "request.authorised", "request.awaiting-fulfilment",
  "request.fulfilled", "grant.issued", "playback.opened", "playback.opened", "playback.opened",
  "playback.opened", "playback.opened", "grant.expired", "file.delivered", "file.downloaded",
  "identity.linked", "extension.requested", "extension.approved", "catalogue.imported", "notification.failed",
];

/** The per-request entries, in time order, numbered 1..n (hashes are placeholders: see the file comment). */
const AUDIT_SQL = `
INSERT INTO "AuditEntry" (seq, at, actor, action, "subjectType", "subjectId", "requestId", "purposeId", details, "prevHash", hash)
SELECT row_number() OVER (ORDER BY e.at, e.rid, e.k), e.at, e.actor, e.action, e.stype, e.sid, e.rid, e.purpose,
       jsonb_build_object('reference', e.reference), 'bench', 'bench-' || md5(e.rid::text || e.k)
FROM (
  SELECT r.id AS rid, k, r.reference, r."purposeId" AS purpose,
         least(now() - interval '1 minute', r."createdAt" + (k - 1) * (random() * interval '3 hours')) AS at,
         (ARRAY[${ACTIONS.map((a) => `'${a}'`).join(",")}])[1 + (k - 1) % ${ACTIONS.length}] AS action,
         CASE WHEN k = 1 OR k = 8 OR k = 9 THEN r."requesterEmail" WHEN k IN (3) THEN 'approver1@bench.example' ELSE 'system' END AS actor,
         CASE WHEN k BETWEEN 7 AND 13 THEN 'grant' ELSE 'request' END AS stype,
         CASE WHEN k BETWEEN 7 AND 13 THEN 'grant-' || r.id ELSE r.id::text END AS sid
  FROM "RecordingRequest" r CROSS JOIN generate_series(1, $1::int) AS k
) e`;

const OTHERS_SQL = [
  `INSERT INTO "DeletionRecord" (id, "callId", "rowSha256", rule, "deletedAt", "deletedBy")
   SELECT gen_random_uuid(), 'BENCH-DEL-' || g, md5(g::text), CASE WHEN random() < 0.7 THEN 'retention:class:standard:12 months' ELSE 'retention:site:riverside:90 days' END,
          now() - random() * interval '365 days', 'system' FROM generate_series(1, 200000) g`,
  `INSERT INTO "SubjectAccessRequest" (id, reference, "subjectName", numbers, "receivedOn", "dueOn", status, "ownerEmail", "openedAt")
   SELECT gen_random_uuid(), 'SAR-' || lpad(g::text, 6, '0'), 'Subject ' || g, ARRAY['+442079460999'], current_date - (g * 2), current_date - (g * 2) + 30,
          (CASE WHEN g <= 30 THEN 'OPEN' ELSE 'COMPLETED' END)::"SubjectAccessStatus", '${DPO}', now() - g * interval '2 days' FROM generate_series(1, 200) g`,
  `INSERT INTO "Hold" (id, reference, kind, reason, "maskedNumbers", "createdBy", "createdAt") VALUES (gen_random_uuid(), 'HOLD-000001', 'INVESTIGATION', 'Bench', '{}', '${DPO}', now())`,
  `INSERT INTO "CovertAuthorisation" (id, reference, "authorisedBy", "authoriserRole", extensions, "staffEmails", reason, "startsAt", "reviewOn", "investigationId", status, "createdAt")
   SELECT gen_random_uuid(), 'COV-' || lpad(g::text, 6, '0'), '${DPO}', 'dpo', ARRAY['201'], ARRAY['requester1@bench.example'], 'Bench', now() - interval '20 days', current_date + g, (SELECT id FROM "Hold" LIMIT 1), 'ACTIVE', now()
   FROM generate_series(1, 3) g`,
];

export async function run(options: AuditSummaryBenchOptions = {}): Promise<BenchResult> {
  const requests = options.requests ?? 50_000;
  const perRequest = options.perRequest ?? 20;
  const runs = options.runs ?? 10;
  const log = options.log ?? ((line: string) => console.error(line));
  const db = await throwawayPostgres("callgate_bench_audit", 10);
  const figures: Record<string, number | string> = {};
  const lines: string[] = [];
  try {
    const filled = performance.now();
    log(`[postgresql] ${requests.toLocaleString("en-GB")} requests and their decisions...`);
    await db.prisma.$executeRawUnsafe(REQUESTS_SQL, requests);
    for (const sql of DECISIONS_SQL.split(";\n")) await db.prisma.$executeRawUnsafe(sql);
    log(`[postgresql] ${(requests * perRequest).toLocaleString("en-GB")} audit entries...`);
    await db.prisma.$executeRawUnsafe(AUDIT_SQL, perRequest);
    for (const sql of OTHERS_SQL) await db.prisma.$executeRawUnsafe(sql);
    const [bulkHead] = await db.prisma.$queryRawUnsafe<{ seq: bigint; hash: string }[]>(`SELECT seq, hash FROM "AuditEntry" ORDER BY seq DESC LIMIT 1`);
    await db.prisma.$executeRawUnsafe(`UPDATE "AuditHead" SET seq = $1, hash = $2 WHERE id = 1`, bulkHead!.seq, bulkHead!.hash);

    const ctx: CoreContext = { db: db.prisma, policy: auditBenchPolicy(), clock: systemClock };
    // One real entry to anchor the checkpoint (the check re-hashes the checkpoint entry itself),
    // where the nightly full verification would have left it. No command writes this action; any entry anchors.
    const anchor = await transact(ctx, (tx) => appendAudit(tx, { at: new Date(), actor: "system", action: "audit.verified" as AuditAction, subjectType: "audit", details: {} }));
    const checkpoint = JSON.stringify({ checkpoint: { seq: anchor.seq.toString(), hash: anchor.hash, at: new Date().toISOString() }, lastFullAt: new Date().toISOString(), broken: null });
    const resetCheckpoint = () =>
      db.prisma.$executeRawUnsafe(`INSERT INTO "JobLease" (name, "lastResult") VALUES ($1, $2::jsonb) ON CONFLICT (name) DO UPDATE SET "lastResult" = EXCLUDED."lastResult"`, AUDIT_VERIFY_JOB, checkpoint);
    await resetCheckpoint();

    log(`[postgresql] one day of real, chained entries (${DAY_OF_ENTRIES.toLocaleString("en-GB")})...`);
    for (let done = 0; done < DAY_OF_ENTRIES; done += 100) {
      await transact(ctx, async (tx) => {
        for (let i = done; i < Math.min(DAY_OF_ENTRIES, done + 100); i++) {
          await appendAudit(tx, { at: new Date(), actor: `requester${1 + (i % REQUESTERS)}@bench.example`, action: "playback.opened", subjectType: "grant", subjectId: `today-${i % 500}`, details: { clientIp: "192.0.2.1" } });
        }
      });
    }
    await db.prisma.$executeRawUnsafe(`VACUUM ANALYZE`);
    const [counts] = await db.prisma.$queryRawUnsafe<{ entries: bigint; requests: bigint; decisions: bigint }[]>(
      `SELECT (SELECT count(*) FROM "AuditEntry") AS entries, (SELECT count(*) FROM "RecordingRequest") AS requests, (SELECT count(*) FROM "Decision") AS decisions`,
    );
    const fillSeconds = (performance.now() - filled) / 1000;
    figures.entries = Number(counts!.entries);
    figures.requests = Number(counts!.requests);
    figures.fillSeconds = round(fillSeconds);
    lines.push(
      `Audit summary over ${Number(counts!.entries).toLocaleString("en-GB")} audit entries spanning a year (${Number(counts!.requests).toLocaleString("en-GB")} requests, ${Number(counts!.decisions).toLocaleString("en-GB")} decisions; filled in ${round(fillSeconds)} s)`,
      `  each run re-verifies one day of chained entries (${DAY_OF_ENTRIES.toLocaleString("en-GB")}+) from the checkpoint; the bulk entries are not chained (see bench/audit-summary.ts)`,
    );

    for (const query of ["last 30 days", "last 12 months"]) {
      const time = async () => {
        await resetCheckpoint();
        const started = performance.now();
        const summary = await summariseAudit(ctx, { actorEmail: DPO, query });
        const ms = performance.now() - started;
        if (!summary.chain.ok || summary.chain.checked < DAY_OF_ENTRIES) throw new Error(`the bench's chain check did not run as intended: ${JSON.stringify(summary.chain, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`);
        return { ms, summary };
      };
      for (let i = 0; i < 2; i++) await time();
      const timings: number[] = [];
      let last: Awaited<ReturnType<typeof time>>["summary"] | undefined;
      for (let i = 0; i < runs; i++) {
        const { ms, summary } = await time();
        timings.push(ms);
        last = summary;
      }
      const chartStarted = performance.now();
      await renderRequestsChart(last!);
      const chartMs = performance.now() - chartStarted;
      const [p50, p95] = [percentile(timings, 50), percentile(timings, 95)] as [number, number];
      const key = query.replace(/\s+/g, "-");
      figures[`${key}.p50Ms`] = round(p50);
      figures[`${key}.p95Ms`] = round(p95);
      figures[`${key}.chartMs`] = round(chartMs);
      figures[`${key}.requests`] = last!.requests.total;
      lines.push(
        `  ${query.padEnd(15)} median ${p50.toFixed(0)} ms  p95 ${p95.toFixed(0)} ms over ${runs} warm runs (${last!.requests.total.toLocaleString("en-GB")} requests, ${last!.chain.checked.toLocaleString("en-GB")} entries re-verified, ${last!.anomalies.count.toLocaleString("en-GB")} anomalies); chart ${chartMs.toFixed(0)} ms more`,
        `  ${"".padEnd(15)} target < 1 s: ${p95 < TARGET_MS ? "met" : "NOT met"}`,
      );
    }
    lines.push(`  machine load average ${round(loadavg()[0]!)} on ${availableParallelism()} CPUs`);
  } finally {
    await db.close();
  }
  return { name: "audit-summary", figures, text: lines.join("\n") };
}

const round = (n: number) => Math.round(n * 100) / 100;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await run({
    requests: Number(argValue("requests") ?? 50_000),
    perRequest: Number(argValue("per-request") ?? 20),
    runs: Number(argValue("runs") ?? 10),
  });
  console.log(result.text);
}
