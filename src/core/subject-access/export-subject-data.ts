/**
 * Portability (UK GDPR Article 20): every recording and call record held for
 * a subject's numbers, as one zip in commonly used, machine-readable formats
 * (the audio as it was recorded, calls.csv and calls.json), delivered to the
 * DPO by a time-limited link. Everything still held counts, whether or not it
 * is within retention: if Callgate still has it, the subject may have it.
 * The DPO, or the roles `compliance.portabilityRoles` names; audited with masked numbers.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { archiveRetrievalText, askArchivedBack, findArchived } from "../recordings/rehydrate-recording.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { buildZip } from "../documents/zip.ts";
import { AppError } from "../errors.ts";
import { withRefusalAudit } from "../guards.ts";
import { requireCompliancePower } from "../retention/compliance-roles.ts";
import { recordFile, storeThenRecord, type DeliveredFileRef } from "../files/deliver-file.ts";
import { maskPhoneNumber, tryNormalisePhoneNumber } from "../phone.ts";
import { findSubjectRecordings } from "./find-subject-recordings.ts";
import { MAX_ZIP_AUDIO_BYTES, readSubjectAudio, subjectCallsCsv, type SubjectCall } from "./subject-files.ts";

export interface ExportSubjectDataInput {
  actorEmail: string;
  /** The subject's numbers, as typed. */
  numbers: string[];
}

export interface SubjectDataExport extends DeliveredFileRef {
  fileName: string;
  body: Buffer;
  recordings: number;
  callLogs: number;
  maskedNumbers: string[];
}

export async function exportSubjectData(ctx: CoreContext, input: ExportSubjectDataInput): Promise<SubjectDataExport> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "subject-access.refused", command: "export-subject-data" }, () => attemptExportSubjectData(ctx, input));
}

async function attemptExportSubjectData(ctx: CoreContext, input: ExportSubjectDataInput): Promise<SubjectDataExport> {
  const actor = await requireCompliancePower(ctx, input.actorEmail, "portability", "export a subject's data");
  if (!ctx.files) throw new AppError("STORAGE_ERROR", "Callgate has nowhere to keep files for download.");
  if (input.numbers.length === 0) throw new AppError("INVALID_INPUT", "Give at least one phone number.", "numbers");
  if (input.numbers.length > 10) throw new AppError("INVALID_INPUT", "Give at most 10 numbers.", "numbers");
  const numbers: string[] = [];
  input.numbers.forEach((typed, i) => {
    const e164 = tryNormalisePhoneNumber(typed);
    if (!e164) throw new AppError("INVALID_NUMBER", `${input.numbers.length === 1 ? "That" : `Number ${i + 1}`} is not a valid phone number. Write it as you would dial it, for example 020 7946 0001.`, "numbers");
    if (!numbers.includes(e164)) numbers.push(e164);
  });
  const maskedNumbers = numbers.map(maskPhoneNumber);

  const now = ctx.clock.now();
  const found = await findSubjectRecordings(ctx.db, ctx.policy, numbers, now, { withinRetention: false });
  if (found.length === 0) throw new AppError("NOT_FOUND", `Callgate holds no calls for ${maskedNumbers.join(", ")}.`);
  const audioBytes = found.reduce((sum, r) => sum + Number(r.blobName ? (r.sizeBytes ?? 0n) : 0n), 0);
  if (audioBytes > MAX_ZIP_AUDIO_BYTES) throw new AppError("INVALID_INPUT", `The recordings come to more than ${MAX_ZIP_AUDIO_BYTES / 1024 ** 3} GB, too much for one zip file. Export the numbers one at a time, or ask IT to copy the files.`);

  // Archived audio cannot be copied until it is back: ask for it, and say so rather than leave it out.
  const ids = found.map((r) => r.id);
  if ((await findArchived(ctx.db, ids)).length > 0) {
    const archived = await transact(ctx, (tx) => askArchivedBack(tx, ids, actor.email, "subject data export", now));
    throw new AppError("WRONG_STATE", `${archiveRetrievalText(archived.length)} You will be told when ${archived.length === 1 ? "it is" : "they are"} back; run the export again then.`, "archived");
  }
  const calls: SubjectCall[] = found.map((recording, i) => ({ number: i + 1, recording }));
  const audio = await readSubjectAudio(ctx, ctx.policy, calls);
  const audioNames = new Map(audio.map((a) => [a.recordingId, `recordings/${a.name}`]));
  const csv = subjectCallsCsv(ctx.policy, calls, numbers, audioNames);
  const json = JSON.stringify(
    {
      organisation: ctx.policy.organisation.name,
      exportedAt: now.toISOString(),
      numbers,
      calls: calls.map(({ number, recording }) => ({
        item: number,
        callId: recording.callId,
        startedAt: recording.startedAt.toISOString(),
        durationSeconds: recording.durationSeconds,
        direction: recording.direction.toLowerCase(),
        number: recording.externalNumber && numbers.includes(recording.externalNumber) ? recording.externalNumber : maskPhoneNumber(recording.externalNumber),
        extension: recording.extension,
        site: ctx.policy.sites.find((s) => s.id === recording.siteId)?.name ?? recording.siteId,
        recordingFile: audioNames.get(recording.id) ?? null,
      })),
    },
    null,
    2,
  );
  const body = await buildZip([...audio.map((a) => ({ name: `recordings/${a.name}`, body: a.body })), { name: "calls.csv", body: Buffer.from(csv, "utf8") }, { name: "calls.json", body: Buffer.from(json, "utf8") }]);
  const fileName = `subject-data-${now.toISOString().slice(0, 10)}.zip`;
  const recordings = audio.length;
  const callLogs = found.length - recordings;

  const file = { ownerEmail: actor.email, kind: "portability", title: "Subject data export", fileName, contentType: "application/zip", body, about: { maskedNumbers } };
  const ref = await storeThenRecord(ctx, [file], async (tx, at, [stored]) => {
    const delivered = await recordFile(tx, at, stored!);
    await appendAudit(tx, {
      at: now,
      actor: actor.email,
      action: "subject-data.exported",
      subjectType: "file",
      subjectId: delivered.fileId,
      details: { maskedNumbers, recordings, callLogs, fileName },
    });
    return delivered;
  });
  return { ...ref, fileName, body, recordings, callLogs, maskedNumbers };
}
