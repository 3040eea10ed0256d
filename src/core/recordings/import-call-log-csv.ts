/**
 * Catalogues calls from the phone system's call-log CSV (format in
 * docs/recording-convention.md). These calls have no audio, but they can
 * still be found and answer call-log requests. The file is streamed, so its
 * size does not matter; rows are written in batches, each batch with its audit
 * entry in one transaction. Idempotent on call id: importing a file twice adds
 * nothing the second time. Bad rows are reported by line number, never fatal.
 */
import type { Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { insertCatalogueRows } from "./insert-catalogue-rows.ts";
import { callFieldForHeader, catalogueEntryFromCallLog, type CallField, type CatalogueRow, type RawCallFields } from "./catalogue-entry.ts";

export interface ImportCallLogCsvOptions {
  /** Names the import in the audit log, e.g. the file name. Default "call-log". */
  sourceName?: string;
  /** Rows per transaction. Default 1,000. */
  batchSize?: number;
  /** Who ran the import, for the audit log. Default "system". */
  actor?: string;
  /** Called after each committed batch. */
  onProgress?: (progress: CallLogProgress) => void;
}

export interface CallLogProgress {
  rows: number;
  added: number;
  skipped: number;
  invalid: number;
}

export interface ImportCallLogCsvResult extends CallLogProgress {
  /** The first 100 bad rows, by line number in the file. */
  invalidRows: { line: number; reason: string }[];
}

const REQUIRED: CallField[] = ["callid", "startutc", "durationseconds", "direction", "site"];
const MAX_REPORTED = 100;
/** No honest call-log row is this long; a longer one is a wrong file or an attack. */
const MAX_RECORD_BYTES = 64 * 1024;

export async function importCallLogCsv(ctx: CoreContext, input: Readable, options: ImportCallLogCsvOptions = {}): Promise<ImportCallLogCsvResult> {
  const batchSize = options.batchSize ?? 1_000;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new AppError("INVALID_INPUT", "The batch size must be a whole number from 1 to 10,000.", "batchSize");
  }
  const sourceName = (options.sourceName ?? "call-log").slice(0, 200);
  const actor = options.actor ?? "system";

  const totals: CallLogProgress = { rows: 0, added: 0, skipped: 0, invalid: 0 };
  const invalidRows: ImportCallLogCsvResult["invalidRows"] = [];
  let batch: CatalogueRow[] = [];
  let pendingInvalid = 0;
  let batchNumber = 0;
  const reportInvalid = (line: number, reason: string) => {
    totals.invalid += 1;
    pendingInvalid += 1;
    if (invalidRows.length < MAX_REPORTED) invalidRows.push({ line, reason });
  };

  const flush = async () => {
    if (batch.length === 0 && pendingInvalid === 0) return;
    const rows = batch;
    const invalid = pendingInvalid;
    batch = [];
    pendingInvalid = 0;
    batchNumber += 1;
    const now = ctx.clock.now();
    const added = await transact(ctx, async (tx) => {
      const count = await insertCatalogueRows(tx, rows);
      await appendAudit(tx, {
        actor,
        action: "catalogue.imported",
        subjectType: "catalogue",
        subjectId: sourceName,
        details: { kind: "call-log", batch: batchNumber, rows: rows.length + invalid, added: count, skipped: rows.length - count, invalid },
        at: now,
      });
      return count;
    });
    totals.added += added;
    totals.skipped += rows.length - added;
    options.onProgress?.({ ...totals });
  };

  const parser = input.pipe(
    parse({
      bom: true,
      columns: headerToFields,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      trim: true,
      max_record_size: MAX_RECORD_BYTES,
    }),
  );
  parser.on("skip", (error: CsvError & { lines?: number }) => reportInvalid(error.lines ?? 0, describeCsvError(error)));
  input.on("error", (error) => parser.destroy(error));

  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: RawCallFields; info: { lines: number } }>) {
      totals.rows += 1;
      const entry = catalogueEntryFromCallLog(record, ctx.policy, ctx.clock.now());
      if (entry.ok) {
        batch.push(entry.row);
      } else {
        reportInvalid(info.lines, entry.reason);
      }
      if (batch.length >= batchSize) await flush();
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof CsvError) {
      throw new AppError("INVALID_INPUT", `The call-log file could not be read as CSV: ${describeCsvError(error)}.`, "file", { cause: error });
    }
    throw error;
  }
  await flush();
  return { ...totals, invalidRows };
}

/** Maps the header row to convention fields; unknown columns are ignored. */
function headerToFields(header: string[]): (CallField | false)[] {
  const fields = header.map((h) => callFieldForHeader(h) ?? false);
  const seen = new Set<CallField>();
  for (const field of fields) {
    if (!field) continue;
    if (seen.has(field)) throw new AppError("INVALID_INPUT", `The header row names the column "${field}" twice.`, "file");
    seen.add(field);
  }
  const missing = REQUIRED.filter((f) => !seen.has(f));
  if (missing.length > 0) {
    throw new AppError(
      "INVALID_INPUT",
      `The first row must be a header naming the columns; ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing. See docs/recording-convention.md.`,
      "file",
    );
  }
  return fields;
}

function describeCsvError(error: CsvError): string {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return "a quoted field is never closed";
    case "CSV_INVALID_CLOSING_QUOTE":
    case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
      return "a quote is in the wrong place";
    case "CSV_MAX_RECORD_SIZE":
      return "the row is far too long";
    default:
      return "the row is not valid CSV";
  }
}
