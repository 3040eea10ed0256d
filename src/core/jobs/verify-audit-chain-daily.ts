/**
 * Scheduled: once a day, re-checks the whole audit chain (summaries check only
 * what was added since the last checkpoint, so an edit to an old entry is
 * found here), against the stored checkpoint and the signed anchors. Runs on
 * one instance at a time under its own JobLease; a new break is reported to
 * every DPO at once by the verification itself, because it means someone
 * changed the log outside Callgate.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { CoreContext } from "../context.ts";
import { verifyAuditChainFully, type AuditChainStatus } from "../audit/verify-audit-chain.ts";
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
  } finally {
    await releaseJobLease(ctx.db, FULL_AUDIT_VERIFY_JOB, holder, status ? { at: ctx.clock.now(), result: { ok: status.ok, checked: status.checked } } : undefined);
  }
  return status;
}
