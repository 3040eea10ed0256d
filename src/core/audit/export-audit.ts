/**
 * The Data Protection Officer's exports of the audit log for a period:
 * - CSV: every audit entry in the period that matches the filters, one row
 *   each (seq, UK time in the organisation's zone, actor, action, subject,
 *   request reference, purpose, details summarised). Details never held a
 *   full phone number; anything that looks like one is masked again anyway.
 * - PDF: a report to file: title, organisation, period, when and by whom it
 *   was generated, the chain's state, every section of the summary as a
 *   table, and the chart.
 *
 * DPO-only (others are refused and the refusal is logged) and audited
 * ("audit.exported"). `sendAuditExport` stores the file, then records it and
 * its direct message in the same transaction as its audit entry; the CLI takes the
 * bytes from exportAuditCsv / exportAuditPdf and writes them to disk.
 */
import { createHash } from "node:crypto";
import { format } from "date-fns";
import { TZDate } from "@date-fns/tz";
import { Prisma } from "../../generated/prisma/client.ts";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { toCsv } from "../documents/csv.ts";
import { buildPdf } from "../documents/pdf.ts";
import { recordFile, storeThenRecord, type DeliveredFileRef } from "../files/deliver-file.ts";
import { maskPhoneNumber } from "../phone.ts";
import type { Person } from "../policy/schema.ts";
import { appendAudit, type AuditInput } from "./append-audit.ts";
import { renderRequestsChart } from "./audit-chart.ts";
import { parseAuditQuery, type AuditFilters, type AuditQuery } from "./audit-query.ts";
import { auditDetailsOf, buildAuditSummary, checkReferenceExists, requireAuditReader, type AuditSummary } from "./summarise-audit.ts";

export type AuditExportFormat = "csv" | "pdf";

export interface AuditExportInput {
  actorEmail: string;
  /** The same words as the summary takes; empty for the last 30 days. */
  query?: string | readonly string[];
}

export interface AuditExport {
  format: AuditExportFormat;
  fileName: string;
  contentType: string;
  body: Buffer;
  sha256: string;
  query: AuditQuery;
  /** Audit entries in the CSV (for a PDF: requests in the summary). */
  rows: number;
}

export const CSV_HEADERS = ["Seq", "Time", "Actor", "Action", "Subject", "Request", "Purpose", "Details"] as const;

/** Audit entries read per query while writing the CSV. */
const BATCH = 5_000;

/** The CSV for a DPO, audited. */
export async function exportAuditCsv(ctx: CoreContext, input: AuditExportInput): Promise<AuditExport> {
  const { dpo, query } = await prepare(ctx, input, "csv");
  const made = await buildAuditCsv(ctx, query);
  await transact(ctx, (tx) => appendAudit(tx, exportEntry(ctx, dpo, made, "returned")));
  return made;
}

/** The PDF report for a DPO, audited. */
export async function exportAuditPdf(ctx: CoreContext, input: AuditExportInput): Promise<AuditExport> {
  const { dpo, query } = await prepare(ctx, input, "pdf");
  const made = await buildAuditPdf(ctx, query, dpo);
  await transact(ctx, (tx) => appendAudit(tx, exportEntry(ctx, dpo, made, "returned")));
  return made;
}

/** Builds the export and sends it to the DPO by direct message; the audit entry and the delivery commit together. */
export async function sendAuditExport(ctx: CoreContext, input: AuditExportInput & { format: AuditExportFormat }): Promise<{ export: AuditExport; file: DeliveredFileRef }> {
  const { dpo, query } = await prepare(ctx, input, input.format);
  const made = input.format === "csv" ? await buildAuditCsv(ctx, query) : await buildAuditPdf(ctx, query, dpo);
  const toDeliver = {
    ownerEmail: dpo.email,
    kind: `audit-${made.format}`,
    title: made.format === "csv" ? `Audit log export: ${query.period.description}` : `Audit report: ${query.period.description}`,
    fileName: made.fileName,
    contentType: made.contentType,
    body: made.body,
    about: { query: query.terms },
  };
  // Stored before the transaction: the upload must not hold the audit log's lock.
  const file = await storeThenRecord(ctx, [toDeliver], async (tx, at, [stored]) => {
    await appendAudit(tx, exportEntry(ctx, dpo, made, "direct message"));
    return recordFile(tx, at, stored!);
  });
  return { export: made, file };
}

async function prepare(ctx: CoreContext, input: AuditExportInput, format: AuditExportFormat): Promise<{ dpo: Person; query: AuditQuery }> {
  const dpo = await requireAuditReader(ctx, input.actorEmail, format === "csv" ? "export-csv" : "export-pdf", input.query);
  const query = parseAuditQuery(input.query ?? "", { now: ctx.clock.now(), timeZone: ctx.policy.organisation.timeZone, policy: ctx.policy });
  return { dpo, query };
}

function exportEntry(ctx: CoreContext, dpo: Person, made: AuditExport, delivery: string): AuditInput {
  return {
    at: ctx.clock.now(),
    actor: dpo.email,
    action: "audit.exported",
    subjectType: "audit",
    details: auditDetailsOf(made.query, { format: made.format, rows: made.rows, sizeBytes: made.body.length, sha256: made.sha256, delivery }),
  };
}

function fileNameFor(query: AuditQuery, extension: string): string {
  const scope = [query.filters.purpose?.id, query.filters.site?.id, query.filters.reference?.toLowerCase()].filter(Boolean).join("-");
  return `callgate-audit-${query.period.firstDay}-to-${query.period.lastDay}${scope ? `-${scope}` : ""}.${extension}`;
}

// ---------------------------------------------------------------------------
// CSV

/** SQL keeping audit entries (alias a, joined request r) that match the filters. */
function entryFilterSql(filters: AuditFilters): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (filters.purpose) conditions.push(Prisma.sql`coalesce(a."purposeId", r."purposeId") = ${filters.purpose.id}`);
  if (filters.site) conditions.push(Prisma.sql`r."siteId" = ${filters.site.id}`);
  if (filters.reference) conditions.push(Prisma.sql`r.reference = ${filters.reference}`);
  if (filters.person) {
    const email = filters.person.email;
    conditions.push(
      Prisma.sql`(a.actor = ${email} OR r."requesterEmail" = ${email} OR EXISTS (SELECT 1 FROM "Decision" pd WHERE pd."requestId" = r.id AND pd."deciderEmail" = ${email}))`,
    );
  }
  return conditions.length ? Prisma.join(conditions, " AND ") : Prisma.sql`TRUE`;
}

interface EntryRow {
  seq: bigint;
  at: Date;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  purposeId: string | null;
  details: unknown;
  reference: string | null;
}

/** Every matching entry in seq order, read in batches. No role check: callers have made it. */
export async function buildAuditCsv(ctx: CoreContext, query: AuditQuery): Promise<AuditExport> {
  await checkReferenceExists(ctx, query.filters);
  const { from, to } = query.period;
  const tz = ctx.policy.organisation.timeZone;
  const filter = entryFilterSql(query.filters);
  const purposeLabel = (id: string | null) => (id ? (ctx.policy.purposes.find((p) => p.id === id)?.label ?? id) : "");
  // The seq range of the period (through the index on "at"), then walk it by seq.
  const [bounds] = await ctx.db.$queryRaw<{ low: bigint | null; high: bigint | null }[]>`
    SELECT min(seq) AS low, max(seq) AS high FROM "AuditEntry" WHERE at >= ${from} AND at < ${to}`;
  const parts: string[] = [];
  let rows = 0;
  let cursor = bounds?.low === null || bounds?.low === undefined ? null : BigInt(bounds.low) - 1n;
  const high = bounds?.high === null || bounds?.high === undefined ? null : BigInt(bounds.high);
  parts.push(toCsv(CSV_HEADERS, []));
  while (cursor !== null && high !== null && cursor < high) {
    const batch: EntryRow[] = await ctx.db.$queryRaw<EntryRow[]>`
      SELECT a.seq, a.at, a.actor, a.action, a."subjectType", a."subjectId", coalesce(a."purposeId", r."purposeId") AS "purposeId", a.details, r.reference
      FROM "AuditEntry" a LEFT JOIN "RecordingRequest" r ON r.id = a."requestId"
      WHERE a.seq > ${cursor} AND a.seq <= ${high} AND a.at >= ${from} AND a.at < ${to} AND ${filter}
      ORDER BY a.seq LIMIT ${BATCH}`;
    if (batch.length === 0) break;
    const lines = batch.map((e) => [
      String(e.seq),
      format(new TZDate(new Date(e.at), tz), "dd/MM/yyyy HH:mm:ss"),
      e.actor,
      e.action,
      e.subjectId ? `${e.subjectType} ${e.subjectId}` : e.subjectType,
      e.reference ?? "",
      purposeLabel(e.purposeId),
      summariseDetails(e.details),
    ]);
    // Each batch after the header without its own header line.
    parts.push(toCsv(CSV_HEADERS, lines).replace(/^[^\n]*\n/, ""));
    rows += batch.length;
    cursor = BigInt(batch.at(-1)!.seq);
  }
  const body = Buffer.from(parts.join(""), "utf8");
  return { format: "csv", fileName: fileNameFor(query, "csv"), contentType: "text/csv; charset=utf-8", body, sha256: sha256(body), query, rows };
}

/** "reference: CG-000001; reason: Not proportionate", numbers masked, long values cut. */
export function summariseDetails(details: unknown): string {
  if (!details || typeof details !== "object") return details === null || details === undefined ? "" : maskNumbers(String(details));
  const parts: string[] = [];
  for (const [key, value] of Object.entries(details as Record<string, unknown>)) {
    if (value === null || value === undefined || value === "") continue;
    const text = Array.isArray(value) ? value.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join(", ") : typeof value === "object" ? JSON.stringify(value) : String(value);
    parts.push(`${key}: ${cut(text, 160)}`);
  }
  return maskNumbers(cut(parts.join("; "), 600));
}

/** Anything shaped like an E.164 number is masked, in case a detail ever carried one. */
function maskNumbers(text: string): string {
  return text.replace(/\+\d{8,15}/g, (n) => maskPhoneNumber(n));
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const sha256 = (body: Buffer) => createHash("sha256").update(body).digest("hex");

// ---------------------------------------------------------------------------
// PDF

/** The report: every summary section as a table, and the chart. No role check: callers have made it. */
export async function buildAuditPdf(ctx: CoreContext, query: AuditQuery, dpo: Person): Promise<AuditExport> {
  const summary = await buildAuditSummary(ctx, query, dpo);
  const chart = await renderRequestsChart(summary);
  const body = await buildPdf({ title: `Audit report: ${summary.organisation}`, author: "Callgate", subject: `Audit report, ${query.period.description}` }, (pdf) => writeReport(pdf, summary, chart));
  return { format: "pdf", fileName: fileNameFor(query, "pdf"), contentType: "application/pdf", body, sha256: sha256(body), query, rows: summary.requests.total };
}

type Pdf = Parameters<Parameters<typeof buildPdf>[1]>[0];

function writeReport(pdf: Pdf, s: AuditSummary, chart: Buffer): void {
  const none = (rows: string[][], width: number) => (rows.length ? rows : [["None", ...Array<string>(width - 1).fill("")]]);
  const more = (shown: number, total: number, what: string) => (total > shown ? pdf.note(`Showing ${shown} of ${total} ${what}; the CSV export has every entry.`) : pdf);

  pdf.title("Audit report").fields([
    ["Organisation", s.organisation],
    ["Period", s.query.period.description],
    ["Filters", s.query.filterDescription || "None"],
    ["Generated", `${s.generatedAtText} (${s.timeZone})`],
    ["Generated by", `${s.generatedBy.name} (${s.generatedBy.email})`],
    ["Audit chain", chainText(s)],
  ]);
  if (!s.chain.ok) pdf.paragraph(`WARNING: the audit log's hash chain is broken. ${s.chain.firstBad?.problem ?? ""}. Investigate before relying on this report.`);

  pdf.heading("Requests");
  pdf.fields([
    ["Requests made", String(s.requests.total)],
    ["Decided", String(s.decisionTime.decided)],
    ["Median time to decision", s.decisionTime.medianMinutes === null ? "No decisions" : formatMinutes(s.decisionTime.medianMinutes)],
    ["Slowest decision", s.decisionTime.slowest ? `${formatMinutes(s.decisionTime.slowest.minutes)} (${s.decisionTime.slowest.reference})` : "No decisions"],
  ]);
  pdf.image(chart, { height: 230 });
  pdf.table(["Outcome", "Requests"], none(s.requests.byOutcome.map((o) => [o.label, String(o.count)]), 2), [3, 1]);
  pdf.table(["Purpose", "Requests"], none(s.requests.byPurpose.map((o) => [o.label, String(o.count)]), 2), [3, 1]);
  pdf.table(["Site", "Requests"], none(s.requests.bySite.map((o) => [o.label, String(o.count)]), 2), [3, 1]);

  pdf.heading("Playback links");
  pdf.table(
    ["Issued", "Opened (links)", "Opens", "Expired", "Revoked"],
    [[s.links.issued, s.links.opened, s.links.opens, s.links.expired, s.links.revoked].map(String)],
  );

  pdf.heading("Denials");
  pdf.table(["Request", "Denied by", "When", "Reason"], none(s.denials.items.map((d) => [d.reference, d.decider.name, d.atText, d.reason]), 4), [1.2, 1.5, 1.6, 3.5]);
  more(s.denials.items.length, s.denials.total, "denials");

  pdf.heading("Approvals with a note");
  pdf.table(["Request", "Approved by", "When", "Note"], none(s.approvalNotes.items.map((d) => [`${d.reference} (${d.purpose})`, d.decider.name, d.atText, d.note]), 4), [1.6, 1.5, 1.6, 3.1]);
  more(s.approvalNotes.items.length, s.approvalNotes.total, "approvals with a note");

  pdf.heading("Open subject access requests");
  pdf.table(
    ["Reference", "Received", "Due", "Status", "Owner"],
    none(s.subjectAccess.open.map((r) => [r.reference, r.receivedOn.split("-").reverse().join("/"), r.dueOnText, describeSarState(r), r.owner.name]), 5),
    [1.3, 1.1, 1.1, 1.8, 1.5],
  );

  pdf.heading("Recordings deleted under retention");
  pdf.table(["Rule", "Recordings"], none(s.retention.byRule.map((r) => [r.rule, String(r.count)]), 2), [3, 1]);
  pdf.note(`${s.retention.deleted} recording(s) deleted under retention in the period.`);

  pdf.heading("Active covert monitoring authorisations");
  pdf.table(
    ["Reference", "Authorised by", "Covers", "Started", "Review"],
    none(
      s.covert.active.map((c) => [
        c.reference,
        `${c.authorisedBy.name} (${c.authoriserRole})`,
        [...c.extensions.map((e) => `ext. ${e}`), ...c.staff.map((p) => p.name)].join(", ") || "-",
        c.startsAtText,
        `${c.reviewOnText}${c.reviewOverdue ? " (overdue)" : ""}`,
      ]),
      5,
    ),
    [1.2, 1.8, 1.8, 1.4, 1.2],
  );

  pdf.heading("Open personal data breaches");
  pdf.table(
    ["Reference", "Discovered", "Reported by", "ICO", "Deadline"],
    none(s.breaches.open.map((b) => [b.reference, b.discoveredAtText, b.reportedBy.name, b.icoDecision ? b.icoText : "Not yet decided", `${b.deadlineAtText}${b.overdue ? " (passed)" : ""}`]), 5),
    [1.2, 1.5, 1.4, 2, 1.5],
  );
  if (s.capacity) pdf.note(`Recording capacity: ${s.capacity.count.toLocaleString("en-GB")} of ${s.capacity.maxRecordings.toLocaleString("en-GB")} recordings in ${s.capacity.perText} (${s.capacity.percent}%).`);

  pdf.heading("Anomalies worth a look");
  const a = s.anomalies;
  pdf.paragraph(`Requesting far more than peers. Rule: ${a.heavyRequesters.rule}`);
  pdf.table(["Requester", "Requests", "Times the median"], none(a.heavyRequesters.items.map((p) => [p.name, String(p.requests), String(p.timesMedian)]), 3), [3, 1, 1]);
  pdf.paragraph(`Requests outside working hours. Rule: ${a.outsideHours.rule}`);
  pdf.table(["Request", "Requester", "When", "Why"], none(a.outsideHours.items.map((o) => [o.reference, o.requester.name, o.atText, o.why]), 4), [1.2, 1.6, 1.8, 1.6]);
  more(a.outsideHours.items.length, a.outsideHours.total, "requests outside working hours");
  pdf.paragraph(`The same number again and again. Rule: ${a.repeatedNumbers.rule}`);
  pdf.table(["Requester", "Number", "Requests", "References"], none(a.repeatedNumbers.items.map((r) => [r.requester.name, r.maskedNumber, String(r.requests), r.references.join(", ")]), 4), [1.5, 1.3, 0.8, 2.6]);
  pdf.paragraph(`The same pair of approvers. Rule: ${a.approverPairs.rule}`);
  pdf.table(["Approvers", "Requests", "References"], none(a.approverPairs.items.map((p) => [`${p.approvers[0].name} and ${p.approvers[1].name}`, String(p.requests), p.references.join(", ")]), 3), [2.2, 0.8, 2.6]);

  pdf.heading("Refused attempts");
  pdf.note(`${s.refused.total} refused attempt(s) in the period, organisation-wide.`);
  pdf.table(["Action", "Code", "Attempts"], none(s.refused.byAction.map((r) => [r.action, r.code, String(r.count)]), 3), [2.4, 1.8, 0.8]);
  pdf.paragraph(`Refused again and again. Rule: ${s.refused.repeated.rule}`);
  pdf.table(["Person", "Refusals", "Codes", "Actions"], none(s.refused.repeated.items.map((p) => [p.name, String(p.refusals), p.codes.join(", "), p.actions.join(", ")]), 4), [1.5, 0.8, 1.8, 2.4]);

  pdf.gap().note(`Generated by Callgate on ${s.generatedAtText}. Times are ${s.timeZone}. Phone numbers are masked. Entries in the audit log are hash-chained; "intact" means every entry checked matches its hash and follows the one before.`);
}

export function chainText(s: Pick<AuditSummary, "chain" | "timeZone">): string {
  const c = s.chain;
  if (!c.ok) return `BROKEN at entry ${c.firstBad?.seq ?? "?"}: ${c.firstBad?.problem ?? "unknown problem"}`;
  const full = c.lastFullAt ? `last full check ${formatTimeIn(c.lastFullAt, s.timeZone)}` : "no full check yet";
  const pending = c.pending ? `; ${c.pending} newer entries still to check` : "";
  return `Intact: ${c.headSeq} entries; ${c.checked} checked now (${c.mode}), ${full}${pending}`;
}

function formatTimeIn(at: Date, tz: string): string {
  return format(new TZDate(at, tz), "dd/MM/yyyy HH:mm");
}

export function describeSarState(r: AuditSummary["subjectAccess"]["open"][number]): string {
  const state = r.overdue ? `OVERDUE by ${-r.daysLeft} day${r.daysLeft === -1 ? "" : "s"}` : r.daysLeft === 0 ? "Due today" : `${r.daysLeft} day${r.daysLeft === 1 ? "" : "s"} left`;
  return [state, r.paused ? "clock paused" : null, r.extendedByMonths ? `extended ${r.extendedByMonths} month(s)` : null].filter(Boolean).join("; ");
}

/** "45 min", "3 h 5 min", "2 days 4 h". */
export function formatMinutes(minutes: number): string {
  const m = Math.round(minutes);
  if (m < 1) return "under a minute";
  if (m < 60) return `${m} min`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours} h${m % 60 ? ` ${m % 60} min` : ""}`;
  const days = Math.floor(hours / 24);
  return `${days} days${hours % 24 ? ` ${hours % 24} h` : ""}`;
}
