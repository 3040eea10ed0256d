/**
 * Finds catalogued calls by number, time window, direction, extension and
 * site. Used by fulfilment (matching a request to its recording) and by the
 * DPO, so the widest window is the caller's choice (31 days unless it says
 * otherwise), never the searcher's. Returns metadata only: numbers in E.164
 * for the caller to mask before showing them.
 *
 * Every filter rides on an index: (externalNumber, startedAt),
 * (extension, startedAt), (siteId, startedAt) or (startedAt), and results
 * come back in start order, so a search reads only the rows it returns.
 */
import { z } from "zod";
import type { CallDirection, CatalogueSource } from "../../generated/prisma/client.ts";
import type { CoreContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../guards.ts";
import { normalisePhoneNumber } from "../phone.ts";

const instant = z.union([z.date(), z.iso.datetime({ offset: true, error: "Give the time as an ISO 8601 date and time, for example 2026-11-20T09:00:00Z." })]).transform((v, ctx) => {
  const at = typeof v === "string" ? new Date(v) : v;
  if (Number.isNaN(at.getTime())) {
    ctx.addIssue({ code: "custom", message: "That is not a real date and time." });
    return z.NEVER;
  }
  return at;
});

export const searchRecordingsInput = z.strictObject({
  /** As the person typed it; normalised to E.164 (UK by default). */
  number: z.string().max(40, "That is too long to be a phone number.").optional(),
  /** Start of the window, inclusive. */
  from: instant,
  /** End of the window, inclusive. */
  to: instant,
  direction: z
    .string()
    .max(20)
    .transform((d) => d.trim().toLowerCase())
    .pipe(z.enum(["inbound", "outbound", "internal"], { error: "The direction must be inbound, outbound or internal." }))
    .optional(),
  extension: z
    .string()
    .max(20)
    .transform((e) => e.trim())
    .pipe(z.string().regex(/^[0-9*#]{1,10}$/, "An extension is digits only, for example 201."))
    .optional(),
  siteId: z.string().max(100).optional(),
  /** Leave out calls known only from the call log. */
  withAudioOnly: z.boolean().default(false),
  limit: z.number().int().min(1).max(500, "Ask for at most 500 results.").default(50),
});

export type SearchRecordingsInput = z.input<typeof searchRecordingsInput>;

export interface SearchRecordingsOptions {
  /** The widest window allowed, in hours. Default 31 days. */
  maxWindowHours?: number;
}

/** One catalogued call, as search returns it: metadata, never audio. */
export interface RecordingSummary {
  id: string;
  callId: string;
  startedAt: Date;
  durationSeconds: number;
  direction: CallDirection;
  /** E.164, or null when withheld or internal. Mask before showing it. */
  externalNumber: string | null;
  extension: string | null;
  siteId: string | null;
  staffEmail: string | null;
  hasAudio: boolean;
  contentType: string | null;
  source: CatalogueSource;
}

export interface SearchRecordingsResult {
  items: RecordingSummary[];
  /** True when more calls matched than `limit`. */
  truncated: boolean;
}

export const DEFAULT_MAX_WINDOW_HOURS = 31 * 24;

export async function searchRecordings(
  ctx: CoreContext,
  raw: SearchRecordingsInput,
  options: SearchRecordingsOptions = {},
): Promise<SearchRecordingsResult> {
  const input = parseInput(searchRecordingsInput, raw);
  const maxWindowHours = options.maxWindowHours ?? DEFAULT_MAX_WINDOW_HOURS;

  if (input.from.getTime() >= input.to.getTime()) {
    throw new AppError("INVALID_INPUT", "The start of the time window must be before its end.", "to");
  }
  if (input.to.getTime() - input.from.getTime() > maxWindowHours * 3_600_000) {
    throw new AppError("WINDOW_TOO_WIDE", `The time window is too wide: search at most ${formatHours(maxWindowHours)} at a time.`, "to");
  }
  if (input.from.getTime() > ctx.clock.now().getTime()) {
    throw new AppError("DATE_IN_FUTURE", "That time window is in the future, so no calls can be in it yet.", "from");
  }
  const externalNumber = input.number?.trim() ? normalisePhoneNumber(input.number, "number") : undefined;
  if (input.siteId !== undefined && !ctx.policy.sites.some((s) => s.id === input.siteId)) {
    throw new AppError("UNKNOWN_SITE", "There is no site by that name in this organisation's policy.", "siteId");
  }

  const rows = await ctx.db.recording.findMany({
    where: {
      startedAt: { gte: input.from, lte: input.to },
      ...(externalNumber ? { externalNumber } : {}),
      ...(input.direction ? { direction: input.direction.toUpperCase() as CallDirection } : {}),
      ...(input.extension ? { extension: input.extension } : {}),
      ...(input.siteId ? { siteId: input.siteId } : {}),
      ...(input.withAudioOnly ? { blobName: { not: null } } : {}),
    },
    // Start time alone, so the (filter, startedAt) index also gives the order
    // and the limit stops the scan early.
    orderBy: { startedAt: "asc" },
    take: input.limit + 1,
    select: {
      id: true,
      callId: true,
      startedAt: true,
      durationSeconds: true,
      direction: true,
      externalNumber: true,
      extension: true,
      siteId: true,
      staffEmail: true,
      blobName: true,
      contentType: true,
      source: true,
    },
  });
  const truncated = rows.length > input.limit;
  const items = rows.slice(0, input.limit).map(({ blobName, ...row }) => ({ ...row, hasAudio: blobName !== null }));
  return { items, truncated };
}

function formatHours(hours: number): string {
  if (hours % 24 === 0) return `${hours / 24} ${hours === 24 ? "day" : "days"}`;
  return `${hours} ${hours === 1 ? "hour" : "hours"}`;
}
