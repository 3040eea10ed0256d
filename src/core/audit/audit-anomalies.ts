/**
 * Patterns in the period's requests worth a second look by the DPO. None of
 * them is proof of wrongdoing, so each comes with the rule that found it:
 *
 * - A requester asking far more than their peers: at least 5 requests and
 *   more than 3 times the median number per requester (over everyone who made
 *   a request in the period and scope).
 * - Requests made outside working hours: before 08:00 or from 18:00 local
 *   time, at weekends, or on a bank holiday of the organisation's nation.
 * - A requester asking about the same external number 3 or more times (the
 *   number is shown masked).
 * - The same two people approving 3 or more requests together.
 *
 * Every query works on the requests made in the period that match the
 * filters (the `scope` fragment), aggregated in the database.
 */
import { TZDate } from "@date-fns/tz";
import { Prisma } from "../../generated/prisma/client.ts";
import type { Db } from "../context.ts";
import { formatDateTime } from "../format.ts";
import { maskPhoneNumber } from "../phone.ts";
import { findPerson } from "../policy/access.ts";
import type { Policy } from "../policy/schema.ts";
import { bankHolidays, type Nation } from "../subject-access/deadline.ts";

export const HEAVY_REQUESTER_MIN = 5;
export const HEAVY_REQUESTER_FACTOR = 3;
export const WORKING_DAY = { startHour: 8, endHour: 18 } as const;
export const REPEATED_NUMBER_MIN = 3;
export const APPROVER_PAIR_MIN = 3;
/** Longest list of examples kept for each anomaly. */
export const ANOMALY_LIST_LIMIT = 100;

export interface PersonRef {
  email: string;
  name: string;
}

export interface AuditAnomalies {
  heavyRequesters: { rule: string; medianPerRequester: number | null; items: Array<PersonRef & { requests: number; timesMedian: number }> };
  outsideHours: { rule: string; total: number; items: Array<{ reference: string; requester: PersonRef; at: Date; atText: string; why: string }> };
  repeatedNumbers: { rule: string; items: Array<{ requester: PersonRef; maskedNumber: string; requests: number; references: string[] }> };
  approverPairs: { rule: string; items: Array<{ approvers: [PersonRef, PersonRef]; requests: number; references: string[] }> };
  /** How many findings in all (requests outside hours count one each). */
  count: number;
}

const NATION_NAMES: Record<Nation, string> = { "england-and-wales": "England and Wales", scotland: "Scotland", "northern-ireland": "Northern Ireland" };

/**
 * Finds the anomalies among the requests `scope` selects (a WHERE fragment on
 * "RecordingRequest" r, already holding the period and the filters).
 */
export async function findAnomalies(db: Db, policy: Policy, scope: Prisma.Sql, period: { firstDay: string; lastDay: string }): Promise<AuditAnomalies> {
  const tz = policy.organisation.timeZone;
  const nation = policy.organisation.nation;
  const person = (email: string): PersonRef => ({ email, name: findPerson(policy, email)?.name ?? email });
  const holidays = holidaysBetween(nation, period.firstDay, period.lastDay);

  const [perRequester, outside, repeated, pairs] = await Promise.all([
    db.$queryRaw<{ email: string; n: number }[]>`
      SELECT r."requesterEmail" AS email, count(*)::int AS n FROM "RecordingRequest" r WHERE ${scope} GROUP BY 1`,
    db.$queryRaw<{ reference: string; email: string; createdAt: Date; total: number }[]>`
      SELECT l.reference, l.email, l."createdAt", count(*) OVER ()::int AS total
      FROM (SELECT r.reference, r."requesterEmail" AS email, r."createdAt", (r."createdAt" AT TIME ZONE ${tz}) AS lt
            FROM "RecordingRequest" r WHERE ${scope}) l
      WHERE extract(hour FROM l.lt) < ${WORKING_DAY.startHour} OR extract(hour FROM l.lt) >= ${WORKING_DAY.endHour}
         OR extract(isodow FROM l.lt) >= 6 OR l.lt::date = ANY(string_to_array(${[...holidays].join(",")}, ',')::date[])
      ORDER BY l."createdAt" LIMIT ${ANOMALY_LIST_LIMIT}`,
    db.$queryRaw<{ email: string; number: string; n: number; refs: string[] }[]>`
      SELECT r."requesterEmail" AS email, r."externalNumber" AS number, count(*)::int AS n,
             (array_agg(r.reference ORDER BY r."createdAt"))[1:10] AS refs
      FROM "RecordingRequest" r WHERE ${scope} AND r."externalNumber" IS NOT NULL
      GROUP BY 1, 2 HAVING count(*) >= ${REPEATED_NUMBER_MIN} ORDER BY n DESC, email LIMIT ${ANOMALY_LIST_LIMIT}`,
    db.$queryRaw<{ first: string; second: string; n: number; refs: string[] }[]>`
      SELECT a."deciderEmail" AS first, b."deciderEmail" AS second, count(*)::int AS n,
             (array_agg(r.reference ORDER BY r."createdAt"))[1:10] AS refs
      FROM "RecordingRequest" r
      JOIN "Decision" a ON a."requestId" = r.id AND a.outcome = 'APPROVED'
      JOIN "Decision" b ON b."requestId" = r.id AND b.outcome = 'APPROVED' AND a."deciderEmail" < b."deciderEmail"
      WHERE ${scope}
      GROUP BY 1, 2 HAVING count(*) >= ${APPROVER_PAIR_MIN} ORDER BY n DESC, first, second LIMIT ${ANOMALY_LIST_LIMIT}`,
  ]);

  const counts = perRequester.map((r) => r.n).sort((a, b) => a - b);
  const median = counts.length ? medianOf(counts) : null;
  const heavy = median === null ? [] : perRequester
    .filter((r) => r.n >= HEAVY_REQUESTER_MIN && r.n > HEAVY_REQUESTER_FACTOR * median)
    .sort((a, b) => b.n - a.n || a.email.localeCompare(b.email))
    .map((r) => ({ ...person(r.email), requests: r.n, timesMedian: Math.round((r.n / median) * 10) / 10 }));

  const outsideItems = outside.map((row) => {
    const at = new Date(row.createdAt);
    return { reference: row.reference, requester: person(row.email), at, atText: formatDateTime(at, tz), why: whyOutsideHours(at, tz, holidays) };
  });
  const outsideTotal = outside[0]?.total ?? 0;

  return {
    heavyRequesters: {
      rule: `At least ${HEAVY_REQUESTER_MIN} requests and more than ${HEAVY_REQUESTER_FACTOR} times the median per requester${median === null ? "" : ` (the median in this period is ${formatNumber(median)} from ${counts.length} requester${counts.length === 1 ? "" : "s"})`}.`,
      medianPerRequester: median,
      items: heavy,
    },
    outsideHours: {
      rule: `Requests made before ${pad(WORKING_DAY.startHour)}:00 or from ${pad(WORKING_DAY.endHour)}:00, at weekends or on bank holidays (${NATION_NAMES[nation]}), ${tz} time.`,
      total: outsideTotal,
      items: outsideItems,
    },
    repeatedNumbers: {
      rule: `The same requester asking about the same number ${REPEATED_NUMBER_MIN} or more times.`,
      items: repeated.map((row) => ({ requester: person(row.email), maskedNumber: maskPhoneNumber(row.number), requests: row.n, references: row.refs })),
    },
    approverPairs: {
      rule: `The same two people approving ${APPROVER_PAIR_MIN} or more requests together.`,
      items: pairs.map((row) => ({ approvers: [person(row.first), person(row.second)] as [PersonRef, PersonRef], requests: row.n, references: row.refs })),
    },
    count: heavy.length + outsideTotal + repeated.length + pairs.length,
  };
}

/** Why a request time is outside working hours, in words. */
export function whyOutsideHours(at: Date, timeZone: string, holidays: ReadonlySet<string>): string {
  const local = new TZDate(at, timeZone);
  const day = `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`;
  const reasons: string[] = [];
  if (holidays.has(day)) reasons.push("bank holiday");
  const weekday = local.getDay();
  if (weekday === 0 || weekday === 6) reasons.push(weekday === 0 ? "Sunday" : "Saturday");
  if (local.getHours() < WORKING_DAY.startHour) reasons.push(`before ${pad(WORKING_DAY.startHour)}:00`);
  if (local.getHours() >= WORKING_DAY.endHour) reasons.push(`after ${pad(WORKING_DAY.endHour)}:00`);
  return reasons.join(", ");
}

/** The nation's bank holidays from `firstDay` to `lastDay` inclusive (YYYY-MM-DD). */
export function holidaysBetween(nation: Nation, firstDay: string, lastDay: string): Set<string> {
  const found = new Set<string>();
  for (let year = Number(firstDay.slice(0, 4)); year <= Number(lastDay.slice(0, 4)); year++) {
    for (const day of bankHolidays(nation, year)) if (day >= firstDay && day <= lastDay) found.add(day);
  }
  return found;
}

export function medianOf(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const pad = (n: number) => String(n).padStart(2, "0");
const formatNumber = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
