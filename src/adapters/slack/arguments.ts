/**
 * Reads `/request-recording 21/11/2026 14:30 01427 700700 inbound` into
 * values that pre-fill the form. Anything it cannot place is left for the
 * person to fill in; nothing here is validated beyond shape, because the
 * core validates the submission.
 */
import type { RequestFormValues } from "./render/request-form.ts";

const DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const TIME = /^(\d{1,2})[:.](\d{2})$/;
const DIRECTIONS = new Set(["inbound", "outbound", "internal"]);

export function parseRequestArguments(text: string): RequestFormValues {
  const values: RequestFormValues = {};
  const rest: string[] = [];
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    const date = DATE.exec(token);
    const time = TIME.exec(token);
    if (date && !values.date) {
      const [, d, m, y] = date.map(Number) as [number, number, number, number];
      const probe = new Date(Date.UTC(y, m - 1, d));
      // 31/02/2026 is not a date: leave the field for the person rather than guess.
      if (probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d) {
        values.date = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
      }
    } else if (time && !values.time && Number(time[1]) < 24 && Number(time[2]) < 60) {
      values.time = `${time[1]!.padStart(2, "0")}:${time[2]}`;
    } else if (DIRECTIONS.has(token.toLowerCase()) && !values.direction) {
      values.direction = token.toLowerCase();
    } else {
      rest.push(token);
    }
  }
  // What is left is the number, however it was spaced ("01427 700700").
  const number = rest.join(" ").trim();
  if (number && /^[+()\d\s-]{3,40}$/.test(number)) values.number = number;
  return values;
}
