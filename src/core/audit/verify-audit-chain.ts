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
 *   by the next full verification.
 *
 * Both also check the log against the signed anchors kept outside the
 * database (audit-anchors.ts), which is what catches a log rewritten with
 * every hash recomputed, or a tail cut with the head moved back. Every break
 * found is recorded (AuditBreak) and stays reported, through clean checks,
 * until a DPO acknowledges it (acknowledge-audit-break.ts).
 */
import type { CoreContext, Db, Tx } from "../context.ts";
import { transact } from "../context.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { peopleWithRoles } from "../policy/access.ts";
import { appendAudit, GENESIS_HASH, hashEntry } from "./append-audit.ts";
import { checkAgainstAnchors, type AnchorFinding } from "./audit-anchors.ts";

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

/**
 * The chain's own links only, from the first entry, recording nothing. It
 * cannot see a log rewritten with every hash recomputed: that needs the
 * anchors, which verifyAuditChainFully checks.
 */
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

/** The walk from a known-good link (or the first entry) to the head, for the anchoring job. */
export async function walkChainFrom(db: Db, after: ChainPoint | undefined): Promise<WalkResult> {
  return walkChain(db, after ? { after } : {});
}

// ---------------------------------------------------------------------------
// Checkpoints, anchors and remembered breaks

/** The JobLease row that keeps the verification checkpoint. */
export const AUDIT_VERIFY_JOB = "audit-verify";

/** Most entries one incremental check reads; the rest wait for the next check, so a summary stays quick. */
export const DEFAULT_INCREMENTAL_LIMIT = 50_000;

/** How a break was found: by the chain's own links, against the stored checkpoint, or against the signed anchors. */
export type AuditBreakKind = "chain" | "checkpoint" | AnchorFinding["kind"];

/** A break found earlier and not yet acknowledged by a DPO. */
export interface OpenAuditBreak {
  /** What `callgate audit acknowledge <id>` takes. */
  id: string;
  seq: bigint;
  kind: AuditBreakKind;
  problem: string;
  foundAt: Date;
}

/** What the audit summary shows about the chain. */
export interface AuditChainStatus {
  /** False while this run found a problem or any earlier break is unacknowledged. */
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
  /** The earliest problem: found now, or remembered and not yet acknowledged. */
  firstBad?: { seq: bigint; problem: string; foundAt: Date };
  /** Breaks not yet acknowledged by a DPO, oldest entry first; they stay here after a clean check. */
  openBreaks: OpenAuditBreak[];
  /** What the signed anchors outside the database were checked for; absent where the context keeps none. */
  anchors?: { checked: number; newestSeq: bigint | null };
  /** When every entry was last checked successfully, if ever. */
  lastFullAt: Date | null;
  checkedAt: Date;
}

/** lastResult of the "audit-verify" JobLease row, as stored (JSON: bigints as strings). */
interface StoredState {
  checkpoint: { seq: string; hash: string; at: string } | null;
  lastFullAt: string | null;
}

const EMPTY: StoredState = { checkpoint: null, lastFullAt: null };

async function readState(db: Db): Promise<StoredState> {
  const row = await db.jobLease.findUnique({ where: { name: AUDIT_VERIFY_JOB } });
  const value = row?.lastResult as Partial<StoredState> | null | undefined;
  return { checkpoint: value?.checkpoint ?? null, lastFullAt: value?.lastFullAt ?? null };
}

function laterCheckpoint(current: StoredState["checkpoint"], candidate: StoredState["checkpoint"]): StoredState["checkpoint"] {
  if (!candidate) return current;
  if (!current) return candidate;
  return BigInt(candidate.seq) >= BigInt(current.seq) ? candidate : current;
}

interface Finding {
  kind: AuditBreakKind;
  seq: bigint;
  problem: string;
}

type VerifyContext = Pick<CoreContext, "db" | "clock" | "policy" | "anchoring">;

/**
 * Checks only what was written since the checkpoint (at most `limit`
 * entries), and the log against every signed anchor; moves the checkpoint on
 * only while nothing is wrong, and reports every unacknowledged break. Cheap
 * enough for every summary.
 */
export async function verifyAuditChainIncrementally(ctx: VerifyContext, options: { limit?: number; batchSize?: number } = {}): Promise<AuditChainStatus> {
  const state = await readState(ctx.db);
  const after = state.checkpoint ? { seq: BigInt(state.checkpoint.seq), hash: state.checkpoint.hash } : undefined;
  const walk = await walkChain(ctx.db, { after, limit: options.limit ?? DEFAULT_INCREMENTAL_LIMIT, batchSize: options.batchSize });
  return conclude(ctx, "incremental", walk, after?.seq ?? 0n, []);
}

/**
 * Checks every entry, the stored checkpoint and every signed anchor (the
 * CLI's `audit verify` and the daily job). A pass never clears a break found
 * earlier (only a DPO's acknowledgement does) and never moves the checkpoint
 * while one is open; a failure is recorded, so every summary shows it.
 */
export async function verifyAuditChainFully(ctx: VerifyContext, options: { batchSize?: number; onProgress?: (checked: number, total: number) => void } = {}): Promise<AuditChainStatus> {
  const state = await readState(ctx.db);
  const walk = await walkChain(ctx.db, options);
  const extra: Finding[] = [];
  if (state.checkpoint) {
    // A log rewritten from genesis passes the walk; the checkpoint remembers what it was.
    const seq = BigInt(state.checkpoint.seq);
    const row = await ctx.db.auditEntry.findUnique({ where: { seq }, select: { hash: true } });
    if (!row) {
      extra.push(
        walk.headSeq < seq
          ? { kind: "checkpoint", seq: walk.headSeq + 1n, problem: `the log ends at entry ${walk.headSeq} but entry ${seq} was verified earlier: entries were removed from the end` }
          : { kind: "checkpoint", seq, problem: `entry ${seq} is missing (it was verified earlier)` },
      );
    } else if (row.hash !== state.checkpoint.hash) {
      extra.push({ kind: "checkpoint", seq, problem: `entry ${seq} differs from when it was verified at ${state.checkpoint.at}: the log was rewritten` });
    }
  }
  return conclude(ctx, "full", walk, 0n, extra);
}

async function conclude(ctx: VerifyContext, mode: AuditChainStatus["mode"], walk: WalkResult, startedAfter: bigint, extra: Finding[]): Promise<AuditChainStatus> {
  const findings: Finding[] = [...(walk.firstBad ? [{ kind: "chain" as const, ...walk.firstBad }] : []), ...extra];
  let anchors: AuditChainStatus["anchors"];
  if (ctx.anchoring) {
    const checked = await checkAgainstAnchors(ctx.db, ctx.anchoring);
    findings.push(...checked.findings);
    anchors = { checked: checked.checked, newestSeq: checked.newestSeq };
  }
  const now = ctx.clock.now();
  const { state, open } = await transact(ctx, async (tx) => {
    // New breaks are kept, audited and sent to every DPO; one already known is not recorded again.
    const created = findings.length
      ? await tx.auditBreak.createManyAndReturn({ data: findings.map((f) => ({ firstSeq: f.seq, kind: f.kind, problem: f.problem.slice(0, 2_000), foundAt: now })), skipDuplicates: true })
      : [];
    for (const found of created) {
      await appendAudit(tx, { at: now, actor: "system", action: "audit.break.found", subjectType: "audit-break", subjectId: found.id, details: { firstSeq: found.firstSeq.toString(), kind: found.kind, problem: found.problem } });
    }
    if (created.length) {
      const dpos = peopleWithRoles(ctx.policy, ctx.policy.compliance.dpoRoles);
      await enqueueNotices(
        tx,
        now,
        created.flatMap((found) =>
          dpos.map((p) => ({
            to: p.email,
            kind: "compliance-notice" as const,
            payload: {
              title: "The audit log has been altered",
              lines: [
                `A check of the audit log found a problem at entry ${found.firstSeq}: ${found.problem}.`,
                "Someone changed the log outside Callgate. Keep the database as it is and investigate; `callgate audit verify` shows the same result.",
                `It stays reported until a DPO acknowledges it: \`callgate audit acknowledge ${found.id} --reason "..." --as <your e-mail>\`.`,
              ],
            },
          })),
        ),
      );
    }
    const openRows = await tx.auditBreak.findMany({ where: { acknowledgedAt: null }, orderBy: [{ firstSeq: "asc" }, { foundAt: "asc" }] });
    // Under the row's lock, merging with what another instance wrote meanwhile: the checkpoint only moves
    // forward, and never while anything is wrong (an open break would otherwise be walked past and forgotten).
    await tx.$executeRaw`INSERT INTO "JobLease" (name) VALUES (${AUDIT_VERIFY_JOB}) ON CONFLICT (name) DO NOTHING`;
    const [row] = await tx.$queryRaw<{ lastResult: unknown }[]>`SELECT "lastResult" FROM "JobLease" WHERE name = ${AUDIT_VERIFY_JOB} FOR UPDATE`;
    const stored = (row?.lastResult as Partial<StoredState> | null) ?? {};
    const current: StoredState = { checkpoint: stored.checkpoint ?? null, lastFullAt: stored.lastFullAt ?? null };
    const clean = walk.ok && findings.length === 0 && openRows.length === 0;
    const next: StoredState = {
      checkpoint: clean ? laterCheckpoint(current.checkpoint, { seq: walk.reached.seq.toString(), hash: walk.reached.hash, at: now.toISOString() }) : current.checkpoint,
      lastFullAt: mode === "full" && walk.ok && findings.length === 0 ? now.toISOString() : current.lastFullAt,
    };
    await tx.jobLease.update({ where: { name: AUDIT_VERIFY_JOB }, data: { lastResult: next as object, lastFinishedAt: now } });
    return { state: next, open: openRows };
  });
  const openBreaks: OpenAuditBreak[] = open.map((b) => ({ id: b.id, seq: b.firstSeq, kind: b.kind as AuditBreakKind, problem: b.problem, foundAt: b.foundAt }));
  // The earliest of what was found now and what is remembered is the one to show.
  const candidates = [...findings.map((f) => ({ seq: f.seq, problem: f.problem, foundAt: now })), ...openBreaks.map((b) => ({ seq: b.seq, problem: b.problem, foundAt: b.foundAt }))];
  const shown = candidates.reduce<(typeof candidates)[number] | undefined>((best, c) => (!best || c.seq < best.seq ? c : best), undefined);
  return {
    ok: findings.length === 0 && openBreaks.length === 0,
    mode,
    checked: walk.checked,
    fromSeq: startedAfter + 1n,
    headSeq: walk.headSeq,
    headHash: walk.headHash,
    verifiedTo: walk.reached.seq,
    pending: walk.remaining,
    ...(shown ? { firstBad: shown } : {}),
    openBreaks,
    ...(anchors ? { anchors } : {}),
    lastFullAt: state.lastFullAt ? new Date(state.lastFullAt) : null,
    checkedAt: now,
  };
}

/** Forgets the checkpoint, so the next check starts from the first entry (after a break is acknowledged). */
export async function resetAuditCheckpoint(tx: Tx): Promise<void> {
  await tx.jobLease.updateMany({ where: { name: AUDIT_VERIFY_JOB }, data: { lastResult: { checkpoint: null, lastFullAt: null } } });
}
