/**
 * Seeds the demo organisation (policies/demo.yml) with a dozen synthetic
 * recordings, uploaded exactly as the phone system would export them
 * (docs/recording-convention.md), then catalogues them with the real import.
 * So `npm start` on a fresh clone has calls to request and play.
 *
 * Calls fall on weekdays over the 14 days before `now`, in school hours,
 * London time.
 * Numbers come from Ofcom's ranges reserved for drama (020 7946 0xxx,
 * 0113 496 0xxx, ...), so none can belong to anyone. Ofcom's 01632 960xxx and
 * 07700 900xxx drama ranges are not used: libphonenumber-js rejects them as
 * invalid, so the import would (rightly) refuse them.
 *
 * Only a container with nothing in it is seeded, so restarting on another
 * day does not add another dozen calls; an existing blob is never replaced.
 * The import runs either way, so the catalogue always matches the container.
 */
import { subDays } from "date-fns";
import { TZDate } from "@date-fns/tz";
import type { CoreContext } from "../../core/context.ts";
import { normalisePhoneNumber } from "../../core/phone.ts";
import { importBlobListing, type ImportBlobListingResult } from "../../core/recordings/import-blob-listing.ts";
import type { AzureRecordingStore } from "../blob/azure-recording-store.ts";
import { demoBeeps } from "./synthetic-audio.ts";

const TIME_ZONE = "Europe/London";

interface DemoCall {
  daysAgo: number;
  /** Local (London) time the call started, HH:MM. */
  at: string;
  site: "northfield" | "riverside";
  extension: string;
  staffEmail?: string;
  direction: "inbound" | "outbound" | "internal";
  /** As the phone system presents it; absent when withheld or internal. */
  number?: string;
  /** The length of the synthetic audio generated for it, so the catalogue says what the player plays. */
  durationSeconds: number;
  retentionClass?: string;
}

const BEN = "ben.hughes@northfield.example";
const ELLIE = "ellie.shaw@northfield.example";

/** The demo calls. Ben Hughes answers 102 at Northfield; Ellie Shaw 201 at Riverside. */
export const DEMO_CALLS: readonly DemoCall[] = [
  { daysAgo: 1, at: "08:47", site: "northfield", extension: "102", staffEmail: BEN, direction: "inbound", number: "020 7946 0123", durationSeconds: 31 },
  { daysAgo: 1, at: "14:05", site: "riverside", extension: "201", staffEmail: ELLIE, direction: "outbound", number: "0113 496 0457", durationSeconds: 12 },
  { daysAgo: 2, at: "09:30", site: "northfield", extension: "101", direction: "inbound", durationSeconds: 6 },
  { daysAgo: 3, at: "10:12", site: "northfield", extension: "102", staffEmail: BEN, direction: "outbound", number: "0121 496 0789", durationSeconds: 19 },
  { daysAgo: 4, at: "11:45", site: "riverside", extension: "204", direction: "inbound", number: "0161 496 0321", durationSeconds: 26 },
  { daysAgo: 5, at: "15:20", site: "northfield", extension: "105", direction: "internal", durationSeconds: 4 },
  { daysAgo: 6, at: "13:02", site: "riverside", extension: "201", staffEmail: ELLIE, direction: "inbound", number: "029 2018 0654", durationSeconds: 42 },
  { daysAgo: 7, at: "08:15", site: "northfield", extension: "103", direction: "inbound", number: "0117 496 0210", durationSeconds: 8 },
  { daysAgo: 8, at: "16:40", site: "riverside", extension: "207", direction: "outbound", number: "028 9649 6987", durationSeconds: 15 },
  { daysAgo: 10, at: "09:55", site: "northfield", extension: "102", staffEmail: BEN, direction: "inbound", number: "020 7946 0123", durationSeconds: 21 },
  { daysAgo: 12, at: "12:30", site: "riverside", extension: "210", direction: "inbound", number: "0131 496 0555", durationSeconds: 7 },
  { daysAgo: 13, at: "14:50", site: "northfield", extension: "108", direction: "outbound", number: "0808 157 0042", durationSeconds: 12 },
];

export interface SeedDemoRecordingsResult {
  uploaded: number;
  existing: number;
  /** The container already held recordings, so nothing was uploaded. */
  alreadySeeded: boolean;
  import: ImportBlobListingResult;
}

export async function seedDemoRecordings(
  ctx: CoreContext,
  store: AzureRecordingStore,
  options: { now?: Date } = {},
): Promise<SeedDemoRecordingsResult> {
  const now = options.now ?? ctx.clock.now();
  let uploaded = 0;
  let existing = 0;
  const alreadySeeded = (await store.listPage(undefined, 1)).items.length > 0;
  if (!alreadySeeded) {
    for (const [index, call] of DEMO_CALLS.entries()) {
      const { blobName, metadata, tags } = demoBlob(call, index, now);
      const outcome = await store.upload(blobName, demoBeeps(index, call.durationSeconds), { contentType: "audio/wav", metadata, tags });
      if (outcome === "created") uploaded += 1;
      else existing += 1;
    }
  }
  const imported = await importBlobListing(ctx, store, { source: `blob-listing:${store.containerName}`, actor: "system" });
  return { uploaded, existing, alreadySeeded, import: imported };
}

/** Blob name, metadata and index tags for one demo call, per the convention. */
export function demoBlob(call: DemoCall, index: number, now: Date): { blobName: string; metadata: Record<string, string>; tags: Record<string, string> } {
  let day = subDays(new TZDate(now.getTime(), TIME_ZONE), call.daysAgo);
  // Schools are shut at weekends: a Saturday or Sunday call moves to the Friday.
  if (day.getDay() === 6) day = subDays(day, 1);
  if (day.getDay() === 0) day = subDays(day, 2);
  const [hh, mm] = call.at.split(":").map(Number) as [number, number];
  const startedAt = new Date(new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), hh, mm, 17 + index, TIME_ZONE).getTime());
  const iso = startedAt.toISOString().replace(/\.\d{3}Z$/, "Z");
  const [date, time] = iso.slice(0, 19).split("T") as [string, string];
  const prefix = call.site === "northfield" ? "NF" : "RS";
  const callId = `${prefix}-${date.replaceAll("-", "")}-${time.replaceAll(":", "")}-${String(index + 1).padStart(4, "0")}`;
  const blobName = `${call.site}/${date.replaceAll("-", "/")}/${callId}.wav`;

  const metadata: Record<string, string> = {
    callid: callId,
    startutc: iso,
    durationseconds: String(call.durationSeconds),
    direction: call.direction,
    extension: call.extension,
    site: call.site,
  };
  if (call.number) metadata.externalnumber = call.number;
  else if (call.direction !== "internal") metadata.externalnumber = "withheld";
  if (call.staffEmail) metadata.staffemail = call.staffEmail;
  if (call.retentionClass) metadata.retentionclass = call.retentionClass;

  const tags: Record<string, string> = { callid: callId, site: call.site, startutc: iso, direction: call.direction, extension: call.extension };
  if (call.number) tags.externalnumber = normalisePhoneNumber(call.number);
  return { blobName, metadata, tags };
}
