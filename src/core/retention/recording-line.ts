/**
 * One recording as a line for the DPO in a list of what will be deleted or
 * kept: when, which way, the masked number, where, audio or log only.
 */
import type { Recording } from "../../generated/prisma/client.ts";
import { formatDateTime } from "../format.ts";
import { maskPhoneNumber } from "../phone.ts";
import type { Policy } from "../policy/schema.ts";

export interface RecordingLine {
  recordingId: string;
  callId: string;
  /** "Fri 20 Nov 2026, 14:30 · incoming · +44 ••••••••001 · North Academy · audio" */
  text: string;
  /** Why it is kept (holds, open requests), when it is. */
  keptBecause: string[];
}

type LineFields = Pick<Recording, "id" | "callId" | "startedAt" | "direction" | "externalNumber" | "siteId" | "blobName">;

export function recordingLine(policy: Policy, r: LineFields, keptBecause: string[] = []): RecordingLine {
  const site = policy.sites.find((s) => s.id === r.siteId)?.name ?? r.siteId ?? "no site";
  const parts = [formatDateTime(r.startedAt, policy.organisation.timeZone), r.direction.toLowerCase(), maskPhoneNumber(r.externalNumber), site, r.blobName ? "audio" : "call log only"];
  return { recordingId: r.id, callId: r.callId, text: parts.join(" · "), keptBecause };
}
