/**
 * Checks the links of the hash-chained audit log, so an edited, deleted or
 * reordered entry is found and named.
 *
 * Two ways, one walk:
 * - `verifyAuditChain` / `verifyAuditChainFully`: from the first entry to the
 *   newest (the `callgate audit verify` command, and a daily job).
 * - `verifyAuditChainIncrementally`: only the entries written since the last
 *   verified checkpoint, so every audit summary can show the chain's state
 *   without reading a million entries. The checkpoint (the seq and hash of the
 *   newest entry verified) is kept in the JobLease row "audit-verify". The
 *   incremental check re-hashes the checkpoint entry itself, so a tail cut
 *   back past it or an edit to it is caught; an edit further back is caught
 *   by the next full verification, whose finding is remembered and shown by
 *   every summary until a full verification passes again.
 */
import type { CoreContext, Db } from "../context.ts";
import { transact } from "../context.ts";
import { GENESIS_HASH, hashEntry } from "./append-audit.ts";

export interface AuditVerification {
  ok: boolean;
  checked: number;
  headSeq: bigint;
  headHash: string;
  /** The first entry that breaks the chain, and how. */
  firstBad?: { seq: bigint; problem: string };
}

/** A link of the chain known to be good: the walk can start after it. */
export interface ChainPoint {
  seq: bigint;
  hash: string;
}

export interface WalkOptions {
  batchSize?: number;
  onProgress?: (checked: number, total: number) => void;
  /** Start after this entry (already verified) rather than at the first. */
  after?: ChainPoint;
  /** Check at most this many entries, then stop (the result says how far it got). */
  limit?: number;
}

interface WalkResult extends AuditVerification {
  /** The newest entry checked and found good (the new checkpoint). */
  reached: ChainPoint;
  /** Entries left unchecked because of `limit`. */
  remaining: number;
}

/** The whole log, from the first entry. Behaviour unchanged since the foundation. */
export async function verifyAuditChain(db: Db, options: { batchSize?: number; onProgress?: (checked: number, total: number) => void } = {}): Promise<AuditVerification> {
  const { reached: _reached, remaining: _remaining, ...result } = await walkChain(db, options);
  return result;
}

async function walkChain(db: Db, options: WalkOptions): Promise<WalkResult> {
  const batchSize = options.batchSize ?? 5000;
  const head = await db.auditHead.findUnique({ where: { id: 1 } });
  const headSeq = head?.seq ?? 0n;
  const headHash = head?.hash ?? GENESIS_HASH;
  const start: ChainPoint = options.after ?? { seq: 0n, hash: GENESIS_HASH };
  let expectedSeq = start.seq + 1n;
  let prevHash = start.hash;
  let checked = 0;
  const total = Number(headSeq > start.seq ? headSeq - start.seq : 0n);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const reached = (): ChainPoint => ({ seq: expectedSeq - 1n, hash: prevHash });
  const fail = (seq: bigint, problem: string): WalkResult => ({ ok: false, checked, headSeq, headHash, firstBad: { seq, problem }, reached: reached(), remaining: 0 });

  if (options.after && options.after.seq > 0n) {
    // The checkpoint entry itself must still be there, unchanged.
    const anchor = await db.auditEntry.findUnique({ where: { seq: options.after.seq } });
    if (!anchor) {
      return headSeq < options.after.seq
        ? fail(headSeq + 1n, `the log ends at entry ${headSeq} but entry ${options.after.seq} was verified earlier: entries were removed from the end`)
        : fail(options.after.seq, `entry ${options.after.seq} is missing (it was verified earlier)`);
    }
    if (anchor.hash !== options.after.hash || hashEntry(anchor) !== anchor.hash) return fail(anchor.seq, `entry ${anchor.seq} was altered after it was verified`);
  }

  // Only up to the head read above: entries written during the walk are for the next check.
  while (expectedSeq <= headSeq && checked < limit) {
    const take = Math.min(batchSize, limit - checked);
    const rows = await db.auditEntry.findMany({ where: { seq: { gte: expectedSeq, lte: headSeq } }, orderBy: { seq: "asc" }, take });
    for (const row of rows) {
      if (row.seq !== expectedSeq) return fail(expectedSeq, `entry ${expectedSeq} is missing (the next one is ${row.seq})`);
      if (row.prevHash !== prevHash) return fail(row.seq, `entry ${row.seq} does not follow entry ${row.seq - 1n}: removed, reordered or altered`);
      if (hashEntry(row) !== row.hash) return fail(row.seq, `entry ${row.seq} was altered after it was written`);
      prevHash = row.hash;
      expectedSeq += 1n;
      checked += 1;
    }
    options.onProgress?.(checked, total);
    if (rows.length < take) break;
  }
  const remaining = Number(headSeq - (expectedSeq - 1n));
  if (remaining > 0 && checked >= limit) return { ok: true, checked, headSeq, headHash, reached: reached(), remaining };
  if (expectedSeq - 1n !== headSeq || prevHash !== headHash) {
    return fail(expectedSeq, `the log ends at entry ${expectedSeq - 1n} but entry ${headSeq} was the last written: entries were removed from the end`);
  }
  // Rows beyond the head were not written through appendAudit. Read the highest
  // seq before the head again: anything committed by then has moved the head past it.
  const [{ max } = { max: null }] = await db.$queryRaw<{ max: bigint | null }[]>`SELECT max(seq) AS max FROM "AuditEntry"`;
  const headNow = await db.auditHead.findUnique({ where: { id: 1 } });
  if (max !== null && BigInt(max) > (headNow?.seq ?? 0n)) {
    return fail(headNow!.seq + 1n, `entry ${BigInt(max)} exists beyond the newest entry written (${headNow?.seq ?? 0n}): it was added outside Callgate`);
  }
  return { ok: true, checked, headSeq, headHash, reached: reached(), remaining: 0 };
}

// ---------------------------------------------------------------------------
// Checkpoints and the remembered result

/** The JobLease row that keeps the verification checkpoint. */
export const AUDIT_VERIFY_JOB = "audit-verify";

/** Most entries one incremental check reads; the rest wait for the next check, so a summary stays quick. */
export const DEFAULT_INCREMENTAL_LIMIT = 50_000;

/** What the audit summary shows about the chain. */
export interface AuditChainStatus {
  ok: boolean;
  /** "full": every entry was checked now; "incremental": those after the checkpoint. */
  mode: "full" | "incremental";
  /** Entries checked by this run. */
  checked: number;
  /** The first seq this run checked (checkpoint + 1). */
  fromSeq: bigint;
  headSeq: bigint;
  headHash: string;
  /** The newest entry known good after this run. */
  verifiedTo: bigint;
  /** Entries not yet checked because this run stopped at its limit (0 normally). */
  pending: number;
  firstBad?: { seq: bigint; problem: string; foundAt: Date };
  /** When every entry was last checked successfully, if ever. */
  lastFullAt: Date | null;
  checkedAt: Date;
}

/** lastResult of the "audit-verify" JobLease row, as stored (JSON: bigints as strings). */
interface StoredState {
  checkpoint: { seq: string; hash: string; at: string } | null;
  lastFullAt: string | null;
  broken: { seq: string; problem: string; foundAt: string } | null;
}

const EMPTY: StoredState = { checkpoint: null, lastFullAt: null, broken: null };

async function readState(db: Db): Promise<StoredState> {
  const row = await db.jobLease.findUnique({ where: { name: AUDIT_VERIFY_JOB } });
  const value = row?.lastResult as Partial<StoredState> | null | undefined;
  return { ...EMPTY, ...(value && typeof value === "object" ? value : {}) };
}

/**
 * Writes the state under the row's lock, merging with what another instance
 * may have written meanwhile: the checkpoint only moves forward, a recorded
 * break stays until a full verification passes.
 */
async function saveState(ctx: Pick<CoreContext, "db">, now: Date, change: (current: StoredState) => StoredState): Promise<StoredState> {
  return transact(ctx, async (tx) => {
    await tx.$executeRaw`INSERT INTO "JobLease" (name) VALUES (${AUDIT_VERIFY_JOB}) ON CONFLICT (name) DO NOTHING`;
    const [row] = await tx.$queryRaw<{ lastResult: unknown }[]>`SELECT "lastResult" FROM "JobLease" WHERE name = ${AUDIT_VERIFY_JOB} FOR UPDATE`;
    const current = { ...EMPTY, ...((row?.lastResult as Partial<StoredState> | null) ?? {}) };
    const next = change(current);
    await tx.jobLease.update({ where: { name: AUDIT_VERIFY_JOB }, data: { lastResult: next as object, lastFinishedAt: now } });
    return next;
  });
}

function laterCheckpoint(current: StoredState["checkpoint"], candidate: StoredState["checkpoint"]): StoredState["checkpoint"] {
  if (!candidate) return current;
  if (!current) return candidate;
  return BigInt(candidate.seq) >= BigInt(current.seq) ? candidate : current;
}

/**
 * Checks only what was written since the checkpoint (at most `limit`
 * entries), moves the checkpoint on, and reports the chain's state including
 * any break a full verification found earlier. Cheap enough for every summary.
 */
export async function verifyAuditChainIncrementally(ctx: Pick<CoreContext, "db" | "clock">, options: { limit?: number; batchSize?: number } = {}): Promise<AuditChainStatus> {
  const now = ctx.clock.now();
  const state = await readState(ctx.db);
  const after = state.checkpoint ? { seq: BigInt(state.checkpoint.seq), hash: state.checkpoint.hash } : undefined;
  const walk = await walkChain(ctx.db, { after, limit: options.limit ?? DEFAULT_INCREMENTAL_LIMIT, batchSize: options.batchSize });
  const saved = await saveState(ctx, now, (current) => ({
    checkpoint: walk.ok ? laterCheckpoint(current.checkpoint, { seq: walk.reached.seq.toString(), hash: walk.reached.hash, at: now.toISOString() }) : current.checkpoint,
    lastFullAt: current.lastFullAt,
    broken: current.broken ?? (walk.firstBad ? { seq: walk.firstBad.seq.toString(), problem: walk.firstBad.problem, foundAt: now.toISOString() } : null),
  }));
  return statusOf("incremental", walk, after?.seq ?? 0n, saved, now);
}

/**
 * Checks every entry (the CLI's `audit verify` and the daily job). A pass
 * resets the checkpoint to the head and clears any remembered break; a
 * failure is remembered so every summary shows it.
 */
export async function verifyAuditChainFully(ctx: Pick<CoreContext, "db" | "clock">, options: { batchSize?: number; onProgress?: (checked: number, total: number) => void } = {}): Promise<AuditChainStatus> {
  const walk = await walkChain(ctx.db, options);
  const now = ctx.clock.now();
  const saved = await saveState(ctx, now, (current) =>
    walk.ok
      ? { checkpoint: laterCheckpoint(current.checkpoint, { seq: walk.reached.seq.toString(), hash: walk.reached.hash, at: now.toISOString() }), lastFullAt: now.toISOString(), broken: null }
      : { checkpoint: current.checkpoint, lastFullAt: current.lastFullAt, broken: { seq: walk.firstBad!.seq.toString(), problem: walk.firstBad!.problem, foundAt: now.toISOString() } },
  );
  return statusOf("full", walk, 0n, saved, now);
}

function statusOf(mode: AuditChainStatus["mode"], walk: WalkResult, startedAfter: bigint, saved: StoredState, now: Date): AuditChainStatus {
  const broken = saved.broken ? { seq: BigInt(saved.broken.seq), problem: saved.broken.problem, foundAt: new Date(saved.broken.foundAt) } : undefined;
  const firstBad = walk.firstBad ? { ...walk.firstBad, foundAt: now } : undefined;
  // The earlier of a remembered break and one found now is the one to show.
  const shown = broken && (!firstBad || broken.seq <= firstBad.seq) ? broken : firstBad;
  return {
    ok: walk.ok && !shown,
    mode,
    checked: walk.checked,
    fromSeq: startedAfter + 1n,
    headSeq: walk.headSeq,
    headHash: walk.headHash,
    verifiedTo: walk.reached.seq,
    pending: walk.remaining,
    ...(shown ? { firstBad: shown } : {}),
    lastFullAt: saved.lastFullAt ? new Date(saved.lastFullAt) : null,
    checkedAt: now,
  };
}
