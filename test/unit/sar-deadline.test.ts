/**
 * The subject access deadline against worked examples. Every expected date
 * was worked out by hand from a printed calendar and the gov.uk bank holiday
 * lists (weekday noted beside it), never by the code under test.
 */
import { describe, expect, it } from "vitest";
import { addMonthsClamped, calendarDate, parseCalendarDate, todayIn } from "../../src/core/calendar.ts";
import { subjectAccessDeadline, type Nation } from "../../src/core/subject-access/deadline.ts";
import { maskNumbersIn } from "../../src/core/subject-access/subject-access-rules.ts";

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);
const due = (received: string, nation: Nation = "england-and-wales", more: { pausedDays?: number; extensionMonths?: number } = {}) =>
  subjectAccessDeadline({ receivedOn: d(received), nation, ...more }).toISOString().slice(0, 10);

describe("the corresponding date in the next month", () => {
  it("is the same day of the next month: received 3 September, due 3 October", () => {
    // Wed 3 Sep 2025 -> Fri 3 Oct 2025.
    expect(due("2025-09-03")).toBe("2025-10-03");
  });

  it("is the last day of February for 31 January", () => {
    // Fri 31 Jan 2025 -> Fri 28 Feb 2025.
    expect(due("2025-01-31")).toBe("2025-02-28");
  });

  it("is 29 February for 31 January in a leap year", () => {
    // Mon 31 Jan 2028 -> Tue 29 Feb 2028.
    expect(due("2028-01-31")).toBe("2028-02-29");
  });

  it("clamps 30 January 2027 to 28 February 2027, then rolls off the Sunday", () => {
    expect(addMonthsClamped(d("2027-01-30"), 1)).toEqual(d("2027-02-28"));
    // Sun 28 Feb 2027 -> Mon 1 Mar 2027.
    expect(due("2027-01-30")).toBe("2027-03-01");
  });

  it("is 30 April for 31 March", () => {
    // Tue 31 Mar 2026 -> Thu 30 Apr 2026.
    expect(due("2026-03-31")).toBe("2026-04-30");
  });

  it("counts from 29 February in a leap year to 29 March", () => {
    // Tue 29 Feb 2028 -> Wed 29 Mar 2028.
    expect(due("2028-02-29")).toBe("2028-03-29");
  });
});

describe("weekends", () => {
  it("moves a Saturday deadline to the Monday", () => {
    // Sat 3 Oct 2026 -> Mon 5 Oct 2026.
    expect(due("2026-09-03")).toBe("2026-10-05");
  });

  it("moves a clamped Saturday 28 February to Monday 2 March", () => {
    // 31 Jan 2026 -> Sat 28 Feb 2026 -> Mon 2 Mar 2026.
    expect(due("2026-01-31")).toBe("2026-03-02");
  });

  it("moves a Sunday deadline to the Monday", () => {
    // Fri 20 Nov 2026 -> Sun 20 Dec 2026 -> Mon 21 Dec 2026.
    expect(due("2026-11-20")).toBe("2026-12-21");
  });
});

describe("Christmas and New Year", () => {
  it("skips Christmas Day, the weekend and the Boxing Day substitute (2026)", () => {
    // Fri 25 Dec (Christmas), Sat 26 (Boxing Day), Sun 27, Mon 28 (Boxing Day substitute) -> Tue 29 Dec 2026.
    for (const nation of ["england-and-wales", "scotland", "northern-ireland"] as const) expect(due("2026-11-25", nation)).toBe("2026-12-29");
  });

  it("skips both substitute days when Christmas falls on a Saturday (2027)", () => {
    // Sat 25, Sun 26, Mon 27 (Christmas substitute), Tue 28 (Boxing Day substitute) -> Wed 29 Dec 2027.
    expect(due("2027-11-25")).toBe("2027-12-29");
    // Received 27 Nov 2027 lands on the Monday substitute itself.
    expect(due("2027-11-27")).toBe("2027-12-29");
  });

  it("skips the New Year substitute in England and Wales, and 2 January's as well in Scotland (2028)", () => {
    // Sat 1 Jan 2028, Sun 2 Jan; Mon 3 Jan is the New Year substitute in England and Wales -> Tue 4 Jan.
    expect(due("2027-12-01", "england-and-wales")).toBe("2028-01-04");
    // Scotland: Mon 3 Jan and Tue 4 Jan are both substitute days (New Year's Day and 2 January) -> Wed 5 Jan.
    expect(due("2027-12-01", "scotland")).toBe("2028-01-05");
  });

  it("treats 2 January as a holiday in Scotland only", () => {
    // Fri 2 Jan 2026: a working day in England and Wales and Northern Ireland.
    expect(due("2025-12-02", "england-and-wales")).toBe("2026-01-02");
    expect(due("2025-12-02", "northern-ireland")).toBe("2026-01-02");
    // Scotland: Fri 2 Jan is a bank holiday, then the weekend -> Mon 5 Jan 2026.
    expect(due("2025-12-02", "scotland")).toBe("2026-01-05");
  });
});

describe("Easter and the summer bank holiday differ between nations", () => {
  it("skips Easter Monday in England and Wales but not in Scotland", () => {
    // Mon 6 Apr 2026 is Easter Monday.
    expect(due("2026-03-06", "england-and-wales")).toBe("2026-04-07");
    expect(due("2026-03-06", "northern-ireland")).toBe("2026-04-07");
    expect(due("2026-03-06", "scotland")).toBe("2026-04-06");
  });

  it("skips Good Friday everywhere, and the Monday after only where Easter Monday is a holiday", () => {
    // Fri 3 Apr 2026 Good Friday, weekend, Mon 6 Apr Easter Monday.
    expect(due("2026-03-03", "england-and-wales")).toBe("2026-04-07");
    expect(due("2026-03-03", "scotland")).toBe("2026-04-06");
  });

  it("uses the first Monday of August in Scotland and the last one elsewhere", () => {
    // Mon 3 Aug 2026: Scotland's summer bank holiday.
    expect(due("2026-07-03", "scotland")).toBe("2026-08-04");
    expect(due("2026-07-03", "england-and-wales")).toBe("2026-08-03");
    // Mon 31 Aug 2026: the summer bank holiday in England and Wales.
    expect(due("2026-07-31", "england-and-wales")).toBe("2026-09-01");
    expect(due("2026-07-31", "scotland")).toBe("2026-08-31");
  });
});

describe("St Andrew's Day (Scotland)", () => {
  it("is a holiday on 30 November in Scotland only", () => {
    // Mon 30 Nov 2026.
    expect(due("2026-10-30", "scotland")).toBe("2026-12-01");
    expect(due("2026-10-30", "england-and-wales")).toBe("2026-11-30");
  });

  it("moves to the Monday when it falls on a Sunday (1 December 2025 substitute)", () => {
    // Sun 30 Nov 2025 -> Mon 1 Dec is the substitute day in Scotland -> Tue 2 Dec 2025.
    expect(due("2025-10-30", "scotland")).toBe("2025-12-02");
    expect(due("2025-10-30", "england-and-wales")).toBe("2025-12-01");
    // Received 1 Nov 2025: due Mon 1 Dec, the substitute day itself.
    expect(due("2025-11-01", "scotland")).toBe("2025-12-02");
    expect(due("2025-11-01", "england-and-wales")).toBe("2025-12-01");
  });
});

describe("Northern Ireland's own holidays", () => {
  it("skips St Patrick's Day, 17 March, in Northern Ireland only", () => {
    // Tue 17 Mar 2026.
    expect(due("2026-02-17", "northern-ireland")).toBe("2026-03-18");
    expect(due("2026-02-17", "england-and-wales")).toBe("2026-03-17");
    expect(due("2026-02-17", "scotland")).toBe("2026-03-17");
  });

  it("skips 12 July (Battle of the Boyne) in Northern Ireland only", () => {
    // Mon 12 Jul 2027.
    expect(due("2027-06-12", "northern-ireland")).toBe("2027-07-13");
    expect(due("2027-06-12", "england-and-wales")).toBe("2027-07-12");
  });

  it("skips the 12 July substitute when it falls on a Sunday", () => {
    // Sun 12 Jul 2026 -> Mon 13 Jul is the substitute in Northern Ireland -> Tue 14 Jul 2026.
    expect(due("2026-06-12", "northern-ireland")).toBe("2026-07-14");
    expect(due("2026-06-12", "england-and-wales")).toBe("2026-07-13");
  });
});

describe("extensions count from the day of receipt", () => {
  it("gives 31 March and 30 April for 31 January extended by one and two months", () => {
    // Mon 31 Mar 2025; Wed 30 Apr 2025 (not 28 April, which stepping from 28 February would give).
    expect(due("2025-01-31", "england-and-wales", { extensionMonths: 1 })).toBe("2025-03-31");
    expect(due("2025-01-31", "england-and-wales", { extensionMonths: 2 })).toBe("2025-04-30");
  });

  it("rolls an extended deadline off a weekend", () => {
    // 20 Nov 2026 + 1 month extension: Wed 20 Jan 2027. + 2 months: Sat 20 Feb 2027 -> Mon 22 Feb 2027.
    expect(due("2026-11-20", "england-and-wales", { extensionMonths: 1 })).toBe("2027-01-20");
    expect(due("2026-11-20", "england-and-wales", { extensionMonths: 2 })).toBe("2027-02-22");
  });

  it("uses the nation's holidays for the extended date too", () => {
    // 6 Feb 2026 extended by one month (two in all): Mon 6 Apr 2026, Easter Monday outside Scotland.
    expect(due("2026-02-06", "england-and-wales", { extensionMonths: 1 })).toBe("2026-04-07");
    expect(due("2026-02-06", "scotland", { extensionMonths: 1 })).toBe("2026-04-06");
  });
});

describe("a paused clock moves the day of receipt forward", () => {
  it("counts from 25 November after five days waiting for identity", () => {
    // Effective receipt Wed 25 Nov 2026 -> Fri 25 Dec (Christmas) ... Tue 29 Dec 2026.
    expect(due("2026-11-20", "england-and-wales", { pausedDays: 5 })).toBe("2026-12-29");
  });

  it("combines a pause and an extension", () => {
    // Effective receipt Thu 3 Dec 2026 + 2 months = Wed 3 Feb 2027.
    expect(due("2026-11-20", "england-and-wales", { pausedDays: 13, extensionMonths: 1 })).toBe("2027-02-03");
  });
});

describe("dates as people type them", () => {
  it("reads ISO and UK day-first dates, and refuses dates that do not exist", () => {
    expect(parseCalendarDate("2026-11-20")).toEqual(calendarDate(2026, 11, 20));
    expect(parseCalendarDate("20/11/2026")).toEqual(calendarDate(2026, 11, 20));
    expect(parseCalendarDate("3.9.2025")).toEqual(calendarDate(2025, 9, 3));
    expect(parseCalendarDate("31/02/2026")).toBeUndefined();
    expect(parseCalendarDate("29/02/2027")).toBeUndefined();
    expect(parseCalendarDate("29/02/2028")).toEqual(calendarDate(2028, 2, 29));
    expect(parseCalendarDate("11/20/2026")).toBeUndefined();
    expect(parseCalendarDate("next Tuesday")).toBeUndefined();
  });

  it("takes today's date where the organisation is, not in UTC", () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    expect(todayIn("Europe/London", new Date("2026-06-30T23:30:00Z"))).toEqual(calendarDate(2026, 7, 1));
    expect(todayIn("Europe/London", new Date("2026-12-31T23:30:00Z"))).toEqual(calendarDate(2026, 12, 31));
  });
});

describe("free text kept with a request", () => {
  it("masks anything that looks like a phone number, but not dates, times or references", () => {
    expect(maskNumbersIn("She also uses 07700 900123 and +44 (0)20 7946 0001")).toBe("She also uses •••123 and •••001");
    expect(maskNumbersIn("Calls on 2026-11-20 14:30 and 20/11/2026, police ref 1234/26")).toBe("Calls on 2026-11-20 14:30 and 20/11/2026, police ref 1234/26");
  });
});
