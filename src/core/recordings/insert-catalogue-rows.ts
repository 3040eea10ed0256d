/**
 * Adds catalogue rows, skipping any whose call id (or blob name) is already
 * catalogued; returns how many were added. Both imports write through here.
 *
 * Why not `createMany({ skipDuplicates: true })`: it means the same
 * (`INSERT ... ON CONFLICT DO NOTHING`), but Prisma's JavaScript engine
 * compiles a 5,000-row page into a statement of 70,000 parameters, split
 * across several round trips: about 1.3 s a page against 0.2 s for one
 * statement over column arrays (bench/blob-import.ts). That difference is
 * what keeps a 100,000-blob import inside its 60-second target.
 */
import { Prisma } from "../../generated/prisma/client.ts";
import type { Tx } from "../context.ts";
import type { CatalogueRow } from "./catalogue-entry.ts";

// Enum arrays travel as text[] and are cast in SQL: PGlite cannot encode a
// parameter whose type is an enum array.
export async function insertCatalogueRows(tx: Tx, rows: CatalogueRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const column = <T>(pick: (row: CatalogueRow) => T) => rows.map(pick);
  const toDate = (value: Date | string) => (value instanceof Date ? value : new Date(value));
  return tx.$executeRaw(Prisma.sql`
    INSERT INTO "Recording" ("id", "callId", "startedAt", "durationSeconds", "direction", "externalNumber", "extension", "siteId",
                             "staffEmail", "retentionClass", "blobName", "contentType", "sizeBytes", "source")
    SELECT gen_random_uuid(), *
    FROM unnest(
      ${column((r) => r.callId)}::text[],
      ${column((r) => toDate(r.startedAt).toISOString())}::timestamptz[],
      ${column((r) => r.durationSeconds)}::int[],
      ${column((r) => r.direction)}::text[]::"CallDirection"[],
      ${column((r) => r.externalNumber ?? null)}::text[],
      ${column((r) => r.extension ?? null)}::text[],
      ${column((r) => r.siteId ?? null)}::text[],
      ${column((r) => r.staffEmail ?? null)}::text[],
      ${column((r) => r.retentionClass ?? "standard")}::text[],
      ${column((r) => r.blobName ?? null)}::text[],
      ${column((r) => r.contentType ?? null)}::text[],
      ${column((r) => (r.sizeBytes === null || r.sizeBytes === undefined ? null : String(r.sizeBytes)))}::bigint[],
      ${column((r) => r.source)}::text[]::"CatalogueSource"[]
    )
    ON CONFLICT DO NOTHING`);
}
