/**
 * The Range header of an audio request (RFC 9110 §14), reduced to the one
 * byte range a media player asks for. Anything else (several ranges, another
 * unit, bad syntax) is ignored, as the RFC allows, and the whole recording is
 * sent instead.
 */
import type { ByteRange } from "../../../core/ports/recording-store.ts";

const SINGLE_RANGE = /^bytes=(\d{0,15})-(\d{0,15})$/;

/** The range asked for, or null to send everything. */
export function parseRange(header: string | undefined): ByteRange | null {
  if (!header) return null;
  const match = SINGLE_RANGE.exec(header.trim().replace(/\s+/g, ""));
  if (!match) return null;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return null;
  // "bytes=-500": the last 500 bytes.
  if (first === "") return { suffix: Number(last) };
  const offset = Number(first);
  if (last === "") return { offset };
  const end = Number(last);
  // An end before the start makes the header invalid: ignore it.
  return end < offset ? null : { offset, count: end - offset + 1 };
}
