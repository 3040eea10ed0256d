/**
 * Calendar dates: days as people name them ("22/12/2026"), without a time of
 * day. The whole core holds them one way, as JS Dates at UTC midnight, which
 * is how Prisma reads and writes `@db.Date` columns. So a date read from the
 * database, one someone typed and one worked out here compare with getTime(),
 * and none of them shifts with the time zone the process happens to run in.
 *
 * Only two things depend on where the organisation is, and both take its
 * time zone: which day it is now (`todayIn`), and the instant a day begins
 * there (`startOfDayIn`).
 */
import { TZDate } from "@date-fns/tz";
import type { PolicyDuration } from "./policy/duration.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** A calendar date from year, month (1-12) and day. Out-of-range parts roll over, as Date.UTC does. */
export function calendarDate(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day));
}

/** "2026-12-22": the form kept in audit details and machine-readable views. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** "22/12/2026": the form shown to people in UK organisations. */
export function calendarText(date: Date): string {
  const [year, month, day] = isoDate(date).split("-");
  return `${day}/${month}/${year}`;
}

/** Today's date where the organisation is: 23:30 UTC on 30 June is already 1 July in London. */
export function todayIn(timeZone: string, now: Date): Date {
  const local = new TZDate(now.getTime(), timeZone);
  return calendarDate(local.getFullYear(), local.getMonth() + 1, local.getDate());
}

/** The instant `date` begins in `timeZone`. UK clocks change at 01:00 or 02:00, so midnight always exists there. */
export function startOfDayIn(date: Date, timeZone: string): Date {
  return new Date(new TZDate(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), 0, 0, timeZone).getTime());
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / DAY_MS);
}

/**
 * The corresponding date `months` later, or the last day of that month when
 * it has no such date (31 January + 1 month = 28 or 29 February).
 */
export function addMonthsClamped(date: Date, months: number): Date {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay)));
}

/**
 * The date a policy duration after `date` ("1 month" after 31 January is the
 * end of February). A period in hours counts as the whole days it touches,
 * at least one, since a date has no time of day to add hours to.
 */
export function addCalendarDuration(date: Date, d: PolicyDuration): Date {
  switch (d.unit) {
    case "hours":
      return addDays(date, Math.max(1, Math.ceil(d.amount / 24)));
    case "days":
      return addDays(date, d.amount);
    case "weeks":
      return addDays(date, d.amount * 7);
    case "months":
      return addMonthsClamped(date, d.amount);
    case "years":
      return addMonthsClamped(date, d.amount * 12);
  }
}

/**
 * Reads a calendar date as people in the UK type it: 2026-11-20, 20/11/2026,
 * 20-11-2026 or 20.11.2026 (day first, never month first). Undefined when it
 * is not a real date (31/02/2026), so each command can say which date it
 * wanted in its own words.
 */
export function parseCalendarDate(text: string): Date | undefined {
  const trimmed = text.trim();
  let parts: [number, number, number] | undefined;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  if (iso) parts = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  const uk = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(trimmed);
  if (uk) parts = [Number(uk[3]), Number(uk[2]), Number(uk[1])];
  if (!parts) return undefined;
  const [year, month, day] = parts;
  const date = calendarDate(year, month, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date;
}
