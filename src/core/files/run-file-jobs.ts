/**
 * Runs the FileJobs committed by state changes (file-jobs.ts): builds the
 * files, stores them outside any transaction, then in one short transaction
 * records the files, their audit entries and notices, the job's own outcome,
 * and marks the job done. Several instances may run this at once: jobs are
 * claimed with SKIP LOCKED and a lease, and the finishing transaction locks
 * the job and checks it is still pending, so a job's effect happens once even
 * if a lease runs out while its upload is still going. Failures retry with
 * backoff; a job that never succeeds is marked, audited and reported to the
 * DPO and to whom the files were for, never silently dropped.
 */
import type { FileJob } from "../../generated/prisma/client.ts";
import type { CoreContext, Tx } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { prepareDisclosureFiles } from "../disclosure/deliver-disclosure-files.ts";
import { prepareSubjectAccessLetter } from "../subject-access/deliver-subject-access-letter.ts";
import { prepareWaitingBundle } from "../subject-access/prepare-subject-access-bundle.ts";
import { isAppError } from "../errors.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { peopleWithRoles } from "../policy/access.ts";
import { recordFile, storeThenRecord, type DeliveredFileRef, type FileToDeliver } from "./deliver-file.ts";
import type { FileJobKind } from "./file-jobs.ts";

/** What a handler made, for the worker to store and record. */
export interface FileJobWork {
  files: FileToDeliver[];
  /** Records what the job achieved, in the worker's transaction, after the files (refs in the order of `files`). Database work only. */
  record(tx: Tx, now: Date, delivered: DeliveredFileRef[]): Promise<void>;
}

/** Reads what it needs and builds the files; stores nothing and changes nothing. */
export type FileJobHandler = (ctx: CoreContext, job: FileJob) => Promise<FileJobWork>;

const HANDLERS: Record<FileJobKind, { run: FileJobHandler; what: string }> = {
  "disclosure-release": { run: prepareDisclosureFiles, what: "the disclosure form (and zip, if asked for)" },
  "subject-access-letter": { run: prepareSubjectAccessLetter, what: "the letter to the subject of a subject access request" },
  "subject-access-bundle": { run: prepareWaitingBundle, what: "the subject access bundle that waited for archived calls" },
};

export interface FileJobOptions {
  batchSize?: number;
  /** After this many failed attempts a job is given up and reported. */
  maxAttempts?: number;
}

export interface FileJobResult {
  done: number;
  retrying: number;
  failed: number;
}

/** Long enough for a large zip to upload; a lease that runs out only means another instance may try too. */
const LEASE_MS = 10 * 60_000;

/** Another run finished (or gave up on) the job first. */
class JobTaken extends Error {}

export async function runFileJobs(ctx: CoreContext, options: FileJobOptions = {}): Promise<FileJobResult> {
  const now = ctx.clock.now();
  const batch = await transact(ctx, async (tx) => {
    const ids = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "FileJob" WHERE status = 'PENDING' AND "nextAttemptAt" <= ${now}
      ORDER BY "createdAt" LIMIT ${options.batchSize ?? 5} FOR UPDATE SKIP LOCKED`;
    if (ids.length === 0) return [];
    const where = { id: { in: ids.map((r) => r.id) } };
    await tx.fileJob.updateMany({ where, data: { nextAttemptAt: new Date(now.getTime() + LEASE_MS) } });
    return tx.fileJob.findMany({ where, orderBy: { createdAt: "asc" } });
  });

  const result: FileJobResult = { done: 0, retrying: 0, failed: 0 };
  for (const job of batch) {
    try {
      await runOne(ctx, job);
      result.done++;
    } catch (error) {
      if (error instanceof JobTaken) continue;
      if (await recordFailure(ctx, options, job, error)) result.failed++;
      else result.retrying++;
    }
  }
  return result;
}

async function runOne(ctx: CoreContext, job: FileJob): Promise<void> {
  const handler = HANDLERS[job.kind as FileJobKind];
  if (!handler) throw new Error(`no handler for file job kind ${job.kind}`);
  const work = await handler.run(ctx, job);
  await storeThenRecord(ctx, work.files, async (tx, now, stored) => {
    await lockPending(tx, job.id);
    const delivered: DeliveredFileRef[] = [];
    for (const file of stored) delivered.push(await recordFile(tx, now, file));
    await work.record(tx, now, delivered);
    await tx.fileJob.update({ where: { id: job.id }, data: { status: "DONE", doneAt: now, attempts: job.attempts + 1, lastError: null } });
  });
}

/** Locks the job for its outcome; throws JobTaken if it is no longer pending. Taken before the audit lock, as in every writer of jobs. */
async function lockPending(tx: Tx, id: string): Promise<void> {
  const [row] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text AS status FROM "FileJob" WHERE id = ${id}::uuid FOR UPDATE`;
  if (row?.status !== "PENDING") throw new JobTaken();
}

/** Schedules a retry, or gives up, audits it and tells the DPO and the files' owner. Returns true if it gave up. */
async function recordFailure(ctx: CoreContext, options: FileJobOptions, job: FileJob, error: unknown): Promise<boolean> {
  const now = ctx.clock.now();
  const attempts = job.attempts + 1;
  const code = isAppError(error) ? error.code : "FILE_JOB_FAILED";
  const message = error instanceof Error ? error.message : String(error);
  const lastError = `${code}: ${message}`.slice(0, 500);
  if (attempts < (options.maxAttempts ?? 12)) {
    const backoff = Math.min(5_000 * 2 ** (attempts - 1), 3_600_000);
    await ctx.db.fileJob.updateMany({ where: { id: job.id, status: "PENDING" }, data: { attempts, lastError, nextAttemptAt: new Date(now.getTime() + backoff) } });
    return false;
  }
  try {
    await transact(ctx, async (tx) => {
      await lockPending(tx, job.id);
      await tx.fileJob.update({ where: { id: job.id }, data: { attempts, lastError, status: "FAILED" } });
      await appendAudit(tx, { at: now, actor: "system", action: "file-job.failed", subjectType: "file-job", subjectId: job.id, requestId: job.requestId, details: { kind: job.kind, owner: job.ownerEmail, attempts, code } });
      const reference = job.requestId ? (await tx.recordingRequest.findUnique({ where: { id: job.requestId }, select: { reference: true } }))?.reference : undefined;
      const what = HANDLERS[job.kind as FileJobKind]?.what ?? `the files (${job.kind})`;
      const tell = new Set([job.ownerEmail, ...peopleWithRoles(ctx.policy, ctx.policy.compliance.dpoRoles).map((p) => p.email)]);
      const lines = [
        `Callgate tried ${attempts} times to make and store ${what}${reference ? ` for ${reference}` : ""}, and has stopped trying. Nothing was delivered.`,
        `The last error was: ${message.slice(0, 300)}`,
        "The failure is in the audit log (file-job.failed). Ask IT to check Callgate's file storage.",
      ];
      await enqueueNotices(tx, now, [...tell].map((to) => ({ to, kind: "compliance-notice" as const, requestId: job.requestId, payload: { title: `Files${reference ? ` for ${reference}` : ""} could not be made`, lines } })));
    });
  } catch (failure) {
    if (failure instanceof JobTaken) return false;
    throw failure;
  }
  return true;
}
