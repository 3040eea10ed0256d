/**
 * The Data Protection Officer's audit summary for a period: what was asked
 * for and why, what was decided and how fast, what happened to the links,
 * what is due (subject access deadlines, covert monitoring reviews), what was
 * deleted under retention, patterns worth a look, and whether the audit chain
 * is intact.
 *
 * Only people holding a DPO role (policy.compliance.dpoRoles) may see it.
 * Anyone else is refused politely, and the refusal is itself written to the
 * audit log (in its own transaction, committed before the error is thrown).
 * A summary that is shown is audited too, with the query but no personal data.
 *
 * Figures about requests cover the requests made in the period that match the
 * filters; denials are the denials given in the period; links are the link
 * events in the period. Subject access requests, retention deletions and
 * covert monitoring are organisation-wide and not narrowed by the filters.
 * Every figure is aggregated in the database, so a year of a large
 * organisation's log (a million entries) is summarised in well under a second.
 */
import { Prisma, type RecordingRequest } from "../../generated/prisma/client.ts";
import { addDays, calendarText, daysBetween, isoDate, parseCalendarDate, todayIn } from "../calendar.ts";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { AppError } from "../errors.ts";
import { formatDateTime } from "../format.ts";
import { maskPhoneNumbersInText } from "../phone.ts";
import { requireDpo } from "../guards.ts";
import { dpoNames, findPerson } from "../policy/access.ts";
import type { Person } from "../policy/schema.ts";
import { buildBreachView, type BreachView } from "../breaches/breach-view.ts";
import { capacityStatus, type CapacityStatus } from "../jobs/warn-capacity.ts";
import { appendAudit } from "./append-audit.ts";
import type { AuditAction } from "./audit-actions.ts";
import { findAnomalies, type AuditAnomalies, type PersonRef } from "./audit-anomalies.ts";
import { hasFilters, parseAuditQuery, type AuditFilters, type AuditQuery } from "./audit-query.ts";
import { findRefusedAttempts, type RefusedAttempts } from "./refused-attempts.ts";
import { verifyAuditChainIncrementally, type AuditChainStatus } from "./verify-audit-chain.ts";

export type RequestStatus = RecordingRequest["status"];

/** Outcomes in the order tables and the chart show them. */
export const OUTCOME_ORDER: readonly RequestStatus[] = ["FULFILLED", "DENIED", "CONSENT_REFUSED", "NOT_FOUND", "WITHDRAWN", "EXPIRED", "PENDING_APPROVAL", "AWAITING_CONSENT", "AWAITING_FULFILMENT"];

export const OUTCOME_LABELS: Record<RequestStatus, string> = {
  FULFILLED: "Fulfilled",
  DENIED: "Denied",
  CONSENT_REFUSED: "Consent refused",
  NOT_FOUND: "No matching call",
  WITHDRAWN: "Withdrawn",
  EXPIRED: "Closed undecided",
  PENDING_APPROVAL: "Waiting for authorisation",
  AWAITING_CONSENT: "Waiting for consent",
  AWAITING_FULFILMENT: "Being fulfilled",
};

/** Audit actions counted as link events (see issue-playback-grant, open-playback, expire-grants, revoke-grant). */
export const LINK_ACTIONS = { issued: "grant.issued", opened: "playback.opened", expired: "grant.expired", revoked: "grant.revoked" } as const satisfies Record<string, AuditAction>;

/** Longest lists kept in a summary (the totals are always exact). */
export const SUMMARY_LIST_LIMIT = 100;

export interface CountRow {
  id: string | null;
  label: string;
  count: number;
}

export interface AuditSummary {
  organisation: string;
  timeZone: string;
  generatedAt: Date;
  generatedAtText: string;
  generatedBy: PersonRef;
  query: AuditQuery;
  requests: {
    total: number;
    byPurpose: CountRow[];
    byOutcome: Array<CountRow & { status: RequestStatus }>;
    bySite: CountRow[];
    /** Every week (Monday start, local) the period touches, with zeros. */
    perWeek: Array<{ weekStart: string; counts: Partial<Record<RequestStatus, number>>; total: number }>;
  };
  decisionTime: {
    /** Requests made in the period that have been authorised or denied. */
    decided: number;
    medianMinutes: number | null;
    slowest: { reference: string; minutes: number } | null;
  };
  links: { issued: number; opened: number; opens: number; expired: number; revoked: number };
  denials: { total: number; items: Array<{ reference: string; decider: PersonRef; at: Date; atText: string; reason: string }> };
  /**
   * Approvals given in the period that carry a note (purpose.approvalNote:
   * why listening is necessary, an assessment under disclosure.assessUnder),
   * so the DPO reads why each was given, as they read each denial's reason.
   */
  approvalNotes: { total: number; items: Array<{ reference: string; purpose: string; decider: PersonRef; at: Date; atText: string; note: string }> };
  subjectAccess: {
    open: Array<{ reference: string; receivedOn: string; dueOn: string; dueOnText: string; daysLeft: number; overdue: boolean; owner: PersonRef; paused: boolean; extendedByMonths: number }>;
    overdue: number;
  };
  retention: { deleted: number; byRule: Array<{ rule: string; count: number }> };
  covert: {
    active: Array<{ reference: string; authorisedBy: PersonRef; authoriserRole: string; extensions: string[]; staff: PersonRef[]; startsAtText: string; reviewOn: string; reviewOnText: string; reviewOverdue: boolean }>;
  };
  /** Every personal data breach not yet closed, whatever the period (they stay until closed). */
  breaches: { open: BreachView[]; overdue: number };
  /** How full the catalogue is against policy.capacity; null when the policy states no limit. */
  capacity: CapacityStatus | null;
  anomalies: AuditAnomalies;
  /** Refusals on record in the period, organisation-wide (refused-attempts.ts). */
  refused: RefusedAttempts;
  chain: AuditChainStatus;
}

export interface SummariseAuditInput {
  actorEmail: string;
  /** The words after `audit`, e.g. "last month purpose safeguarding"; empty for the last 30 days. */
  query?: string | readonly string[];
}

/** The summary, for a DPO only; audited either way. */
export async function summariseAudit(ctx: CoreContext, input: SummariseAuditInput): Promise<AuditSummary> {
  const dpo = await requireAuditReader(ctx, input.actorEmail, "summary", input.query);
  const query = parseAuditQuery(input.query ?? "", { now: ctx.clock.now(), timeZone: ctx.policy.organisation.timeZone, policy: ctx.policy });
  const summary = await buildAuditSummary(ctx, query, dpo);
  await transact(ctx, (tx) =>
    appendAudit(tx, {
      at: ctx.clock.now(),
      actor: dpo.email,
      action: "audit.summary.viewed",
      subjectType: "audit",
      details: auditDetailsOf(query, { requests: summary.requests.total, chainOk: summary.chain.ok }),
    }),
  );
  return summary;
}

/** What the audit log keeps about a query: the terms and the period, no personal data. */
export function auditDetailsOf(query: AuditQuery, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { query: query.terms, from: query.period.from.toISOString(), to: query.period.to.toISOString(), ...extra };
}

export type AuditAttempt = "summary" | "export-csv" | "export-pdf";

/**
 * The DPO looking at the log, or FORBIDDEN after the refusal (with what was
 * typed, numbers removed) has been committed to the log: requireDpo with the
 * audit log's own entry and words.
 */
export function requireAuditReader(ctx: CoreContext, actorEmail: string, attempted: AuditAttempt, query?: string | readonly string[]): Promise<Person> {
  const what = attempted === "summary" ? "audit summaries" : "audit exports";
  return requireDpo(ctx, actorEmail, `see ${what}`, {
    action: "audit.access.refused",
    subjectType: "audit",
    details: { attempted, query: scrubQuery(query) },
    message: `Sorry, ${what} are only for the Data Protection Officer (${dpoNames(ctx.policy)}). This attempt has been noted in the audit log, as every look at the log is.`,
  });
}

/** What someone typed, safe to keep: no phone numbers, not too long. */
function scrubQuery(query: string | readonly string[] | undefined): string {
  const text = typeof query === "string" ? query : (query ?? []).join(" ");
  return text.replace(/\+?\d[\d\s().-]{5,}\d/g, "[number removed]").replace(/[\u0000-\u001f]/g, " ").slice(0, 200);
}

/** SQL that keeps requests matching the filters (alias r on "RecordingRequest"). */
export function requestFilterSql(filters: AuditFilters): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (filters.purpose) conditions.push(Prisma.sql`r."purposeId" = ${filters.purpose.id}`);
  if (filters.site) conditions.push(Prisma.sql`r."siteId" = ${filters.site.id}`);
  if (filters.reference) conditions.push(Prisma.sql`r.reference = ${filters.reference}`);
  if (filters.person) {
    const email = filters.person.email;
    conditions.push(Prisma.sql`(r."requesterEmail" = ${email} OR EXISTS (SELECT 1 FROM "Decision" pd WHERE pd."requestId" = r.id AND pd."deciderEmail" = ${email}))`);
  }
  return conditions.length ? Prisma.join(conditions, " AND ") : Prisma.sql`TRUE`;
}

/** NOT_FOUND for a reference filter naming no request, so an empty summary is never mistaken for an answer. */
export async function checkReferenceExists(ctx: CoreContext, filters: AuditFilters): Promise<void> {
  if (!filters.reference) return;
  const found = await ctx.db.recordingRequest.findUnique({ where: { reference: filters.reference }, select: { id: true } });
  if (!found) throw new AppError("NOT_FOUND", `There is no request ${filters.reference}. Check the reference on the request's message.`, "ref");
}

/**
 * Builds the summary. No role check and no audit entry: callers
 * (summariseAudit, the exports) have checked the role and audit what they do.
 */
export async function buildAuditSummary(ctx: CoreContext, query: AuditQuery, actor: Person | PersonRef): Promise<AuditSummary> {
  const { policy, db } = ctx;
  const tz = policy.organisation.timeZone;
  const now = ctx.clock.now();
  const { from, to } = query.period;
  await checkReferenceExists(ctx, query.filters);
  const filter = requestFilterSql(query.filters);
  const scope = Prisma.sql`r."createdAt" >= ${from} AND r."createdAt" < ${to} AND ${filter}`;
  const person = (email: string): PersonRef => ({ email, name: findPerson(policy, email)?.name ?? email });
  const today = todayIn(tz, now);

  // Link events: counts per action, and how many distinct links were opened. Both are
  // index-only scans of AuditEntry(action, at, subjectId) when nothing narrows them.
  const linkActions = Prisma.join(Object.values(LINK_ACTIONS));
  const narrowed = hasFilters(query.filters);
  const linkFrom = narrowed ? Prisma.sql`"AuditEntry" a JOIN "RecordingRequest" r ON r.id = a."requestId"` : Prisma.sql`"AuditEntry" a`;
  const linkCounts = db.$queryRaw<{ action: string; n: number }[]>`
    SELECT a.action, count(*)::int AS n FROM ${linkFrom}
    WHERE a.action IN (${linkActions}) AND a.at >= ${from} AND a.at < ${to} AND ${narrowed ? filter : Prisma.sql`TRUE`}
    GROUP BY a.action`;
  const linksOpened = db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (
      SELECT a."subjectId" FROM ${linkFrom}
      WHERE a.action = ${LINK_ACTIONS.opened} AND a.at >= ${from} AND a.at < ${to} AND ${narrowed ? filter : Prisma.sql`TRUE`}
      GROUP BY a."subjectId") opened`;

  const [breakdown, timing, slowest, links, opened, denials, approvalNotes, sars, deletions, covert, anomalies, chain, refused, openBreaches, capacity] = await Promise.all([
    db.$queryRaw<{ week: string; purposeId: string; siteId: string | null; status: RequestStatus; n: number }[]>`
      SELECT to_char(date_trunc('week', r."createdAt" AT TIME ZONE ${tz}), 'YYYY-MM-DD') AS week,
             r."purposeId", r."siteId", r.status::text AS status, count(*)::int AS n
      FROM "RecordingRequest" r WHERE ${scope}
      GROUP BY 1, 2, 3, 4`,
    db.$queryRaw<{ decided: number; median: number | null }[]>`
      SELECT count(*)::int AS decided,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r."decidedAt" - r."createdAt")::float8) AS median
      FROM "RecordingRequest" r WHERE ${scope} AND r."decidedAt" IS NOT NULL`,
    db.$queryRaw<{ reference: string; seconds: number }[]>`
      SELECT r.reference, extract(epoch FROM r."decidedAt" - r."createdAt")::float8 AS seconds
      FROM "RecordingRequest" r WHERE ${scope} AND r."decidedAt" IS NOT NULL
      ORDER BY r."decidedAt" - r."createdAt" DESC, r.reference LIMIT 1`,
    linkCounts,
    linksOpened,
    db.$queryRaw<{ reference: string; email: string; reason: string | null; decidedAt: Date; total: number }[]>`
      SELECT r.reference, d."deciderEmail" AS email, d.reason, d."decidedAt", count(*) OVER ()::int AS total
      FROM "Decision" d JOIN "RecordingRequest" r ON r.id = d."requestId"
      WHERE d.outcome = 'DENIED' AND d."decidedAt" >= ${from} AND d."decidedAt" < ${to} AND ${filter}
      ORDER BY d."decidedAt" DESC, r.reference LIMIT ${SUMMARY_LIST_LIMIT}`,
    db.$queryRaw<{ reference: string; purposeId: string; email: string; note: string; decidedAt: Date; total: number }[]>`
      SELECT r.reference, r."purposeId", d."deciderEmail" AS email, d.note, d."decidedAt", count(*) OVER ()::int AS total
      FROM "Decision" d JOIN "RecordingRequest" r ON r.id = d."requestId"
      WHERE d.outcome = 'APPROVED' AND d.note IS NOT NULL AND d."decidedAt" >= ${from} AND d."decidedAt" < ${to} AND ${filter}
      ORDER BY d."decidedAt" DESC, r.reference LIMIT ${SUMMARY_LIST_LIMIT}`,
    db.subjectAccessRequest.findMany({
      where: { status: "OPEN" },
      orderBy: [{ dueOn: "asc" }, { reference: "asc" }],
      select: { reference: true, receivedOn: true, dueOn: true, ownerEmail: true, pausedSince: true, extendedByMonths: true },
    }),
    db.$queryRaw<{ rule: string; n: number }[]>`
      SELECT rule, count(*)::int AS n FROM "DeletionRecord"
      WHERE "deletedAt" >= ${from} AND "deletedAt" < ${to} AND rule LIKE 'retention%'
      GROUP BY rule ORDER BY n DESC, rule`,
    db.covertAuthorisation.findMany({ where: { status: "ACTIVE" }, orderBy: [{ reviewOn: "asc" }, { reference: "asc" }] }),
    findAnomalies(db, policy, scope, query.period),
    verifyAuditChainIncrementally(ctx),
    findRefusedAttempts(db, policy, query.period),
    db.breach.findMany({ where: { status: "OPEN" }, orderBy: [{ deadlineAt: "asc" }, { reference: "asc" }] }),
    capacityStatus(ctx),
  ]);

  const sum = (rows: typeof breakdown, key: (row: (typeof breakdown)[number]) => string) => {
    const totals = new Map<string, number>();
    for (const row of rows) totals.set(key(row), (totals.get(key(row)) ?? 0) + row.n);
    return totals;
  };
  const total = breakdown.reduce((n, row) => n + row.n, 0);
  const byPurpose = [...sum(breakdown, (r) => r.purposeId)].map(([id, count]) => ({ id, label: policy.purposes.find((p) => p.id === id)?.label ?? id, count }));
  const bySite = [...sum(breakdown, (r) => r.siteId ?? "")].map(([id, count]) => ({ id: id || null, label: id ? (policy.sites.find((s) => s.id === id)?.name ?? id) : "No site", count }));
  const outcomeTotals = sum(breakdown, (r) => r.status);
  const byOutcome = OUTCOME_ORDER.filter((s) => outcomeTotals.has(s)).map((status) => ({ id: status, status, label: OUTCOME_LABELS[status], count: outcomeTotals.get(status)! }));
  const byCount = (a: CountRow, b: CountRow) => b.count - a.count || a.label.localeCompare(b.label);

  const linkCount = (action: AuditAction) => links.find((l) => l.action === action);
  const [timingRow] = timing;
  const [slowestRow] = slowest;

  return {
    organisation: policy.organisation.name,
    timeZone: tz,
    generatedAt: now,
    generatedAtText: formatDateTime(now, tz),
    generatedBy: { email: actor.email, name: actor.name },
    query,
    requests: { total, byPurpose: byPurpose.sort(byCount), byOutcome, bySite: bySite.sort(byCount), perWeek: weeksOf(query, breakdown) },
    decisionTime: {
      decided: timingRow?.decided ?? 0,
      medianMinutes: timingRow?.median === null || timingRow?.median === undefined ? null : Math.round(Number(timingRow.median) / 6) / 10,
      slowest: slowestRow ? { reference: slowestRow.reference, minutes: Math.round(Number(slowestRow.seconds) / 6) / 10 } : null,
    },
    links: {
      issued: linkCount(LINK_ACTIONS.issued)?.n ?? 0,
      opened: opened[0]?.n ?? 0,
      opens: linkCount(LINK_ACTIONS.opened)?.n ?? 0,
      expired: linkCount(LINK_ACTIONS.expired)?.n ?? 0,
      revoked: linkCount(LINK_ACTIONS.revoked)?.n ?? 0,
    },
    denials: {
      total: denials[0]?.total ?? 0,
      items: denials.map((d) => {
        const at = new Date(d.decidedAt);
        return { reference: d.reference, decider: person(d.email), at, atText: formatDateTime(at, tz), reason: d.reason ? maskPhoneNumbersInText(d.reason) : "(no reason recorded)" };
      }),
    },
    approvalNotes: {
      total: approvalNotes[0]?.total ?? 0,
      items: approvalNotes.map((d) => {
        const at = new Date(d.decidedAt);
        const purpose = policy.purposes.find((p) => p.id === d.purposeId) ?? policy.internalPurposes.find((p) => p.id === d.purposeId);
        return { reference: d.reference, purpose: purpose?.label ?? d.purposeId, decider: person(d.email), at, atText: formatDateTime(at, tz), note: maskPhoneNumbersInText(d.note) };
      }),
    },
    subjectAccess: (() => {
      const open = sars.map((s) => {
        const daysLeft = daysBetween(today, s.dueOn);
        return {
          reference: s.reference,
          receivedOn: isoDate(s.receivedOn),
          dueOn: isoDate(s.dueOn),
          dueOnText: calendarText(s.dueOn),
          daysLeft,
          overdue: daysLeft < 0,
          owner: person(s.ownerEmail),
          paused: s.pausedSince !== null,
          extendedByMonths: s.extendedByMonths,
        };
      });
      return { open, overdue: open.filter((s) => s.overdue).length };
    })(),
    retention: { deleted: deletions.reduce((n, d) => n + d.n, 0), byRule: deletions.map((d) => ({ rule: d.rule, count: d.n })) },
    covert: {
      active: covert.map((c) => ({
        reference: c.reference,
        authorisedBy: person(c.authorisedBy),
        authoriserRole: policy.roles.find((r) => r.id === c.authoriserRole)?.label ?? c.authoriserRole,
        extensions: c.extensions,
        staff: c.staffEmails.map(person),
        startsAtText: formatDateTime(c.startsAt, tz),
        reviewOn: isoDate(c.reviewOn),
        reviewOnText: calendarText(c.reviewOn),
        reviewOverdue: daysBetween(today, c.reviewOn) < 0,
      })),
    },
    breaches: (() => {
      const open = openBreaches.map((b) => buildBreachView(policy, b, now));
      return { open, overdue: open.filter((b) => b.overdue).length };
    })(),
    capacity: capacity ?? null,
    anomalies,
    refused,
    chain,
  };
}

/** Every Monday-started week the period touches, in order, zeros included. */
function weeksOf(query: AuditQuery, rows: ReadonlyArray<{ week: string; status: RequestStatus; n: number }>): AuditSummary["requests"]["perWeek"] {
  const first = parseCalendarDate(query.period.firstDay)!;
  const last = parseCalendarDate(query.period.lastDay)!;
  const weeks = new Map<string, AuditSummary["requests"]["perWeek"][number]>();
  for (let monday = addDays(first, -((first.getUTCDay() + 6) % 7)); monday.getTime() <= last.getTime(); monday = addDays(monday, 7)) {
    weeks.set(isoDate(monday), { weekStart: isoDate(monday), counts: {}, total: 0 });
  }
  for (const row of rows) {
    const week = weeks.get(row.week);
    if (!week) continue;
    week.counts[row.status] = (week.counts[row.status] ?? 0) + row.n;
    week.total += row.n;
  }
  return [...weeks.values()];
}

