/**
 * What the Data Protection Officer types after `audit`: a period and optional
 * filters, in plain words, e.g. `last month purpose safeguarding site north`.
 *
 * Periods are whole calendar days in the organisation's time zone, so "this
 * month" in July starts at midnight BST (23:00 UTC the day before) and
 * "2026-03-29..2026-03-29" is a 23-hour day. Every period is [from, to): `to`
 * is midnight at the start of the day after the last day, capped at the start
 * of tomorrow (nothing has happened after that).
 *
 *   (nothing)                     the last 30 days (today and the 29 before it)
 *   last N days|weeks|months|years  today and the days before it (N weeks = 7N days;
 *                                 N months = from the day after the same date N months ago)
 *   today, yesterday
 *   this week, last week          calendar weeks, Monday to Sunday
 *   this month, last month, this year, last year
 *   2026-01-01..2026-03-31        inclusive; also 01/01/2026..31/03/2026 and "to" for ".."
 *   2026-03-31                    one day
 *
 * Filters, as `word value` or `word:value` (quotes allowed around values):
 *   person <e-mail or name>       requests the person made or decided, and their own actions
 *   purpose <id or label>
 *   site <id or name>
 *   ref CG-000123                 one request
 */
import { addDays, addMonthsClamped, calendarDate, isoDate, parseCalendarDate, startOfDayIn, todayIn } from "../calendar.ts";
import { AppError } from "../errors.ts";
import { formatDate } from "../format.ts";
import type { Policy } from "../policy/schema.ts";
import { parseReference } from "../references.ts";

/** A span of whole days in the organisation's time zone, as instants: [from, to). */
export interface AuditPeriod {
  from: Date;
  to: Date;
  /** First and last calendar day covered, YYYY-MM-DD. */
  firstDay: string;
  lastDay: string;
  /** How the period was asked for, normalised: "last 30 days", "2026-01-01..2026-03-31". */
  label: string;
  /** For people: "last 30 days (22/10/2026 to 20/11/2026)". */
  description: string;
}

export interface AuditFilters {
  person?: { email: string; name: string };
  purpose?: { id: string; label: string };
  site?: { id: string; name: string };
  /** A request reference, CG-000123. */
  reference?: string;
}

export interface AuditQuery {
  period: AuditPeriod;
  filters: AuditFilters;
  /** The same query in a form this parser reads back exactly (for buttons and the audit log). */
  terms: string;
  /** Filters in words, e.g. "purpose Safeguarding, site North Academy"; "" when none. */
  filterDescription: string;
}

export interface ParseAuditQueryOptions {
  now: Date;
  timeZone: string;
  /** Needed to resolve names (people, purposes, sites); without it only e-mails and ids are accepted. */
  policy?: Policy;
}

export const DEFAULT_PERIOD = "last 30 days";

const EXAMPLES =
  "For example: `last 30 days`, `this month`, `last month`, `this year`, `last 6 weeks`, `2026-01-01..2026-03-31` or `01/01/2026..31/03/2026`, followed if you like by `person ben@example.org`, `purpose safeguarding`, `site north` or `ref CG-000123`.";

type FilterKey = "person" | "purpose" | "site" | "ref";
const FILTER_WORDS: Record<string, FilterKey> = { person: "person", who: "person", purpose: "purpose", site: "site", ref: "ref", reference: "ref", request: "ref" };

const MAX_TEXT = 500;

/** Reads a period and filters; AppError INVALID_INPUT naming the word it could not read. */
export function parseAuditQuery(text: string | readonly string[], options: ParseAuditQueryOptions): AuditQuery {
  const raw = typeof text === "string" ? text : text.map(quoteWord).join(" ");
  if (raw.length > MAX_TEXT) throw new AppError("INVALID_INPUT", `That is too long to be a period and filters. ${EXAMPLES}`, "query");
  const tokens = tokenise(raw);
  const periodWords: string[] = [];
  const filters: AuditFilters = {};

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const keyed = token.quoted ? undefined : /^([a-z]+)[:=](.*)$/i.exec(token.text);
    const key = keyed ? FILTER_WORDS[keyed[1]!.toLowerCase()] : token.quoted ? undefined : FILTER_WORDS[token.text.toLowerCase()];
    if (!key) {
      periodWords.push(token.text);
      continue;
    }
    // The value: an inline `key:value` and/or the following words up to the next filter word.
    const candidates: string[] = keyed && keyed[2] ? [keyed[2]] : [];
    let j = i + 1;
    while (j < tokens.length && (tokens[j]!.quoted || !isFilterWord(tokens[j]!.text))) candidates.push(tokens[j++]!.text);
    if (candidates.length === 0) throw new AppError("INVALID_INPUT", `"${keyed?.[1] ?? token.text}" needs a value after it, for example ${exampleFor(key)}.`, "query");
    if ((key === "ref" ? "reference" : key) in filters) throw new AppError("INVALID_INPUT", `Give "${key}" only once; to see several, run the summary for each.`, "query");
    // The longest run of words that names something; the rest belongs to the period.
    let used = 0;
    for (let n = candidates.length; n >= 1 && used === 0; n--) {
      if (resolveFilter(filters, key, candidates.slice(0, n).join(" "), options.policy)) used = n;
    }
    if (used === 0) throw unknownValue(key, candidates, options.policy);
    periodWords.push(...candidates.slice(used));
    i = j - 1;
  }

  const period = parsePeriod(periodWords, options.now, options.timeZone);
  const termParts = [period.label];
  const described: string[] = [];
  if (filters.person) {
    termParts.push(`person:${filters.person.email}`);
    described.push(`person ${filters.person.name}`);
  }
  if (filters.purpose) {
    termParts.push(`purpose:${filters.purpose.id}`);
    described.push(`purpose ${filters.purpose.label}`);
  }
  if (filters.site) {
    termParts.push(`site:${filters.site.id}`);
    described.push(`site ${filters.site.name}`);
  }
  if (filters.reference) {
    termParts.push(`ref:${filters.reference}`);
    described.push(`request ${filters.reference}`);
  }
  return { period, filters, terms: termParts.join(" "), filterDescription: described.join(", ") };
}

/** Whether any filter narrows the request-based figures. */
export function hasFilters(filters: AuditFilters): boolean {
  return Boolean(filters.person || filters.purpose || filters.site || filters.reference);
}

// ---------------------------------------------------------------------------
// Filters

function isFilterWord(word: string): boolean {
  const keyed = /^([a-z]+)[:=]/i.exec(word);
  return (keyed ? keyed[1]!.toLowerCase() : word.toLowerCase()) in FILTER_WORDS;
}

function resolveFilter(filters: AuditFilters, key: FilterKey, value: string, policy: Policy | undefined): boolean {
  const wanted = value.trim().toLowerCase();
  if (!wanted) return false;
  switch (key) {
    case "person": {
      const people = policy?.people ?? [];
      const exact = people.find((p) => p.email === wanted || p.name.toLowerCase() === wanted);
      const byFirstName = people.filter((p) => p.name.toLowerCase().split(/\s+/)[0] === wanted);
      const person = exact ?? (byFirstName.length === 1 ? byFirstName[0] : undefined);
      if (person) {
        filters.person = { email: person.email, name: person.name };
        return true;
      }
      // Someone no longer in the policy still appears in the log under their e-mail.
      if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(wanted) && wanted.length <= 320) {
        filters.person = { email: wanted, name: wanted };
        return true;
      }
      return false;
    }
    case "purpose": {
      if (!policy) {
        if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(wanted)) return false;
        filters.purpose = { id: wanted, label: wanted };
        return true;
      }
      const purpose = policy.purposes.find((p) => p.id === wanted || p.label.toLowerCase() === wanted);
      if (!purpose) return false;
      filters.purpose = { id: purpose.id, label: purpose.label };
      return true;
    }
    case "site": {
      if (!policy) {
        if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(wanted)) return false;
        filters.site = { id: wanted, name: wanted };
        return true;
      }
      const site = policy.sites.find((s) => s.id === wanted || s.name.toLowerCase() === wanted);
      if (!site) return false;
      filters.site = { id: site.id, name: site.name };
      return true;
    }
    case "ref": {
      const reference = parseReference("CG", value);
      if (!reference) return false;
      filters.reference = reference;
      return true;
    }
  }
}

function exampleFor(key: FilterKey): string {
  return { person: "`person ben@example.org`", purpose: "`purpose safeguarding`", site: "`site north`", ref: "`ref CG-000123`" }[key];
}

function unknownValue(key: FilterKey, candidates: readonly string[], policy: Policy | undefined): AppError {
  const value = shorten(candidates.join(" "));
  switch (key) {
    case "person":
      return new AppError("INVALID_INPUT", `Nobody called "${value}" is in the organisation's policy. Give their e-mail address or full name, for example ${exampleFor(key)}.`, "person");
    case "purpose":
      return new AppError("INVALID_INPUT", `"${value}" is not one of the organisation's purposes.${policy ? ` Choose one of: ${policy.purposes.map((p) => p.id).join(", ")}.` : ""} For example ${exampleFor(key)}.`, "purpose");
    case "site":
      return new AppError("INVALID_INPUT", `"${value}" is not one of the organisation's sites.${policy ? ` Choose one of: ${policy.sites.map((s) => s.id).join(", ")}.` : ""} For example ${exampleFor(key)}.`, "site");
    case "ref":
      return new AppError("INVALID_INPUT", `"${shorten(candidates[0] ?? "")}" is not a request reference. Write it as on the request, for example ${exampleFor(key)}.`, "ref");
  }
}

// ---------------------------------------------------------------------------
// Periods

const UNITS: Record<string, "days" | "weeks" | "months" | "years"> = { day: "days", days: "days", week: "weeks", weeks: "weeks", month: "months", months: "months", year: "years", years: "years" };
const MAX_UNITS = { days: 3660, weeks: 520, months: 120, years: 10 } as const;

function parsePeriod(words: readonly string[], now: Date, timeZone: string): AuditPeriod {
  const phrase = words.join(" ").trim().toLowerCase().replace(/\s+/g, " ");
  const today = todayIn(timeZone, now);
  const tomorrow = addDays(today, 1);

  const span = (label: string, first: Date, afterLast: Date): AuditPeriod => {
    if (first.getTime() >= tomorrow.getTime()) throw new AppError("INVALID_INPUT", `The period ${label} starts after today, so there is nothing in it yet. ${EXAMPLES}`, "period");
    const end = afterLast.getTime() > tomorrow.getTime() ? tomorrow : afterLast;
    const from = startOfDayIn(first, timeZone);
    const to = startOfDayIn(end, timeZone);
    const last = addDays(end, -1);
    return { from, to, firstDay: isoDate(first), lastDay: isoDate(last), label, description: `${label} (${formatDate(from, timeZone)} to ${formatDate(new Date(to.getTime() - 1), timeZone)})` };
  };

  if (phrase === "") return parsePeriod(DEFAULT_PERIOD.split(" "), now, timeZone);

  const rolling = /^(?:last|past|the last|the past) (\d{1,5}) ([a-z]+)$/.exec(phrase);
  if (rolling) {
    const unit = UNITS[rolling[2]!];
    if (!unit) throw new AppError("INVALID_INPUT", `I did not understand "${shorten(rolling[2]!)}" in the period: count in days, weeks, months or years. ${EXAMPLES}`, "period");
    const n = Number(rolling[1]);
    if (n < 1) throw new AppError("INVALID_INPUT", `"${phrase}" covers no time at all: count at least 1 ${unit.slice(0, -1)}. ${EXAMPLES}`, "period");
    if (n > MAX_UNITS[unit]) throw new AppError("INVALID_INPUT", `"${phrase}" goes back too far: at most ${MAX_UNITS[unit]} ${unit}. Give dates instead, for example 2020-01-01..2026-12-31.`, "period");
    const first =
      unit === "months" || unit === "years"
        ? addDays(addMonthsClamped(today, -(unit === "years" ? 12 * n : n)), 1)
        : addDays(today, -(unit === "weeks" ? 7 * n : n) + 1);
    return span(`last ${n} ${n === 1 ? unit.slice(0, -1) : unit}`, first, tomorrow);
  }

  const monday = addDays(today, -((today.getUTCDay() + 6) % 7));
  const monthStart = calendarDate(today.getUTCFullYear(), today.getUTCMonth() + 1, 1);
  const yearStart = calendarDate(today.getUTCFullYear(), 1, 1);
  switch (phrase) {
    case "today":
      return span("today", today, tomorrow);
    case "yesterday":
      return span("yesterday", addDays(today, -1), today);
    case "this week":
      return span("this week", monday, addDays(monday, 7));
    case "last week":
      return span("last week", addDays(monday, -7), monday);
    case "this month":
      return span("this month", monthStart, addMonthsClamped(monthStart, 1));
    case "last month":
      return span("last month", addMonthsClamped(monthStart, -1), monthStart);
    case "this year":
      return span("this year", yearStart, calendarDate(today.getUTCFullYear() + 1, 1, 1));
    case "last year":
      return span("last year", calendarDate(today.getUTCFullYear() - 1, 1, 1), yearStart);
  }

  const dates = /^(\S+?)\s*(?:\.\.|\bto\b|–)\s*(\S+)$/.exec(phrase);
  if (dates || /^[\d/.-]+$/.test(phrase)) {
    const [startText, endText] = dates ? [dates[1]!, dates[2]!] : [phrase, phrase];
    const first = readDate(startText);
    const last = readDate(endText);
    if (last.getTime() < first.getTime()) {
      throw new AppError("INVALID_INPUT", `The period ends (${endText}) before it starts (${startText}). Put the earlier date first, for example 2026-01-01..2026-03-31.`, "period");
    }
    return span(startText === endText && !dates ? isoDate(first) : `${isoDate(first)}..${isoDate(last)}`, first, addDays(last, 1));
  }

  throw new AppError("INVALID_INPUT", `I did not understand "${shorten(firstUnknownWord(phrase))}" in the period. ${EXAMPLES}`, "period");
}

function readDate(text: string): Date {
  const date = parseCalendarDate(text);
  if (!date) throw new AppError("INVALID_INPUT", `"${shorten(text)}" is not a date. Write dates as 2026-03-31 or 31/03/2026.`, "period");
  return date;
}

const KNOWN_WORDS = new Set(["last", "past", "the", "this", "today", "yesterday", "to", "..", ...Object.keys(UNITS), "year"]);

function firstUnknownWord(phrase: string): string {
  const words = phrase.split(" ");
  return words.find((w) => !KNOWN_WORDS.has(w) && !/^\d+$/.test(w)) ?? phrase;
}

function shorten(text: string): string {
  const clean = text.replace(/[\u0000-\u001f]/g, " ");
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

// ---------------------------------------------------------------------------
// Tokens: words, or "quoted phrases" (also after key: as in purpose:"My own calls").

interface Token {
  text: string;
  quoted: boolean;
}

/** One already-split word (from string-argv or a shell) back into text, keeping a value with spaces together. */
function quoteWord(word: string): string {
  if (!/\s/.test(word) || /"/.test(word)) return word;
  const keyed = /^([a-z]+[:=])(.*)$/is.exec(word);
  return keyed ? `${keyed[1]}"${keyed[2]}"` : `"${word}"`;
}

function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /([a-z]+[:=])?(?:"([^"]*)"|'([^']*)'|“([^”]*)”)|(\S+)/gi;
  for (const match of text.matchAll(pattern)) {
    if (match[5] !== undefined) tokens.push({ text: match[5], quoted: false });
    else {
      const value = match[2] ?? match[3] ?? match[4] ?? "";
      if (match[1]) tokens.push({ text: `${match[1]}${value}`, quoted: false });
      else tokens.push({ text: value, quoted: true });
    }
  }
  return tokens;
}
