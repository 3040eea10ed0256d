/**
 * Calendar dates for covert monitoring (start and review dates): written as
 * YYYY-MM-DD, meant in the organisation's time zone, stored in `@db.Date`
 * columns as UTC midnight.
 */
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";
import { AppError } from "../errors.ts";
import { zonedInstant } from "../format.ts";
import { addDuration, type PolicyDuration } from "../policy/duration.ts";

/** Today's date where the organisation is. */
export function todayIn(now: Date, timeZone: string): string {
  return format(new TZDate(now, timeZone), "yyyy-MM-dd");
}

/** "2026-12-22" as stored in a date column. */
export function toDateColumn(iso: string): Date {
  return new Date(`${iso}T00:00:00.000Z`);
}

/** A date column's value back as "2026-12-22". */
export function fromDateColumn(value: Date): string {
  return value.toISOString().slice(0, 10);
}

/** The calendar date `d` after `iso` ("1 month" after 31 January is the end of February). */
export function addToDate(iso: string, d: PolicyDuration): string {
  return fromDateColumn(addDuration(toDateColumn(iso), d.unit === "hours" ? { amount: Math.max(1, Math.ceil(d.amount / 24)), unit: "days" } : d));
}

/** The moment a calendar date begins in the organisation's time zone. */
export function startOfDate(iso: string, timeZone: string): Date {
  return zonedInstant(iso, "00:00", timeZone);
}

/** Reads a YYYY-MM-DD date someone typed, or throws INVALID_INPUT naming the field. */
export function parseCalendarDate(text: string, field: string, what: string): string {
  const trimmed = text.trim();
  const date = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? toDateColumn(trimmed) : undefined;
  if (!date || Number.isNaN(date.getTime()) || fromDateColumn(date) !== trimmed) {
    throw new AppError("INVALID_INPUT", `Give the ${what} as a date like 2026-12-22.`, field);
  }
  return trimmed;
}

/** "22/12/2026" from "2026-12-22". */
export function showDate(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}
