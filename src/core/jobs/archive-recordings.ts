/**
 * Scheduled, daily: moves the audio of recordings older than
 * `retention.archive.after` to the policy's cheaper tier (ECS: "Call
 * recordings will periodically be archived"), and records the tier in the
 * catalogue. Recordings someone is using (an open request, a live link, an
 * open subject access request, a hold) stay where they are.
 *
 * Blob work happens outside any transaction; each batch's catalogue update
 * and its one audit entry then commit together, conditional on the rows
 * still being untiered, so a repeat or a second instance does nothing twice.
 * A crash between the two leaves blobs tiered that the catalogue calls Hot:
 * the next run sets the same tier again (harmless) and records it.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { startOfDayIn, todayIn } from "../calendar.ts";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { subtractDuration } from "../policy/duration.ts";
import { protectedSql } from "../retention/protection.ts";
import { claimJobLease, releaseJobLease, renewJobLease } from "./job-lease.ts";

export const ARCHIVE_JOB = "archive-recordings";
const LEASE_MS = 15 * 60_000;

export interface ArchiveRecordingsResult {
  ran: boolean;
  archived: number;
  failed: number;
}

export async function archiveRecordings(ctx: CoreContext, options: { batchSize?: number; onlyOncePerDay?: boolean } = {}): Promise<ArchiveRecordingsResult> {
  const archive = ctx.policy.retention.archive;
  const store = ctx.recordings;
  if (!archive || !store?.setTier) return { ran: false, archived: 0, failed: 0 };
  const now = ctx.clock.now();
  const tz = ctx.policy.organisation.timeZone;
  const holder = `${hostname()}:${process.pid}:${randomUUID()}`;
  const today = startOfDayIn(todayIn(tz, now), tz);
  const claimed = await claimJobLease(ctx.db, { name: ARCHIVE_JOB, holder, now, leaseMs: LEASE_MS, ...(options.onlyOncePerDay === false ? {} : { notFinishedSince: today }) });
  if (!claimed) return { ran: false, archived: 0, failed: 0 };

  const cutoff = subtractDuration(now, archive.after);
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 200, 1_000));
  const result = { ran: true, archived: 0, failed: 0 };
  const failedIds: string[] = [];
  try {
    for (;;) {
      const rows = await ctx.db.$queryRaw<{ id: string; callId: string; blobName: string }[]>`
        SELECT r.id::text AS id, r."callId", r."blobName" FROM "Recording" r
        WHERE r."blobName" IS NOT NULL AND r."accessTier" IS NULL AND r."rehydratingSince" IS NULL
          AND r."startedAt" <= ${cutoff} AND NOT ${protectedSql(now)}
          AND NOT (r.id = ANY(${failedIds}::text[]::uuid[]))
        ORDER BY r."startedAt", r.id LIMIT ${batchSize}`;
      if (rows.length === 0) break;
      const moved: typeof rows = [];
      for (const row of rows) {
        try {
          await store.setTier(row.blobName, archive.tier);
          moved.push(row);
        } catch {
          // Left for tomorrow's run; counted so the DPO's job report shows it.
          failedIds.push(row.id);
          result.failed++;
        }
      }
      if (moved.length > 0) {
        await transact(ctx, async (tx) => {
          const at = ctx.clock.now();
          const { count } = await tx.recording.updateMany({ where: { id: { in: moved.map((r) => r.id) }, accessTier: null }, data: { accessTier: archive.tier, archivedAt: at } });
          result.archived += count;
          await appendAudit(tx, { at, actor: "system", action: "recording.archived", subjectType: "recording", details: { tier: archive.tier, count, callIds: moved.slice(0, 50).map((r) => r.callId) } });
        });
      }
      if (!(await renewJobLease(ctx.db, ARCHIVE_JOB, holder, ctx.clock.now(), LEASE_MS))) throw new Error("The archive job lost its lease to another instance; it stopped after the last complete batch.");
    }
    await releaseJobLease(ctx.db, ARCHIVE_JOB, holder, { at: ctx.clock.now(), result: { archived: result.archived, failed: result.failed } });
    return result;
  } catch (error) {
    await releaseJobLease(ctx.db, ARCHIVE_JOB, holder).catch(() => undefined);
    throw error;
  }
}
