/**
 * When a subject access request must be answered, as the ICO describes it
 * ("Time limits for responding to data protection rights requests"):
 *
 * 1. Count from the day of receipt (that day is day one, so nothing is added
 *    for it) to the corresponding calendar date in the next month: received
 *    3 September, due 3 October.
 * 2. Where the next month has no such date, the last day of that month:
 *    received 31 January, due 28 February (29 February in a leap year).
 * 3. Where that date is a weekend or a bank holiday, the next working day.
 *    Bank holidays are those of the organisation's nation (England and Wales
 *    share theirs; Scotland has 2 January, St Andrew's Day and an early August
 *    summer holiday but no Easter Monday; Northern Ireland has St Patrick's Day
 *    and 12 July), substitute days included. They come from the maintained
 *    date-holidays package (GB, public holidays only), which also carries
 *    one-off days such as coronations and state funerals.
 *
 * An extension of up to two further months is counted the same way from the
 * day of receipt (receipt + 1 + n months, then the next working day), not from
 * the first deadline, so 31 January extended by two months is due 30 April.
 *
 * Pausing: where the policy says so, the clock stops while the organisation
 * waits for proof of identity or for clarification. The ICO says the time
 * limit starts when that information arrives, so a pause is modelled as the
 * day of receipt moving forward by the days the clock stood still: received
 * 20 November, waiting 5 days for identity, counts from 25 November. Opening
 * a request without identity pauses it from the day of receipt, so its clock
 * starts exactly on the day the proof arrives.
 *
 * Calendar dates are JS Dates at UTC midnight (see ../calendar.ts).
 * Everything here is pure apart from the holiday table, cached per year.
 */
import Holidays from "date-holidays";
import { addDays, addMonthsClamped, isoDate } from "../calendar.ts";
import type { PolicyDuration } from "../policy/duration.ts";
import type { NATIONS } from "../policy/schema.ts";

export type Nation = (typeof NATIONS)[number];

/** The date-holidays regions whose public holidays apply to each nation. */
const REGIONS: Record<Nation, readonly string[]> = {
  "england-and-wales": ["ENG", "WLS"],
  scotland: ["SCT"],
  "northern-ireland": ["NIR"],
};

const calendars = new Map<string, Holidays>();
const holidaysByYear = new Map<string, ReadonlySet<string>>();

/** The bank holidays (YYYY-MM-DD) of one nation in one year, substitute days included. */
export function bankHolidays(nation: Nation, year: number): ReadonlySet<string> {
  const key = `${nation}:${year}`;
  let days = holidaysByYear.get(key);
  if (!days) {
    const found = new Set<string>();
    for (const region of REGIONS[nation]) {
      let calendar = calendars.get(region);
      if (!calendar) {
        calendar = new Holidays("GB", region, { types: ["public"] });
        calendars.set(region, calendar);
      }
      // `date` is the local calendar date ("2026-12-28 00:00:00"), free of any time zone shift.
      for (const holiday of calendar.getHolidays(year)) if (holiday.type === "public") found.add(holiday.date.slice(0, 10));
    }
    days = found;
    holidaysByYear.set(key, days);
  }
  return days;
}

export function isWorkingDay(date: Date, nation: Nation): boolean {
  const weekday = date.getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !bankHolidays(nation, date.getUTCFullYear()).has(isoDate(date));
}

/** The date itself if it is a working day, else the next one. */
export function nextWorkingDay(date: Date, nation: Nation): Date {
  let day = date;
  // At most a long weekend plus a run of substitute days; bounded for safety.
  for (let i = 0; i < 14 && !isWorkingDay(day, nation); i++) day = addDays(day, 1);
  return day;
}

/** Whole months in a policy duration ("2 months", "1 year"); other units count as none. */
export function wholeMonths(duration: PolicyDuration): number {
  if (duration.unit === "months") return duration.amount;
  if (duration.unit === "years") return duration.amount * 12;
  return 0;
}

export interface DeadlineInput {
  /** The day of receipt. */
  receivedOn: Date;
  nation: Nation;
  /** Days the clock stood still (waiting for identity or clarification). */
  pausedDays?: number;
  /** Further months granted (0, 1 or 2). */
  extensionMonths?: number;
  /** The response period; the ICO's one month unless the policy sets a shorter one. */
  period?: PolicyDuration;
}

/** The day the response is due, by the ICO rule above. */
export function subjectAccessDeadline(input: DeadlineInput): Date {
  const start = addDays(input.receivedOn, input.pausedDays ?? 0);
  const extension = input.extensionMonths ?? 0;
  const period = input.period ?? { amount: 1, unit: "months" };
  let due: Date;
  if (period.unit === "months" || period.unit === "years") {
    // One step from the day of receipt, so month-end clamping happens once.
    due = addMonthsClamped(start, wholeMonths(period) + extension);
  } else {
    const days = period.unit === "days" ? period.amount : period.unit === "weeks" ? period.amount * 7 : Math.ceil(period.amount / 24);
    due = addMonthsClamped(addDays(start, days), extension);
  }
  return nextWorkingDay(due, input.nation);
}
