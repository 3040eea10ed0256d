/**
 * The DPO summary's "Refused attempts": every refusal on record in the
 * period (guards.ts withRefusalAudit and requireDpo, the audit log's own
 * refusals, playback refusals), counted by action and code, and the people
 * refused again and again. A refusal proves nothing (most are typos or a
 * button pressed twice), so, like the anomalies, the list says the rule that
 * put someone on it.
 *
 * Organisation-wide, not narrowed by the summary's filters; aggregated in the
 * database over AuditEntry(action, at, ...), so it costs two index range scans
 * of the (few) refusal entries in the period.
 */
import { Prisma } from "../../generated/prisma/client.ts";
import type { Db } from "../context.ts";
import { findPerson } from "../policy/access.ts";
import type { Policy } from "../policy/schema.ts";
import { AUDIT_ACTIONS, type AuditAction } from "./audit-actions.ts";
import type { PersonRef } from "./audit-anomalies.ts";

/** A person refused this many times or more in the period is flagged. */
export const REPEATED_REFUSALS_MIN = 3;
/** Longest list of flagged people kept (the totals are always exact). */
export const REFUSED_LIST_LIMIT = 100;

/**
 * The actions that record a refusal. "consent.refused" is not one: it is the
 * recorded employee declining consent, an answer rather than a refusal.
 */
export const REFUSED_ACTIONS: readonly AuditAction[] = AUDIT_ACTIONS.filter((a) => a.endsWith(".refused") && a !== "consent.refused");

/** Refusals written before codes were recorded (requireDpo, the audit log's own) were all FORBIDDEN. */
const CODE = Prisma.sql`coalesce(a.details->>'code', 'FORBIDDEN')`;

export interface RefusedAttempts {
  total: number;
  byAction: Array<{ action: string; code: string; count: number }>;
  repeated: { rule: string; items: Array<PersonRef & { refusals: number; codes: string[]; actions: string[] }> };
}

export async function findRefusedAttempts(db: Db, policy: Policy, period: { from: Date; to: Date }): Promise<RefusedAttempts> {
  const actions = Prisma.join([...REFUSED_ACTIONS]);
  const inPeriod = Prisma.sql`a.action IN (${actions}) AND a.at >= ${period.from} AND a.at < ${period.to}`;
  const [counts, repeated] = await Promise.all([
    db.$queryRaw<{ action: string; code: string; n: number }[]>`
      SELECT a.action, ${CODE} AS code, count(*)::int AS n FROM "AuditEntry" a
      WHERE ${inPeriod} GROUP BY 1, 2 ORDER BY n DESC, 1, 2`,
    db.$queryRaw<{ actor: string; n: number; codes: string[]; actions: string[] }[]>`
      SELECT a.actor, count(*)::int AS n, array_agg(DISTINCT ${CODE} ORDER BY ${CODE}) AS codes, array_agg(DISTINCT a.action ORDER BY a.action) AS actions
      FROM "AuditEntry" a WHERE ${inPeriod}
      GROUP BY a.actor HAVING count(*) >= ${REPEATED_REFUSALS_MIN}
      ORDER BY n DESC, a.actor LIMIT ${REFUSED_LIST_LIMIT}`,
  ]);
  return {
    total: counts.reduce((n, c) => n + c.n, 0),
    byAction: counts.map((c) => ({ action: c.action, code: c.code, count: c.n })),
    repeated: {
      rule: `People refused ${REPEATED_REFUSALS_MIN} or more times in the period (any command, any reason, typing mistakes included).`,
      items: repeated.map((r) => ({ email: r.actor, name: findPerson(policy, r.actor)?.name ?? r.actor, refusals: r.n, codes: r.codes, actions: r.actions })),
    },
  };
}
