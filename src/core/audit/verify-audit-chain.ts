/**
 * Walks the whole audit log and checks every link of the chain, so an edited,
 * deleted or reordered entry is found and named.
 */
import type { Db } from "../context.ts";
import { GENESIS_HASH, hashEntry } from "./append-audit.ts";

export interface AuditVerification {
  ok: boolean;
  checked: number;
  headSeq: bigint;
  headHash: string;
  /** The first entry that breaks the chain, and how. */
  firstBad?: { seq: bigint; problem: string };
}

export async function verifyAuditChain(db: Db, options: { batchSize?: number; onProgress?: (checked: number, total: number) => void } = {}): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? 5000;
  const head = await db.auditHead.findUnique({ where: { id: 1 } });
  const total = await db.auditEntry.count();
  const headSeq = head?.seq ?? 0n;
  const headHash = head?.hash ?? GENESIS_HASH;
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  const fail = (seq: bigint, problem: string): AuditVerification => ({ ok: false, checked, headSeq, headHash, firstBad: { seq, problem } });

  for (;;) {
    const rows = await db.auditEntry.findMany({ where: { seq: { gte: expectedSeq } }, orderBy: { seq: "asc" }, take: batchSize });
    for (const row of rows) {
      if (row.seq !== expectedSeq) return fail(expectedSeq, `entry ${expectedSeq} is missing (the next one is ${row.seq})`);
      if (row.prevHash !== prevHash) return fail(row.seq, `entry ${row.seq} does not follow entry ${row.seq - 1n}: removed, reordered or altered`);
      if (hashEntry(row) !== row.hash) return fail(row.seq, `entry ${row.seq} was altered after it was written`);
      prevHash = row.hash;
      expectedSeq += 1n;
      checked += 1;
    }
    options.onProgress?.(checked, total);
    if (rows.length < batchSize) break;
  }
  if (expectedSeq - 1n !== headSeq || prevHash !== headHash) {
    return fail(expectedSeq, `the log ends at entry ${expectedSeq - 1n} but entry ${headSeq} was the last written: entries were removed from the end`);
  }
  return { ok: true, checked, headSeq, headHash };
}
