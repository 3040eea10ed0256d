/**
 * The subject access search: every catalogued call (recordings and call-log
 * entries alike) with one of the subject's numbers as the other party, still
 * within retention. One indexed query on Recording(externalNumber, startedAt)
 * from the oldest start time any retention rule keeps; each row is then held
 * to its own rule (class, then site, then the default) in memory, which costs
 * nothing next to the query. bench/sar-search.ts times exactly this function.
 */
import type { CallDirection, CatalogueSource } from "../../generated/prisma/client.ts";
import type { Db, Tx } from "../context.ts";
import { subtractDuration } from "../policy/duration.ts";
import { retentionFor } from "../policy/retention.ts";
import type { Policy } from "../policy/schema.ts";

/** One call found for a subject. `externalNumber` is in E.164: mask it before showing it. */
export interface SubjectRecording {
  id: string;
  callId: string;
  startedAt: Date;
  durationSeconds: number;
  direction: CallDirection;
  externalNumber: string | null;
  extension: string | null;
  siteId: string | null;
  retentionClass: string;
  blobName: string | null;
  contentType: string | null;
  sizeBytes: bigint | null;
  source: CatalogueSource;
}

const SELECT = {
  id: true,
  callId: true,
  startedAt: true,
  durationSeconds: true,
  direction: true,
  externalNumber: true,
  extension: true,
  siteId: true,
  retentionClass: true,
  blobName: true,
  contentType: true,
  sizeBytes: true,
  source: true,
} as const;

/** The oldest start time that any of the policy's retention rules still keeps. */
export function oldestRetainedStart(policy: Policy, now: Date): Date {
  const rules = [policy.retention.default, ...Object.values(policy.retention.sites), ...Object.values(policy.retention.classes)];
  return new Date(Math.min(...rules.map((rule) => subtractDuration(now, rule).getTime())));
}

/** Whether this call is still within its own retention rule at `now`. */
export function isWithinRetention(policy: Policy, recording: Pick<SubjectRecording, "startedAt" | "siteId" | "retentionClass">, now: Date): boolean {
  return recording.startedAt.getTime() >= subtractDuration(now, retentionFor(policy, recording)).getTime();
}

/**
 * Calls with any of `numbers` (E.164) as the other party, oldest first.
 * `withinRetention: false` returns everything still held (for portability).
 */
export async function findSubjectRecordings(
  db: Db | Tx,
  policy: Policy,
  numbers: readonly string[],
  now: Date,
  options: { withinRetention?: boolean } = {},
): Promise<SubjectRecording[]> {
  if (numbers.length === 0) return [];
  const withinRetention = options.withinRetention ?? true;
  const rows = await db.recording.findMany({
    where: {
      externalNumber: { in: [...numbers] },
      ...(withinRetention ? { startedAt: { gte: oldestRetainedStart(policy, now) } } : {}),
    },
    orderBy: [{ startedAt: "asc" }, { callId: "asc" }],
    select: SELECT,
  });
  return withinRetention ? rows.filter((row) => isWithinRetention(policy, row, now)) : rows;
}
