/**
 * What the DPO types after `audit`: periods as whole days in the
 * organisation's time zone (BST included), filters resolved against the
 * policy, and every mistake answered with the word at fault and an example.
 */
import { describe, expect, it } from "vitest";
import { parseAuditQuery, type AuditQuery } from "../../src/core/audit/audit-query.ts";
import { AppError } from "../../src/core/errors.ts";
import { P, testPolicy } from "../support/test-policy.ts";

const NOW = new Date("2026-11-20T12:00:00Z"); // a Friday, GMT
const policy = testPolicy();
const parse = (text: string | string[], now = NOW): AuditQuery => parseAuditQuery(text, { now, timeZone: "Europe/London", policy });
const hours = (q: AuditQuery) => (q.period.to.getTime() - q.period.from.getTime()) / 3_600_000;

function refusal(text: string): AppError {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("INVALID_INPUT");
    return error as AppError;
  }
  throw new Error(`"${text}" was accepted`);
}

describe("audit periods", () => {
  it("defaults to the last 30 days: today and the 29 before it, starting at midnight BST", () => {
    const q = parse("");
    expect(q.period).toMatchObject({ label: "last 30 days", firstDay: "2026-10-22", lastDay: "2026-11-20" });
    expect(q.period.from.toISOString()).toBe("2026-10-21T23:00:00.000Z");
    expect(q.period.to.toISOString()).toBe("2026-11-21T00:00:00.000Z");
    expect(q.period.description).toBe("last 30 days (22/10/2026 to 20/11/2026)");
    expect(q.terms).toBe("last 30 days");
  });

  it("counts rolling days, weeks, months and years back from today", () => {
    expect(parse("last 7 days").period).toMatchObject({ firstDay: "2026-11-14", lastDay: "2026-11-20" });
    expect(parse("past 2 weeks").period).toMatchObject({ firstDay: "2026-11-07", label: "last 2 weeks" });
    expect(parse("last 1 month").period).toMatchObject({ firstDay: "2026-10-21", label: "last 1 month" });
    expect(parse("last 1 year").period).toMatchObject({ firstDay: "2025-11-21" });
    // 31 May less three months is clamped to 28 February; the period starts the day after.
    expect(parse("last 3 months", new Date("2026-05-31T12:00:00Z")).period).toMatchObject({ firstDay: "2026-03-01", lastDay: "2026-05-31" });
  });

  it("takes calendar months and years in local time, capped at the end of today", () => {
    const thisMonth = parse("this month");
    expect(thisMonth.period.from.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(thisMonth.period.to.toISOString()).toBe("2026-11-21T00:00:00.000Z");
    expect(thisMonth.period.description).toBe("this month (01/11/2026 to 20/11/2026)");

    // October 2026 starts in BST and ends in GMT: 31 days and one hour.
    const lastMonth = parse("last month");
    expect(lastMonth.period.from.toISOString()).toBe("2026-09-30T23:00:00.000Z");
    expect(lastMonth.period.to.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(hours(lastMonth)).toBe(31 * 24 + 1);

    const july = parse("this month", new Date("2026-07-15T10:00:00Z"));
    expect(july.period.from.toISOString()).toBe("2026-06-30T23:00:00.000Z");
    expect(july.period.to.toISOString()).toBe("2026-07-15T23:00:00.000Z");

    expect(parse("this year").period).toMatchObject({ firstDay: "2026-01-01", lastDay: "2026-11-20" });
    expect(parse("last year").period).toMatchObject({ firstDay: "2025-01-01", lastDay: "2025-12-31" });
    expect(parse("this week").period).toMatchObject({ firstDay: "2026-11-16", lastDay: "2026-11-20" });
    expect(parse("last week").period).toMatchObject({ firstDay: "2026-11-09", lastDay: "2026-11-15" });
    expect(parse("yesterday").period).toMatchObject({ firstDay: "2026-11-19", lastDay: "2026-11-19" });
  });

  it("reads date ranges written the ISO way or the UK way, ending at local midnight", () => {
    const iso = parse("2026-01-01..2026-03-31");
    expect(iso.period.from.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    // 1 April 2026 is in BST, so the range ends at 23:00 UTC on 31 March.
    expect(iso.period.to.toISOString()).toBe("2026-03-31T23:00:00.000Z");
    expect(iso.terms).toBe("2026-01-01..2026-03-31");
    for (const text of ["01/01/2026..31/03/2026", "1/1/2026 to 31/3/2026", "2026-01-01 .. 2026-03-31"]) {
      const uk = parse(text);
      expect(uk.period.from).toEqual(iso.period.from);
      expect(uk.period.to).toEqual(iso.period.to);
      expect(uk.period.label).toBe("2026-01-01..2026-03-31");
    }
  });

  it("gives the spring-forward day 23 hours and the fall-back day 25", () => {
    expect(hours(parse("2026-03-29"))).toBe(23);
    expect(hours(parse("29/03/2026"))).toBe(23);
    expect(hours(parse("2026-10-25"))).toBe(25);
    expect(hours(parse("2026-10-26"))).toBe(24);
  });

  it("names the word it did not understand and shows an example", () => {
    const error = refusal("fortnight");
    expect(error.message).toContain('"fortnight"');
    expect(error.message).toContain("last 30 days");
    expect(error.message).toContain("2026-01-01..2026-03-31");
    expect(refusal("next month").message).toContain('"next"');
    expect(refusal("last 3 fortnights").message).toContain('"fortnights"');
  });

  it("refuses impossible and backwards periods", () => {
    expect(refusal("31/02/2026..01/03/2026").message).toContain('"31/02/2026" is not a date');
    expect(refusal("2026-03-31..2026-01-01").message).toContain("ends (2026-01-01) before it starts (2026-03-31)");
    expect(refusal("2027-01-01..2027-01-31").message).toContain("starts after today");
    expect(refusal("last 0 days").message).toContain("at least 1 day");
    expect(refusal("last 9999 days").message).toContain("at most 3660 days");
    expect(refusal("x".repeat(600)).message).toContain("too long");
  });
});

describe("audit filters", () => {
  it("resolves people, purposes, sites and references from the policy", () => {
    const q = parse("last month person Ben Hughes purpose safeguarding");
    expect(q.filters).toEqual({ person: { email: P.requester, name: "Ben Hughes" }, purpose: { id: "safeguarding", label: "Safeguarding" } });
    expect(q.period.label).toBe("last month");
    expect(q.terms).toBe(`last month person:${P.requester} purpose:safeguarding`);
    expect(q.filterDescription).toBe("person Ben Hughes, purpose Safeguarding");
  });

  it("accepts key:value forms, quotes, labels and names with spaces", () => {
    const q = parse(`person:${P.southHead} site:North Academy ref:cg-12 this month`);
    expect(q.filters).toEqual({ person: { email: P.southHead, name: "Grace Lee" }, site: { id: "north", name: "North Academy" }, reference: "CG-000012" });
    expect(q.period.label).toBe("this month");
    expect(parse('purpose "My own calls" last 7 days').filters.purpose).toEqual({ id: "own-calls", label: "My own calls" });
    expect(parse("purpose My own calls last 7 days").period.label).toBe("last 7 days");
    expect(parse(["purpose:My own calls", "yesterday"]).filters.purpose?.id).toBe("own-calls");
    expect(parse("person carys").filters.person?.email).toBe(P.dpo);
  });

  it("keeps a former member of staff's e-mail as it is", () => {
    expect(parse("person left.in.2025@trust.example").filters.person).toEqual({ email: "left.in.2025@trust.example", name: "left.in.2025@trust.example" });
  });

  it("reads its own terms back to the same query", () => {
    const first = parse("01/01/2026..31/03/2026 person Ben purpose Disciplinary site south ref CG-7");
    const again = parse(first.terms);
    expect(again.period).toEqual(first.period);
    expect(again.filters).toEqual(first.filters);
    expect(again.terms).toBe(first.terms);
  });

  it("says which value is unknown and what would work", () => {
    const site = refusal("site narnia");
    expect(site.message).toContain('"narnia" is not one of the organisation\'s sites');
    expect(site.message).toContain("north, south");
    expect(refusal("person Zed Smith").message).toContain('Nobody called "Zed Smith"');
    expect(refusal("purpose gossip").message).toContain("safeguarding, disciplinary, training, own-calls");
    expect(refusal("ref banana").message).toContain('"banana" is not a request reference');
    expect(refusal("last month person").message).toContain("needs a value");
    expect(refusal("site north site south").message).toContain('"site" only once');
  });
});
