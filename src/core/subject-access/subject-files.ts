/**
 * The pieces of a bundle for a data subject, shared by subject access
 * bundles and portability exports: audio file names, the audio itself, and
 * the metadata CSV. In these files (and only here) the subject's own numbers
 * appear in full: they are the subject's data. Any other number is masked.
 */
import { extname } from "node:path";
import type { CoreContext } from "../context.ts";
import { toCsv } from "../documents/csv.ts";
import { AppError } from "../errors.ts";
import { formatTime } from "../format.ts";
import { formatPhoneNumber, maskPhoneNumber } from "../phone.ts";
import type { Policy } from "../policy/schema.ts";
import { format } from "date-fns";
import { TZDate } from "@date-fns/tz";
import type { SubjectRecording } from "./find-subject-recordings.ts";

/** Audio kept in one zip at most; larger sets go as separate downloads. */
export const MAX_ZIP_AUDIO_BYTES = 1024 * 1024 * 1024;

const EXTENSIONS: Record<string, string> = { "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/wave": ".wav", "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/ogg": ".ogg", "audio/opus": ".opus" };

export interface SubjectCall {
  /** 1-based position in the list the subject is sent. */
  number: number;
  recording: SubjectRecording;
}

/** "003-2026-11-19-1430-call-123.wav": sortable, and free of anything a file system dislikes. */
export function audioFileName(policy: Policy, call: SubjectCall): string {
  const { recording } = call;
  const when = format(new TZDate(recording.startedAt, policy.organisation.timeZone), "yyyy-MM-dd-HHmm");
  const fromBlob = recording.blobName ? extname(recording.blobName).toLowerCase() : "";
  const extension = /^\.[a-z0-9]{2,5}$/.test(fromBlob) ? fromBlob : (EXTENSIONS[recording.contentType ?? ""] ?? ".audio");
  const callId = recording.callId.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 60);
  return `${String(call.number).padStart(3, "0")}-${when}-${callId}${extension}`;
}

/** A number as the subject sees it: in full if it is theirs, masked otherwise. */
export function numberForSubject(e164: string | null, subjectNumbers: readonly string[]): string {
  if (!e164) return "withheld";
  return subjectNumbers.includes(e164) ? (formatPhoneNumber(e164) ?? e164) : maskPhoneNumber(e164);
}

/** One row per call: what the subject is told about each one. */
export function subjectCallsCsv(policy: Policy, calls: readonly SubjectCall[], subjectNumbers: readonly string[], audioNames: ReadonlyMap<string, string>): string {
  const timeZone = policy.organisation.timeZone;
  const rows = calls.map(({ number, recording }) => [
    number,
    recording.callId,
    format(new TZDate(recording.startedAt, timeZone), "dd/MM/yyyy"),
    formatTime(recording.startedAt, timeZone),
    recording.durationSeconds,
    recording.direction === "INBOUND" ? "You called us" : recording.direction === "OUTBOUND" ? "We called you" : "Internal",
    numberForSubject(recording.externalNumber, subjectNumbers),
    recording.extension,
    policy.sites.find((s) => s.id === recording.siteId)?.name ?? recording.siteId,
    audioNames.get(recording.id) ?? "No recording (call record only)",
  ]);
  return toCsv(["Item", "Call reference", "Date", "Time", "Length (seconds)", "Direction", "Your number", "Our extension", "Site", "Recording file"], rows);
}

/** Reads the audio of each call that has some; refuses clearly when storage is missing. */
export async function readSubjectAudio(ctx: CoreContext, policy: Policy, calls: readonly SubjectCall[]): Promise<{ name: string; recordingId: string; body: Buffer }[]> {
  const withAudio = calls.filter((c) => c.recording.blobName);
  if (withAudio.length === 0) return [];
  if (!ctx.recordings) throw new AppError("STORAGE_ERROR", "Callgate cannot reach the recordings store, so the audio cannot be bundled.");
  const files: { name: string; recordingId: string; body: Buffer }[] = [];
  for (const call of withAudio) {
    try {
      files.push({ name: audioFileName(policy, call), recordingId: call.recording.id, body: await ctx.recordings.read(call.recording.blobName!) });
    } catch (error) {
      throw new AppError("STORAGE_ERROR", `The audio for call ${call.recording.callId} could not be read from storage. Nothing was sent; try again, or ask IT to check the recordings store.`, undefined, { cause: error });
    }
  }
  return files;
}
