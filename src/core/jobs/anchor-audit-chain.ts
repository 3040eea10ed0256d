/**
 * Scheduled: anchors the audit chain outside the database about once an hour
 * when its head has moved (a signed record of the head's seq and hash
 * appended to the anchor store), and sends every DPO the anchor's seq and
 * hash, so a copy lives in their chat history too. Runs on one instance at a
 * time under its own JobLease.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { writeAuditAnchor, type AnchorWritten } from "../audit/audit-anchors.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { peopleWithRoles } from "../policy/access.ts";
import { claimJobLease, releaseJobLease } from "./job-lease.ts";

export const AUDIT_ANCHOR_JOB = "audit-anchor";
/** How often the head is anchored, at most. A tail cut after the newest anchor is only caught by the chain's own checks. */
export const ANCHOR_EVERY_MS = 60 * 60 * 1000;
const LEASE_MS = 10 * 60 * 1000;

/** Anchors the head if an hour has passed since the last run and it moved; undefined when not due or another instance has it. */
export async function anchorAuditChainIfDue(ctx: CoreContext, options: { everyMs?: number } = {}): Promise<AnchorWritten | undefined> {
  if (!ctx.anchoring?.signer) return undefined;
  const now = ctx.clock.now();
  const holder = `${hostname()}:${process.pid}:${randomUUID()}`;
  const everyMs = options.everyMs ?? ANCHOR_EVERY_MS;
  const claimed = await claimJobLease(ctx.db, { name: AUDIT_ANCHOR_JOB, holder, now, leaseMs: LEASE_MS, notFinishedSince: new Date(now.getTime() - everyMs) });
  if (!claimed) return undefined;
  let result: AnchorWritten | undefined;
  try {
    result = await anchorAuditChainNow(ctx);
  } finally {
    await releaseJobLease(ctx.db, AUDIT_ANCHOR_JOB, holder, result ? { at: ctx.clock.now(), result: result.written ? { written: true, seq: result.anchor.seq.toString() } : { written: false, reason: result.reason } } : undefined);
  }
  return result;
}

/** Anchors the head now if it moved (the job, and `callgate audit anchor`), and tells the DPOs. */
export async function anchorAuditChainNow(ctx: CoreContext): Promise<AnchorWritten> {
  const result = await writeAuditAnchor(ctx);
  if (result.written) {
    const { anchor } = result;
    const dpos = peopleWithRoles(ctx.policy, ctx.policy.compliance.dpoRoles);
    await transact(ctx, (tx) =>
      enqueueNotices(
        tx,
        anchor.at,
        dpos.map((p) => ({
          to: p.email,
          kind: "compliance-notice" as const,
          payload: {
            title: "Audit log anchored",
            lines: [
              `Entry ${anchor.seq} of the audit log has hash ${anchor.hash} (signed with key ${anchor.keyId}).`,
              "Keep this message: if the log is ever rewritten, it will not match.",
            ],
          },
        })),
      ),
    );
  }
  return result;
}
