/**
 * The policy's retention rules as the sweep applies them: each rule's cutoff
 * is computed once (in TypeScript, with the policy's calendar durations), and
 * the database is asked with one WHERE branch per rule, in the precedence
 * retentionFor uses: a class rule, else a site rule, else the default. The
 * same rules label each deletion ("retention:class:standard:6 years").
 */
import { Prisma } from "../../generated/prisma/client.ts";
import { formatDuration, subtractDuration, type PolicyDuration } from "../policy/duration.ts";
import type { Policy } from "../policy/schema.ts";

export interface RetentionRule {
  kind: "class" | "site" | "default";
  /** The class or site id; null for the default. */
  key: string | null;
  duration: PolicyDuration;
  /** Recordings that started at or before this instant are past retention. */
  cutoff: Date;
  /** What a deletion record says, e.g. "retention:site:south:90 days". */
  label: string;
}

/** Every rule of the policy with its cutoff at `now`: classes first, then sites, then the default. */
export function retentionRules(policy: Policy, now: Date): RetentionRule[] {
  const rule = (kind: RetentionRule["kind"], key: string | null, duration: PolicyDuration): RetentionRule => ({
    kind,
    key,
    duration,
    cutoff: subtractDuration(now, duration),
    label: `retention:${kind}${key === null ? "" : `:${key}`}:${formatDuration(duration)}`,
  });
  const { retention } = policy;
  return [
    ...Object.entries(retention.classes).map(([key, d]) => rule("class", key, d)),
    ...Object.entries(retention.sites).map(([key, d]) => rule("site", key, d)),
    rule("default", null, retention.default),
  ];
}

/** The rule that governs one recording (the same precedence as policy/retention.ts retentionFor). */
export function ruleFor(rules: readonly RetentionRule[], recording: { retentionClass: string | null; siteId: string | null }): RetentionRule {
  return (
    rules.find((r) => r.kind === "class" && r.key === recording.retentionClass) ??
    rules.find((r) => r.kind === "site" && r.key === recording.siteId) ??
    rules.find((r) => r.kind === "default")!
  );
}

export function isPastRetention(rules: readonly RetentionRule[], recording: { retentionClass: string | null; siteId: string | null; startedAt: Date }): boolean {
  return recording.startedAt.getTime() <= ruleFor(rules, recording).cutoff.getTime();
}

/**
 * One branch per rule, each a range on "startedAt" (so the startedAt index
 * serves it) plus the condition that picks the rule. `alias` is the
 * Recording table's alias in the caller's query.
 */
export function pastRetentionSql(rules: readonly RetentionRule[], alias = "r"): Prisma.Sql {
  const col = (name: string) => Prisma.raw(`${alias}."${name}"`);
  const classes = rules.filter((r) => r.kind === "class").map((r) => r.key!);
  const sites = rules.filter((r) => r.kind === "site").map((r) => r.key!);
  const notAClassRule = classes.length ? Prisma.sql`${col("retentionClass")} <> ALL(${classes}::text[])` : Prisma.sql`TRUE`;
  const notASiteRule = sites.length ? Prisma.sql`(${col("siteId")} IS NULL OR ${col("siteId")} <> ALL(${sites}::text[]))` : Prisma.sql`TRUE`;
  const branches = rules.map((rule) => {
    const before = Prisma.sql`${col("startedAt")} <= ${rule.cutoff}`;
    if (rule.kind === "class") return Prisma.sql`(${before} AND ${col("retentionClass")} = ${rule.key})`;
    if (rule.kind === "site") return Prisma.sql`(${before} AND ${notAClassRule} AND ${col("siteId")} = ${rule.key})`;
    return Prisma.sql`(${before} AND ${notAClassRule} AND ${notASiteRule})`;
  });
  return Prisma.sql`(${Prisma.join(branches, " OR ")})`;
}

/** The rule's label as an SQL expression, for counting by rule. */
export function ruleLabelSql(rules: readonly RetentionRule[], alias = "r"): Prisma.Sql {
  const col = (name: string) => Prisma.raw(`${alias}."${name}"`);
  const cases = rules
    .filter((r) => r.kind !== "default")
    .map((rule) => Prisma.sql`WHEN ${col(rule.kind === "class" ? "retentionClass" : "siteId")} = ${rule.key} THEN ${rule.label}::text`);
  const fallback = rules.find((r) => r.kind === "default")!.label;
  // Class rules come first in the list, so CASE's first match is the precedence.
  return cases.length ? Prisma.sql`(CASE ${Prisma.join(cases, " ")} ELSE ${fallback}::text END)` : Prisma.sql`${fallback}::text`;
}

/** The earliest a recording of any rule can be kept to: nothing newer than the latest cutoff is ever due. */
export function latestCutoff(rules: readonly RetentionRule[]): Date {
  return new Date(Math.max(...rules.map((r) => r.cutoff.getTime())));
}
