/**
 * Shared set-up for the recordings tests: a small two-site policy, a real
 * Azurite, a fresh container per test, and blobs uploaded as the phone
 * system would export them.
 */
import { randomBytes } from "node:crypto";
import { ManualClock } from "../../src/core/ports/clock.ts";
import { policySchema, type Policy } from "../../src/core/policy/schema.ts";
import { AzureRecordingStore } from "../../src/infra/blob/azure-recording-store.ts";
import type { RunningAzurite } from "../../src/infra/blob/azurite.ts";
import type { CoreContext } from "../../src/core/context.ts";
import type { Database } from "../../src/infra/db/open-database.ts";

/** "Now" in every recordings test: a Friday afternoon in November. */
export const NOW = new Date("2026-11-20T15:00:00Z");

export function recordingsPolicy(): Policy {
  return policySchema.parse({
    version: 1,
    organisation: { name: "Northfield Learning Trust", timeZone: "Europe/London" },
    sites: [
      { id: "northfield", name: "Northfield Primary Academy" },
      { id: "riverside", name: "Riverside Academy" },
    ],
    roles: [
      { id: "slt", label: "Senior Leadership Team" },
      { id: "principal", label: "Principal", scope: "site" },
      { id: "dpo", label: "Data Protection Officer" },
      { id: "it-manager", label: "IT Manager" },
    ],
    people: [
      { email: "amara.okafor@northfield.example", name: "Amara Okafor", roles: ["slt", "principal"], sites: ["northfield"] },
      { email: "ben.hughes@northfield.example", name: "Ben Hughes", roles: ["slt"], sites: ["northfield"], extensions: ["102"] },
      { email: "carys.evans@northfield.example", name: "Carys Evans", roles: ["dpo"] },
      { email: "dev.patel@northfield.example", name: "Dev Patel", roles: ["it-manager"] },
    ],
    requesting: { roles: ["slt"], maxWindowHours: 24 },
    purposes: [
      { id: "safeguarding", label: "Safeguarding", lawfulBasis: "Article 6(1)(e)", reasonPrompt: "What is the concern?", approvals: [{ anyOf: ["principal"] }] },
    ],
    fulfilment: { mode: "automatic", roles: ["it-manager"] },
    retention: { default: "12 months", classes: { safeguarding: "6 years" } },
    subjectAccess: { ownerRoles: ["dpo"] },
    disclosure: { authoriserRoles: ["dpo"], recorderMayAuthorise: true },
    compliance: { dpoRoles: ["dpo"] },
  });
}

export function coreContext(db: Database, store?: AzureRecordingStore): CoreContext {
  return { db: db.prisma, policy: recordingsPolicy(), clock: new ManualClock(NOW), ...(store ? { recordings: store } : {}) };
}

/** A store on its own fresh container, so tests never see each other's blobs. */
export async function freshStore(azurite: RunningAzurite): Promise<AzureRecordingStore> {
  const store = AzureRecordingStore.fromConnectionString(azurite.connectionString, { containerName: `test-${randomBytes(6).toString("hex")}` });
  await store.ensureContainer();
  return store;
}

export interface ExportedCall {
  callId: string;
  startUtc: string;
  site?: string;
  number?: string;
  direction?: string;
  extension?: string;
  durationSeconds?: number;
  staffEmail?: string;
  ext?: string;
  contentType?: string;
  /** Replaces the metadata entirely (for hostile cases). */
  metadata?: Record<string, string>;
}

/** Uploads one call as the convention says: name, content type, metadata. */
export async function exportCall(store: AzureRecordingStore, call: ExportedCall): Promise<string> {
  const site = call.site ?? "northfield";
  const date = call.startUtc.slice(0, 10).replaceAll("-", "/");
  const blobName = `${site}/${date}/${call.callId}.${call.ext ?? "wav"}`;
  const metadata: Record<string, string> = call.metadata ?? {
    callid: call.callId,
    startutc: call.startUtc,
    durationseconds: String(call.durationSeconds ?? 60),
    direction: call.direction ?? "inbound",
    site,
    ...(call.number !== undefined ? { externalnumber: call.number } : {}),
    ...(call.extension !== undefined ? { extension: call.extension } : {}),
    ...(call.staffEmail !== undefined ? { staffemail: call.staffEmail } : {}),
  };
  await store.upload(blobName, Buffer.from(`audio of ${call.callId}`), { contentType: call.contentType ?? "audio/wav", metadata });
  return blobName;
}
