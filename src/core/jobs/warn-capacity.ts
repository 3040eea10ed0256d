/**
 * Scheduled: where the policy states a storage limit (policy.capacity, North
 * Wales Housing §1.4: 100,000 recordings within 90 days), counts the
 * catalogued recordings whose calls started in the last `per`, and warns the
 * DPOs once each time the count crosses one of `warnAt` (percent of the
 * limit). A crossing is claimed by inserting its CapacityWarning row (one per
 * percent, so it is sent once however many instances run, under the job's
 * lease too); the row is removed when the count falls back below, so the
 * next crossing warns again.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { peopleWithRoles } from "../policy/access.ts";
import { formatDuration, subtractDuration } from "../policy/duration.ts";
import type { Policy } from "../policy/schema.ts";
import { claimJobLease, releaseJobLease } from "./job-lease.ts";

export const CAPACITY_JOB = "warn-capacity";
const LEASE_MS = 10 * 60_000;

export interface CapacityStatus {
  maxRecordings: number;
  perText: string;
  count: number;
  percent: number;
  /** The warning thresholds crossed now (percent). */
  crossed: number[];
}

/** How full the catalogue is against policy.capacity; undefined when the policy states no limit. */
export async function capacityStatus(ctx: CoreContext): Promise<CapacityStatus | undefined> {
  const capacity = ctx.policy.capacity;
  if (!capacity) return undefined;
  const since = subtractDuration(ctx.clock.now(), capacity.per);
  const count = await ctx.db.recording.count({ where: { startedAt: { gte: since } } });
  const percent = Math.floor((count * 1000) / capacity.maxRecordings) / 10;
  return { maxRecordings: capacity.maxRecordings, perText: formatDuration(capacity.per), count, percent, crossed: crossedAt(ctx.policy, count) };
}

function crossedAt(policy: Policy, count: number): number[] {
  const capacity = policy.capacity!;
  return [...new Set(capacity.warnAt)].filter((p) => count * 100 >= p * capacity.maxRecordings).sort((a, b) => a - b);
}

export async function warnCapacity(ctx: CoreContext): Promise<{ warned: number[] } | undefined> {
  if (!ctx.policy.capacity) return undefined;
  const now = ctx.clock.now();
  const holder = `${hostname()}:${process.pid}:${randomUUID()}`;
  if (!(await claimJobLease(ctx.db, { name: CAPACITY_JOB, holder, now, leaseMs: LEASE_MS }))) return undefined;
  let result: { warned: number[] } | undefined;
  try {
    result = await checkCapacity(ctx, now);
  } finally {
    await releaseJobLease(ctx.db, CAPACITY_JOB, holder, result ? { at: ctx.clock.now(), result } : undefined);
  }
  return result;
}

async function checkCapacity(ctx: CoreContext, now: Date): Promise<{ warned: number[] }> {
  const status = (await capacityStatus(ctx))!;
  const capacity = ctx.policy.capacity!;
  // Re-arm the thresholds the count has fallen back below.
  await ctx.db.capacityWarning.deleteMany({ where: { percent: { notIn: status.crossed } } });
  const crossed = status.crossed;
  const highest = crossed[crossed.length - 1];
  if (highest === undefined) return { warned: [] };
  const warned = await transact(ctx, async (tx) => {
    // Claim the crossings not yet warned of; RETURNING names exactly the ones this run claimed.
    const rows = await tx.$queryRaw<{ percent: number }[]>`
      INSERT INTO "CapacityWarning" (percent, "warnedAt", count)
      SELECT unnest(${crossed}::int[]), ${now}, ${status.count}
      ON CONFLICT (percent) DO NOTHING
      RETURNING percent`;
    if (rows.length === 0) return [];
    const fresh = rows.map((r) => Number(r.percent)).sort((a, b) => a - b);
    const top = fresh[fresh.length - 1]!;
    const dpos = peopleWithRoles(ctx.policy, ctx.policy.compliance.dpoRoles).map((p) => p.email);
    await appendAudit(tx, { at: now, actor: "system", action: "capacity.warned", subjectType: "capacity", details: { percent: top, crossed: fresh, count: status.count, maxRecordings: capacity.maxRecordings, per: formatDuration(capacity.per), told: dpos } });
    const lines = [
      `The catalogue holds ${status.count.toLocaleString("en-GB")} recordings of calls from the last ${formatDuration(capacity.per)}: ${status.percent}% of the ${capacity.maxRecordings.toLocaleString("en-GB")} the policy says the recording system can keep.`,
      "Check the phone system's storage before it is full, so recordings are not lost.",
    ];
    await enqueueNotices(tx, now, dpos.map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `Recording capacity at ${top}%`, lines } })));
    return fresh;
  });
  return { warned };
}
