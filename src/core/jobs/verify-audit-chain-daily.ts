/**
 * Scheduled: once a day, re-checks the whole audit chain (summaries check only
 * what was added since the last checkpoint, so an edit to an old entry is
 * found here). Runs on one instance at a time under its own JobLease; a break
 * is reported to every DPO at once, because it means someone changed the log
 * outside Callgate.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { verifyAuditChainFully, type AuditChainStatus } from "../audit/verify-audit-chain.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { peopleWithRoles } from "../policy/access.ts";
import { claimJobLease, releaseJobLease } from "./job-lease.ts";

export const FULL_AUDIT_VERIFY_JOB = "audit-verify-full";
const DAY_MS = 24 * 60 * 60 * 1000;
const LEASE_MS = 60 * 60 * 1000;

/** Runs the full check if none finished in the last day; undefined when it was not due or another instance has it. */
export async function verifyAuditChainIfDue(ctx: CoreContext): Promise<AuditChainStatus | undefined> {
  const now = ctx.clock.now();
  const holder = `${hostname()}:${process.pid}:${randomUUID()}`;
  const claimed = await claimJobLease(ctx.db, { name: FULL_AUDIT_VERIFY_JOB, holder, now, leaseMs: LEASE_MS, notFinishedSince: new Date(now.getTime() - DAY_MS) });
  if (!claimed) return undefined;
  let status: AuditChainStatus | undefined;
  try {
    status = await verifyAuditChainFully(ctx);
    if (!status.ok && status.firstBad) {
      const bad = status.firstBad;
      const dpos = peopleWithRoles(ctx.policy, ctx.policy.compliance.dpoRoles);
      await transact(ctx, (tx) =>
        enqueueNotices(
          tx,
          now,
          dpos.map((p) => ({
            to: p.email,
            kind: "compliance-notice" as const,
            payload: { title: "The audit log has been altered", lines: [`The daily check found a problem at entry ${bad.seq}: ${bad.problem}.`, "Someone changed the log outside Callgate. Keep the database as it is and investigate; `callgate audit verify` shows the same result."] },
          })),
        ),
      );
    }
  } finally {
    await releaseJobLease(ctx.db, FULL_AUDIT_VERIFY_JOB, holder, status ? { at: ctx.clock.now(), result: { ok: status.ok, checked: status.checked } } : undefined);
  }
  return status;
}
