/**
 * Turns what the phone system exported (blob metadata, or a call-log CSV
 * row) into a catalogue row, following docs/recording-convention.md. Shared
 * by both imports so the two can never disagree about what a valid call is.
 *
 * Nothing here throws on bad data: an import must survive any metadata, so
 * each problem comes back as a reason, and reasons never quote a phone number.
 */
import { z } from "zod";
import type { Prisma } from "../../generated/prisma/client.ts";
import { tryNormalisePhoneNumber } from "../phone.ts";
import type { Policy } from "../policy/schema.ts";
import type { StoredRecording } from "../ports/recording-store.ts";

export type CatalogueRow = Prisma.RecordingCreateManyInput;

export type EntryResult = { ok: true; row: CatalogueRow } | { ok: false; reason: string };

/** The fields of one call, keyed as the convention names them. */
export const CALL_FIELDS = [
  "callid",
  "startutc",
  "durationseconds",
  "direction",
  "externalnumber",
  "extension",
  "site",
  "staffemail",
  "retentionclass",
] as const;
export type CallField = (typeof CALL_FIELDS)[number];
export type RawCallFields = Partial<Record<CallField, string | undefined>>;

/** Audio types the convention allows, and the extensions that imply them. */
export const AUDIO_CONTENT_TYPES: Record<string, string> = {
  wav: "audio/wav",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
  opus: "audio/ogg",
  m4a: "audio/mp4",
  mp4: "audio/mp4",
};
const ALLOWED_TYPES = new Set(Object.values(AUDIO_CONTENT_TYPES));
/** Spellings some exporters use for the same types. */
const TYPE_ALIASES: Record<string, string> = { "audio/x-wav": "audio/wav", "audio/wave": "audio/wav", "audio/vnd.wave": "audio/wav", "audio/mp3": "audio/mpeg", "audio/x-m4a": "audio/mp4" };

/** Ways an export says "the caller withheld their number". */
const WITHHELD = new Set(["", "withheld", "anonymous", "private", "unavailable", "unknown", "restricted"]);

/** The class of a recording the export gives none (retention: the site's, else the default). */
export const DEFAULT_RETENTION_CLASS = "standard";

/** Calls may start a little "in the future" when the phone system's clock runs fast. */
const FUTURE_ALLOWANCE_MS = 5 * 60 * 1000;

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined ? undefined : v.trim() === "" ? undefined : v.trim()));

const fieldsSchema = z.object({
  callid: z
    .string({ error: "callid is missing" })
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "callid must be 1 to 128 letters, digits, dots, hyphens or underscores"),
  startutc: z
    .string({ error: "startutc is missing" })
    .trim()
    .pipe(z.iso.datetime({ offset: true, error: "startutc must be an ISO 8601 date and time with a zone, for example 2026-11-20T09:15:02Z" })),
  durationseconds: z
    .string({ error: "durationseconds is missing" })
    .trim()
    .regex(/^\d{1,5}$/, "durationseconds must be whole seconds")
    .transform(Number)
    .pipe(z.number().max(86_400, "durationseconds must be at most 86400 (one day)")),
  direction: z
    .string({ error: "direction is missing" })
    .trim()
    .toLowerCase()
    .pipe(z.enum(["inbound", "outbound", "internal"], { error: "direction must be inbound, outbound or internal" })),
  externalnumber: z.string().max(64, "externalnumber is too long").optional(),
  extension: optionalText.pipe(z.string().regex(/^[0-9*#]{1,10}$/, "extension must be 1 to 10 digits").optional()),
  site: z
    .string({ error: "site is missing" })
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "site must be a site id (lower-case letters, digits and hyphens)"),
  staffemail: optionalText.pipe(z.string().max(320).toLowerCase().pipe(z.email("staffemail is not an e-mail address")).optional()),
  retentionclass: optionalText.pipe(
    z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "retentionclass must be lower-case letters, digits and hyphens").optional(),
  ),
});

/**
 * Validates one call's fields against the convention and the policy. The
 * result has every column except the audio ones and `source`.
 */
export function parseCallFields(
  raw: RawCallFields,
  policy: Policy,
  now: Date,
): { ok: true; fields: Omit<CatalogueRow, "source" | "blobName" | "contentType" | "sizeBytes"> } | { ok: false; reason: string } {
  // An empty cell or metadata value means "not given".
  const given: RawCallFields = {};
  for (const key of CALL_FIELDS) {
    const value = raw[key];
    if (typeof value === "string" && value.trim() !== "") given[key] = value;
  }
  const parsed = fieldsSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "");
    // Zod's own wording for a wrong type; ours for everything we described.
    const message = issue.code === "invalid_type" && field ? `${field} is missing` : issue.message;
    return { ok: false, reason: message.startsWith(field) ? message : `${field}: ${message}` };
  }
  const f = parsed.data;
  const startedAt = new Date(f.startutc);
  if (startedAt.getTime() > now.getTime() + FUTURE_ALLOWANCE_MS) return { ok: false, reason: "startutc is in the future" };
  if (!policy.sites.some((s) => s.id === f.site)) return { ok: false, reason: `site "${f.site}" is not in the policy` };
  // An unknown class would quietly fall back to the default retention and
  // could delete a recording years early, so it waits for the policy instead.
  if (f.retentionclass && f.retentionclass !== DEFAULT_RETENTION_CLASS && !(f.retentionclass in policy.retention.classes)) {
    return { ok: false, reason: `retentionclass "${f.retentionclass}" is not in the policy` };
  }

  let externalNumber: string | null = null;
  const dialled = (f.externalnumber ?? "").trim();
  if (!WITHHELD.has(dialled.toLowerCase())) {
    const normalised = tryNormalisePhoneNumber(dialled, "GB");
    if (!normalised) return { ok: false, reason: "externalnumber is not a valid phone number" };
    externalNumber = normalised;
  }

  return {
    ok: true,
    fields: {
      callId: f.callid,
      startedAt,
      durationSeconds: f.durationseconds,
      direction: f.direction.toUpperCase() as "INBOUND" | "OUTBOUND" | "INTERNAL",
      externalNumber,
      extension: f.extension ?? null,
      siteId: f.site,
      staffEmail: f.staffemail ?? null,
      retentionClass: f.retentionclass ?? DEFAULT_RETENTION_CLASS,
    },
  };
}

/** One listed blob as a catalogue row with audio, or the reason it cannot be one. */
export function catalogueEntryFromBlob(item: StoredRecording, policy: Policy, now: Date): EntryResult {
  const name = item.blobName;
  const segments = name.split("/");
  const fileName = segments.at(-1) ?? "";
  const dot = fileName.lastIndexOf(".");
  const extension = dot > 0 ? fileName.slice(dot + 1).toLowerCase() : "";
  const stem = dot > 0 ? fileName.slice(0, dot) : fileName;

  const declared = item.contentType?.split(";")[0]?.trim().toLowerCase();
  const aliased = declared ? (TYPE_ALIASES[declared] ?? declared) : undefined;
  const contentType = aliased && ALLOWED_TYPES.has(aliased) ? aliased : AUDIO_CONTENT_TYPES[extension];
  if (!contentType) return { ok: false, reason: "not a recognised audio file (content type or extension)" };

  const raw: RawCallFields = {};
  for (const key of CALL_FIELDS) raw[key] = item.metadata[key];
  raw.callid ??= stem;
  if (raw.site === undefined && segments.length > 1) raw.site = segments[0];

  const result = parseCallFields(raw, policy, now);
  if (!result.ok) return result;
  return {
    ok: true,
    row: {
      ...result.fields,
      blobName: name,
      contentType,
      sizeBytes: item.sizeBytes === undefined ? null : BigInt(item.sizeBytes),
      source: "BLOB",
    },
  };
}

/** One call-log CSV record (already keyed by convention field) as a row without audio. */
export function catalogueEntryFromCallLog(record: RawCallFields, policy: Policy, now: Date): EntryResult {
  const result = parseCallFields(record, policy, now);
  if (!result.ok) return result;
  return { ok: true, row: { ...result.fields, blobName: null, contentType: null, sizeBytes: null, source: "CALL_LOG" } };
}

/** "Call ID", "call_id" and "callid" all name the same column. */
export function callFieldForHeader(header: string): CallField | undefined {
  const key = header.normalize("NFKC").toLowerCase().replace(/[^a-z0-9]/g, "");
  return (CALL_FIELDS as readonly string[]).includes(key) ? (key as CallField) : undefined;
}
