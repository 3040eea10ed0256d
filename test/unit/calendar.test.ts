/**
 * The one set of calendar-date rules every command uses (subject access,
 * covert monitoring, the audit period, the retention sweep).
 */
import { describe, expect, it } from "vitest";
import { addCalendarDuration, calendarDate, calendarText, isoDate, parseCalendarDate, startOfDayIn, todayIn } from "../../src/core/calendar.ts";

const LONDON = "Europe/London";

describe("parseCalendarDate", () => {
  it("reads the ISO form and the UK day-first forms as the same day", () => {
    const day = calendarDate(2026, 12, 22);
    for (const text of ["2026-12-22", "22/12/2026", "22-12-2026", "22.12.2026", " 22/12/2026 ", "2026-12-2"]) {
      expect(parseCalendarDate(text), text).toEqual(text === "2026-12-2" ? calendarDate(2026, 12, 2) : day);
    }
    expect(parseCalendarDate("3/9/2025")).toEqual(calendarDate(2025, 9, 3));
  });

  it("refuses dates that do not exist, month-first dates and words", () => {
    for (const text of ["2026-02-30", "31/02/2026", "29/02/2027", "12/22/2026", "2026-13-01", "00/01/2026", "22/12/26", "tomorrow", ""]) {
      expect(parseCalendarDate(text), text).toBeUndefined();
    }
    expect(parseCalendarDate("29/02/2028")).toEqual(calendarDate(2028, 2, 29));
  });
});

describe("todayIn and startOfDayIn", () => {
  it("takes the day from the organisation's clock, not UTC's", () => {
    // 23:30 UTC in summer is 00:30 BST the next day; in winter London is on UTC.
    expect(todayIn(LONDON, new Date("2026-06-30T23:30:00Z"))).toEqual(calendarDate(2026, 7, 1));
    expect(todayIn(LONDON, new Date("2026-06-30T22:59:59Z"))).toEqual(calendarDate(2026, 6, 30));
    expect(todayIn(LONDON, new Date("2026-12-31T23:30:00Z"))).toEqual(calendarDate(2026, 12, 31));
    expect(todayIn("Pacific/Auckland", new Date("2026-12-31T11:00:00Z"))).toEqual(calendarDate(2027, 1, 1));
  });

  it("begins a day at local midnight, on either side of a clock change", () => {
    expect(startOfDayIn(calendarDate(2026, 7, 1), LONDON).toISOString()).toBe("2026-06-30T23:00:00.000Z");
    expect(startOfDayIn(calendarDate(2026, 12, 1), LONDON).toISOString()).toBe("2026-12-01T00:00:00.000Z");
    // 29 March 2026: clocks go forward at 01:00, after midnight.
    expect(startOfDayIn(calendarDate(2026, 3, 29), LONDON).toISOString()).toBe("2026-03-29T00:00:00.000Z");
    expect(startOfDayIn(calendarDate(2026, 3, 30), LONDON).toISOString()).toBe("2026-03-29T23:00:00.000Z");
  });
});

describe("addCalendarDuration", () => {
  it("adds policy durations to a date, clamping at month ends", () => {
    const jan31 = calendarDate(2026, 1, 31);
    expect(isoDate(addCalendarDuration(jan31, { amount: 1, unit: "months" }))).toBe("2026-02-28");
    expect(isoDate(addCalendarDuration(calendarDate(2028, 1, 31), { amount: 1, unit: "months" }))).toBe("2028-02-29");
    expect(isoDate(addCalendarDuration(calendarDate(2028, 2, 29), { amount: 1, unit: "years" }))).toBe("2029-02-28");
    expect(isoDate(addCalendarDuration(jan31, { amount: 2, unit: "weeks" }))).toBe("2026-02-14");
    expect(isoDate(addCalendarDuration(calendarDate(2026, 3, 28), { amount: 2, unit: "days" }))).toBe("2026-03-30");
    // Hours count as the whole days they touch, at least one.
    expect(isoDate(addCalendarDuration(jan31, { amount: 12, unit: "hours" }))).toBe("2026-02-01");
    expect(isoDate(addCalendarDuration(jan31, { amount: 25, unit: "hours" }))).toBe("2026-02-02");
  });
});

describe("calendarText and isoDate", () => {
  it("write a date day first for people and year first for records", () => {
    expect(calendarText(calendarDate(2026, 12, 2))).toBe("02/12/2026");
    expect(isoDate(calendarDate(2026, 12, 2))).toBe("2026-12-02");
  });
});
