/**
 * Which recordings are past retention, asked of the database in one statement
 * per question: how many by rule (and how many of those are protected), and
 * the next page of ones that may be deleted, in (startedAt, id) order so a
 * run always moves forward even past rows another instance has locked.
 */
import type { Db, Tx } from "../context.ts";
import { protectedSql } from "./protection.ts";
import { latestCutoff, pastRetentionSql, ruleLabelSql, type RetentionRule } from "./retention-rules.ts";

export interface DueByRule {
  /** e.g. "retention:site:south:90 days". */
  rule: string;
  /** Past retention under this rule. */
  due: number;
  /** Of those, kept because a hold or an open request protects them. */
  held: number;
}

export async function countDueByRule(db: Db | Tx, rules: readonly RetentionRule[], now: Date): Promise<DueByRule[]> {
  const rows = await db.$queryRaw<{ rule: string; due: number; held: number }[]>`
    SELECT rule, count(*)::int AS due, (count(*) FILTER (WHERE prot))::int AS held
    FROM (SELECT ${ruleLabelSql(rules)} AS rule, ${protectedSql(now)} AS prot
          FROM "Recording" r
          WHERE r."startedAt" <= ${latestCutoff(rules)} AND ${pastRetentionSql(rules)}) due
    GROUP BY rule ORDER BY rule`;
  return rows.map((row) => ({ rule: row.rule, due: Number(row.due), held: Number(row.held) }));
}

/** Where a page ended; pass it back for the next one. */
export interface DueCursor {
  startedAt: Date;
  id: string;
}

export const START_CURSOR: DueCursor = { startedAt: new Date(0), id: "00000000-0000-0000-0000-000000000000" };

/** The next page of recordings past retention and not protected, after `cursor`. */
export async function nextDuePage(db: Db | Tx, rules: readonly RetentionRule[], now: Date, cursor: DueCursor, limit: number): Promise<{ ids: string[]; cursor: DueCursor | undefined }> {
  const rows = await db.$queryRaw<{ id: string; startedAt: Date }[]>`
    SELECT r.id::text AS id, r."startedAt"
    FROM "Recording" r
    WHERE r."startedAt" >= ${cursor.startedAt} AND (r."startedAt", r.id) > (${cursor.startedAt}, ${cursor.id}::uuid)
      AND r."startedAt" <= ${latestCutoff(rules)}
      AND ${pastRetentionSql(rules)}
      AND NOT ${protectedSql(now)}
    ORDER BY r."startedAt", r.id
    LIMIT ${limit}`;
  const last = rows.at(-1);
  return { ids: rows.map((row) => row.id), cursor: last && rows.length === limit ? { startedAt: new Date(last.startedAt), id: last.id } : undefined };
}

/** Sums counts by rule. */
export function totalDue(byRule: readonly DueByRule[]): { due: number; held: number } {
  return byRule.reduce((sum, r) => ({ due: sum.due + r.due, held: sum.held + r.held }), { due: 0, held: 0 });
}
