/**
 * CSV for exports the DPO files or hands on, written with csv-stringify.
 * Cells that a spreadsheet would run as a formula are neutralised.
 */
import { stringify } from "csv-stringify/sync";

export function toCsv(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>): string {
  return stringify([headers, ...rows.map((row) => row.map(safeCell))], { eof: true, record_delimiter: "\r\n" });
}

/** A leading =, +, - or @ makes Excel evaluate a cell; a quote mark stops it. */
export function safeCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return typeof value === "string" && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
