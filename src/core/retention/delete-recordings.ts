/**
 * Deletes recordings (audio and catalogue row) for the retention sweep and for
 * erasure alike, in batches. For each batch, in one transaction:
 *
 * 1. claim the candidates with FOR UPDATE SKIP LOCKED, so two instances (or a
 *    sweep and an erasure) never take the same row, and neither waits;
 * 2. check holds and open requests again, now that the rows are locked. The
 *    candidates come from an earlier snapshot, and under READ COMMITTED a hold
 *    committed after that snapshot is only visible to a later statement. Once
 *    the row is locked no new hold can be placed on it (placing one takes a
 *    key-share lock on the recording, which waits for ours);
 * 3. delete the blobs (a missing blob is not an error, so a repeat is harmless);
 * 4. delete the rows, write a DeletionRecord for each (hashes, never the
 *    number), and ONE audit entry for the batch; commit.
 *
 * Blobs go before rows: a crash between the two leaves a catalogue row whose
 * audio is already gone, which the next run deletes again. The reverse would
 * leave audio nobody can find.
 */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { CoreContext, Tx } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import type { AuditAction } from "../audit/audit-actions.ts";
import { AppError } from "../errors.ts";
import type { RecordingStore } from "../ports/recording-store.ts";
import { protectedAmong } from "./protection.ts";

export const DEFAULT_BATCH_SIZE = 500;
/** Blob deletions in flight at once within a batch. */
const BLOB_CONCURRENCY = 32;

/** A catalogue row as locked for deletion (enums and bigints as text, so it hashes the same on every driver). */
export interface RecordingRow {
  id: string;
  callId: string;
  startedAt: Date;
  durationSeconds: number;
  direction: string;
  externalNumber: string | null;
  extension: string | null;
  siteId: string | null;
  staffEmail: string | null;
  retentionClass: string;
  blobName: string | null;
  contentType: string | null;
  sizeBytes: string | null;
  source: string;
  importedAt: Date;
}

export interface BatchOutcome {
  /** 1-based. */
  batch: number;
  deleted: number;
  /** Kept because a hold or an open request protects them (found after locking). */
  held: number;
  /** Not deleted: taken by another instance, already gone, or no longer due. */
  skipped: number;
  /** Deletions by rule label. */
  byRule: Record<string, number>;
}

export interface DeleteRecordingsOptions {
  /** Recordings to delete, from a snapshot taken earlier. */
  candidateIds: readonly string[];
  /** The rule a deletion record names, or undefined to leave this recording (e.g. no longer past retention). */
  ruleFor(row: RecordingRow): string | undefined;
  /** Who deletes: "system" for the scheduled sweep, a DPO's e-mail for erasure. */
  actor: string;
  /** The sweep or erasure this is part of; goes on every deletion record and audit entry. */
  runId: string;
  /** The batch's audit entry: action and subject; counts are added. */
  audit: { action: AuditAction; subjectType: string; subjectId: string; details?: Record<string, unknown> };
  batchSize?: number;
  /** Runs inside each batch's transaction after the deletions, so counters commit with them. */
  inBatch?(tx: Tx, outcome: BatchOutcome): Promise<void>;
  /** Runs after each batch commits (progress, lease renewal). Throwing stops the run. */
  afterBatch?(outcome: BatchOutcome): Promise<void> | void;
  /** Number the first batch from here (a sweep calls this once per page). */
  firstBatch?: number;
}

export interface DeleteRecordingsResult {
  deleted: number;
  held: number;
  skipped: number;
  batches: number;
  byRule: Record<string, number>;
}

export async function deleteRecordings(ctx: CoreContext, options: DeleteRecordingsOptions): Promise<DeleteRecordingsResult> {
  const batchSize = Math.max(1, Math.min(options.batchSize ?? DEFAULT_BATCH_SIZE, 5_000));
  const total: DeleteRecordingsResult = { deleted: 0, held: 0, skipped: 0, batches: 0, byRule: {} };
  const ids = [...new Set(options.candidateIds)];
  for (let start = 0; start < ids.length; start += batchSize) {
    const batch = (options.firstBatch ?? 1) + total.batches;
    const outcome = await deleteBatch(ctx, ids.slice(start, start + batchSize), batch, options);
    total.batches++;
    total.deleted += outcome.deleted;
    total.held += outcome.held;
    total.skipped += outcome.skipped;
    for (const [rule, n] of Object.entries(outcome.byRule)) total.byRule[rule] = (total.byRule[rule] ?? 0) + n;
    await options.afterBatch?.(outcome);
  }
  return total;
}

async function deleteBatch(ctx: CoreContext, ids: string[], batch: number, options: DeleteRecordingsOptions): Promise<BatchOutcome> {
  return transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const locked = await tx.$queryRaw<RecordingRow[]>`
      SELECT id::text AS id, "callId", "startedAt", "durationSeconds", direction::text AS direction, "externalNumber", extension,
             "siteId", "staffEmail", "retentionClass", "blobName", "contentType", "sizeBytes"::text AS "sizeBytes", source::text AS source, "importedAt"
      FROM "Recording" WHERE id = ANY(${ids}::text[]::uuid[])
      ORDER BY id
      FOR UPDATE SKIP LOCKED`;
    const protectedIds = await protectedAmong(tx, locked.map((row) => row.id), now);

    const doomed: { row: RecordingRow; rule: string }[] = [];
    let held = 0;
    for (const row of locked) {
      if (protectedIds.has(row.id)) {
        held++;
        continue;
      }
      const rule = options.ruleFor(row);
      if (rule) doomed.push({ row, rule });
    }
    const outcome: BatchOutcome = { batch, deleted: 0, held, skipped: ids.length - held - doomed.length, byRule: {} };
    if (doomed.length === 0) return outcome;

    await deleteBlobs(ctx.recordings, doomed.map((d) => d.row.blobName).filter((name): name is string => name !== null));

    const gone = await tx.$queryRaw<{ id: string }[]>`
      DELETE FROM "Recording" WHERE id = ANY(${doomed.map((d) => d.row.id)}::text[]::uuid[]) RETURNING id::text AS id`;
    const goneIds = new Set(gone.map((row) => row.id));
    const deleted = doomed.filter((d) => goneIds.has(d.row.id));
    // One statement over column arrays rather than createMany: the ORM's per-parameter cost was most of a batch's database time.
    await tx.$executeRaw`
      INSERT INTO "DeletionRecord" (id, "callId", "rowSha256", "blobSha256", rule, "deletedAt", "deletedBy", "runId")
      SELECT gen_random_uuid(), d.call_id, d.row_sha, d.blob_sha, d.rule, ${now}, ${options.actor}, ${options.runId}::uuid
      FROM unnest(
        ${deleted.map((d) => d.row.callId)}::text[],
        ${deleted.map((d) => sha256(canonicalize(rowForHash(d.row)) ?? ""))}::text[],
        ${deleted.map((d) => (d.row.blobName ? sha256(d.row.blobName) : null))}::text[],
        ${deleted.map((d) => d.rule)}::text[]
      ) AS d(call_id, row_sha, blob_sha, rule)`;
    outcome.deleted = deleted.length;
    outcome.skipped = ids.length - held - deleted.length;
    for (const { rule } of deleted) outcome.byRule[rule] = (outcome.byRule[rule] ?? 0) + 1;

    await appendAudit(tx, {
      at: now,
      actor: options.actor,
      action: options.audit.action,
      subjectType: options.audit.subjectType,
      subjectId: options.audit.subjectId,
      details: { ...options.audit.details, runId: options.runId, batch, deleted: outcome.deleted, held, skipped: outcome.skipped, rules: outcome.byRule },
    });
    await options.inBatch?.(tx, outcome);
    return outcome;
  });
}

async function deleteBlobs(store: RecordingStore | undefined, names: string[]): Promise<void> {
  if (names.length === 0) return;
  if (!store) throw new AppError("STORAGE_ERROR", "Recording storage is not configured, so recordings cannot be deleted.");
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < names.length; i = next++) await store.delete(names[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(BLOB_CONCURRENCY, names.length) }, worker));
}

/** The row as it was, in a fixed shape: what rowSha256 commits to. */
function rowForHash(row: RecordingRow): Record<string, unknown> {
  return {
    id: row.id,
    callId: row.callId,
    startedAt: new Date(row.startedAt).toISOString(),
    durationSeconds: Number(row.durationSeconds),
    direction: row.direction,
    externalNumber: row.externalNumber,
    extension: row.extension,
    siteId: row.siteId,
    staffEmail: row.staffEmail,
    retentionClass: row.retentionClass,
    blobName: row.blobName,
    contentType: row.contentType,
    sizeBytes: row.sizeBytes,
    source: row.source,
    importedAt: new Date(row.importedAt).toISOString(),
  };
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
