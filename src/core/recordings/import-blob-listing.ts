/**
 * Catalogues the recordings container: lists it page by page and adds a row
 * per valid recording. Safe to run as often as you like:
 * - idempotent: a call already catalogued (by call id) is skipped;
 * - resumable: the listing's continuation token is saved with each page's
 *   rows and audit entry, in one transaction, so after a crash the next run
 *   carries on from the last committed page;
 * - a run that finished starts again from the top next time, picking up new
 *   blobs and skipping old ones;
 * - a bad blob is counted with its reason, never fatal.
 */
import { Prisma } from "../../generated/prisma/client.ts";
import type { CoreContext, Tx } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import type { RecordingStore } from "../ports/recording-store.ts";
import { insertCatalogueRows } from "./insert-catalogue-rows.ts";
import { catalogueEntryFromBlob, type CatalogueRow } from "./catalogue-entry.ts";

export const DEFAULT_BLOB_SOURCE = "blob-listing";

export interface ImportProgress {
  pages: number;
  listed: number;
  added: number;
  linked: number;
  skipped: number;
  invalid: number;
}

export interface ImportBlobListingOptions {
  /** Names this import's cursor; one per container. Default "blob-listing". */
  source?: string;
  /** Blobs per listing page (1 to 5,000). Default 1,000. */
  pageSize?: number;
  /** Who started the import, for the audit log. Default "system". */
  actor?: string;
  /** Called after each committed page. */
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportBlobListingResult extends ImportProgress {
  /** Whether this run carried on from an interrupted one. */
  resumed: boolean;
  /** The first 100 invalid blobs and why (blob names carry no phone numbers). */
  invalidItems: { blobName: string; reason: string }[];
}

const MAX_REPORTED = 100;

export async function importBlobListing(
  ctx: CoreContext,
  store: RecordingStore,
  options: ImportBlobListingOptions = {},
): Promise<ImportBlobListingResult> {
  const source = options.source ?? DEFAULT_BLOB_SOURCE;
  const pageSize = options.pageSize ?? 1_000;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5_000) {
    throw new AppError("INVALID_INPUT", "The page size must be a whole number from 1 to 5,000.", "pageSize");
  }
  if (source.length === 0 || source.length > 200) throw new AppError("INVALID_INPUT", "The import source needs a short name.", "source");
  const actor = options.actor ?? "system";

  // Two first-ever imports can race to create the cursor; the loser reads it.
  const cursor = await ctx.db.importCursor
    .upsert({ where: { source }, create: { source }, update: {} })
    .catch(() => ctx.db.importCursor.findUniqueOrThrow({ where: { source } }));
  const resumed = cursor.completedAt === null && cursor.continuationToken !== null;
  // What the cursor row holds now; each page's update is conditional on it,
  // so two imports of one source cannot interleave unnoticed.
  let expected = { continuationToken: cursor.continuationToken, processed: cursor.processed };
  const token = resumed ? (cursor.continuationToken ?? undefined) : undefined;
  let processed = resumed ? cursor.processed : 0;

  const totals: ImportProgress = { pages: 0, listed: 0, added: 0, linked: 0, skipped: 0, invalid: 0 };
  const invalidItems: ImportBlobListingResult["invalidItems"] = [];

  let listing = store.listPage(token, pageSize);
  for (;;) {
    const page = await listing;
    const next = page.continuationToken ?? null;
    // Fetch the next page while this one is written: listing and writing
    // then overlap. Nothing is committed out of order, so resuming is exact.
    if (next !== null) {
      listing = store.listPage(next, pageSize);
      listing.catch(() => {}); // awaited (and so reported) on the next turn
    }
    const now = ctx.clock.now();
    const rows: CatalogueRow[] = [];
    let invalid = 0;
    for (const item of page.items) {
      const entry = catalogueEntryFromBlob(item, ctx.policy, now);
      if (entry.ok) {
        rows.push(entry.row);
      } else {
        invalid += 1;
        if (invalidItems.length < MAX_REPORTED) invalidItems.push({ blobName: item.blobName, reason: entry.reason });
      }
    }
    const pageProcessed = processed + page.items.length;
    const complete = next === null;

    const counts = await transact(ctx, async (tx) => {
      const added = await insertCatalogueRows(tx, rows);
      const linked = added < rows.length ? await attachAudioToCallLogs(tx, rows) : 0;
      const moved = await tx.importCursor.updateMany({
        where: { source, continuationToken: expected.continuationToken, processed: expected.processed },
        data: { continuationToken: next, processed: pageProcessed, completedAt: complete ? now : null },
      });
      if (moved.count !== 1) {
        throw new AppError("CONFLICT", "Another import of the recordings container is running. Wait for it to finish, then try again.");
      }
      const skipped = rows.length - added - linked;
      await appendAudit(tx, {
        actor,
        action: "catalogue.imported",
        subjectType: "catalogue",
        subjectId: source,
        details: { kind: "blob-listing", page: totals.pages + 1, listed: page.items.length, added, linked, skipped, invalid, complete },
        at: now,
      });
      return { added, linked, skipped };
    });

    expected = { continuationToken: next, processed: pageProcessed };
    processed = pageProcessed;
    totals.pages += 1;
    totals.listed += page.items.length;
    totals.added += counts.added;
    totals.linked += counts.linked;
    totals.skipped += counts.skipped;
    totals.invalid += invalid;
    options.onProgress?.({ ...totals });
    if (complete) break;
  }
  return { ...totals, resumed, invalidItems };
}

/**
 * A call first known from the call log gains its audio when the recording
 * lands later: the existing row is pointed at the blob. Returns how many.
 * One statement over column arrays, for the reason insertCatalogueRows gives.
 */
async function attachAudioToCallLogs(tx: Tx, rows: CatalogueRow[]): Promise<number> {
  return tx.$executeRaw(Prisma.sql`
    UPDATE "Recording" AS r
    SET "blobName" = v.blob_name, "contentType" = v.content_type, "sizeBytes" = v.size_bytes, "source" = 'BLOB'
    FROM unnest(
      ${rows.map((row) => row.callId)}::text[],
      ${rows.map((row) => row.blobName ?? null)}::text[],
      ${rows.map((row) => row.contentType ?? null)}::text[],
      ${rows.map((row) => (row.sizeBytes === null || row.sizeBytes === undefined ? null : String(row.sizeBytes)))}::bigint[]
    ) AS v(call_id, blob_name, content_type, size_bytes)
    WHERE r."callId" = v.call_id
      AND r."blobName" IS NULL
      AND v.blob_name IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM "Recording" AS o WHERE o."blobName" = v.blob_name)`);
}
