/**
 * Dates as people in UK organisations read them: day first, 24-hour clock, in
 * the organisation's time zone (Europe/London unless the policy says otherwise).
 */
import { format } from "date-fns";
import { TZDate } from "@date-fns/tz";

/** "Sat 21 Nov 2026, 14:30" */
export function formatDateTime(at: Date, timeZone: string): string {
  return format(new TZDate(at, timeZone), "EEE d MMM yyyy, HH:mm");
}

/** "21/11/2026" */
export function formatDate(at: Date, timeZone: string): string {
  return format(new TZDate(at, timeZone), "dd/MM/yyyy");
}

/** "14:30" */
export function formatTime(at: Date, timeZone: string): string {
  return format(new TZDate(at, timeZone), "HH:mm");
}

/** "Sat 21 Nov 2026, 14:00 to 15:00", dropping the repeated date. */
export function formatWindow(start: Date, end: Date, timeZone: string): string {
  const sameDay = formatDate(start, timeZone) === formatDate(end, timeZone);
  return `${formatDateTime(start, timeZone)} to ${sameDay ? formatTime(end, timeZone) : formatDateTime(end, timeZone)}`;
}

/** The instant a wall-clock date and time in `timeZone` names. */
export function zonedInstant(isoDate: string, hhmm: string, timeZone: string): Date {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  const [hh, mm] = hhmm.split(":").map(Number) as [number, number];
  return new Date(new TZDate(y, m - 1, d, hh, mm, timeZone).getTime());
}
