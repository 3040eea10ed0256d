/**
 * A lease on a named job in the JobLease table, so a job runs on one server
 * instance at a time. Claimed and renewed by conditional updates (one atomic
 * statement each, on a row every instance shares), so it needs no session
 * state: unlike pg_try_advisory_lock it survives a connection pool handing
 * each query a different connection. A holder that dies stops renewing, and
 * the lease lapses after `leaseMs`.
 */
import type { Prisma } from "../../generated/prisma/client.ts";
import type { Db } from "../context.ts";

/** The retention sweep's lease. */
export const RETENTION_SWEEP_JOB = "retention-sweep";

export interface LeaseClaim {
  name: string;
  holder: string;
  now: Date;
  leaseMs: number;
  /** Claim only if the job has not finished since this instant (for "once a day"). */
  notFinishedSince?: Date;
}

/** True if this holder now has the lease. */
export async function claimJobLease(db: Db, claim: LeaseClaim): Promise<boolean> {
  await db.jobLease.createMany({ data: [{ name: claim.name }], skipDuplicates: true });
  const { count } = await db.jobLease.updateMany({
    where: {
      name: claim.name,
      OR: [{ holder: null }, { leaseUntil: null }, { leaseUntil: { lte: claim.now } }],
      ...(claim.notFinishedSince ? { AND: [{ OR: [{ lastFinishedAt: null }, { lastFinishedAt: { lt: claim.notFinishedSince } }] }] } : {}),
    },
    data: { holder: claim.holder, leaseUntil: new Date(claim.now.getTime() + claim.leaseMs), lastStartedAt: claim.now },
  });
  return count === 1;
}

/** Extends the lease; false if this holder lost it (it lapsed and someone else took it). */
export async function renewJobLease(db: Db, name: string, holder: string, now: Date, leaseMs: number): Promise<boolean> {
  const { count } = await db.jobLease.updateMany({ where: { name, holder }, data: { leaseUntil: new Date(now.getTime() + leaseMs) } });
  return count === 1;
}

/** Gives the lease up; with `finishedAt`, records that the job completed and what it did. */
export async function releaseJobLease(db: Db, name: string, holder: string, finished?: { at: Date; result: Prisma.InputJsonObject }): Promise<void> {
  await db.jobLease.updateMany({
    where: { name, holder },
    data: { holder: null, leaseUntil: null, ...(finished ? { lastFinishedAt: finished.at, lastResult: finished.result } : {}) },
  });
}

export async function readJobLease(db: Db, name: string) {
  return db.jobLease.findUnique({ where: { name } });
}
