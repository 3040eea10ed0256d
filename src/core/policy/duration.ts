/**
 * Durations as a DPO writes them in a policy file ("7 days", "12 months"),
 * kept as calendar units so "1 month" from 31 January is the end of February,
 * as date-fns adds it.
 */
import { add, type Duration } from "date-fns";

export type DurationUnit = "hours" | "days" | "weeks" | "months" | "years";

export interface PolicyDuration {
  amount: number;
  unit: DurationUnit;
}

const PATTERN = /^\s*(\d{1,4})\s*(hour|day|week|month|year)s?\s*$/i;

/** Parses "7 days" or "1 month"; returns undefined for anything else. */
export function parseDuration(text: string): PolicyDuration | undefined {
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  const amount = Number(match[1]);
  if (amount <= 0) return undefined;
  return { amount, unit: `${match[2]!.toLowerCase()}s` as DurationUnit };
}

export function addDuration(from: Date, d: PolicyDuration): Date {
  const duration: Duration = { [d.unit]: d.amount };
  return add(from, duration);
}

export function subtractDuration(from: Date, d: PolicyDuration): Date {
  const duration: Duration = { [d.unit]: -d.amount };
  return add(from, duration);
}

/** "7 days", "1 month". */
export function formatDuration(d: PolicyDuration): string {
  const unit = d.amount === 1 ? d.unit.slice(0, -1) : d.unit;
  return `${d.amount} ${unit}`;
}
