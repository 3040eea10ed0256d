/**
 * The file job of a disclosure release (release-disclosure.ts), run after the
 * fulfilment commits: fills in the disclosure form as a PDF, for a zip release
 * reads the audio and zips it with the form, and hands both to the worker
 * (run-file-jobs.ts) to store. The worker's short transaction then records
 * the files with this job's outcome: the disclosure marked disclosed with the
 * form's SHA-256, and audited.
 */
import { createHash } from "node:crypto";
import type { FileJob, Recording } from "../../generated/prisma/client.ts";
import type { CoreContext } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { buildZip } from "../documents/zip.ts";
import { AppError } from "../errors.ts";
import type { FileToDeliver } from "../files/deliver-file.ts";
import type { FileJobWork } from "../files/run-file-jobs.ts";
import { findPerson } from "../policy/access.ts";
import { loadRequest } from "../requests/load-request.ts";
import { describeAskingParty, disclosureDetails } from "./disclosure-details.ts";
import { findRecipientEntry, recipientCategoryText } from "./permitted-recipients.ts";
import { buildDisclosureForm } from "./disclosure-form.ts";
import type { DisclosureReleasePayload } from "./release-disclosure.ts";

export async function prepareDisclosureFiles(ctx: CoreContext, job: FileJob): Promise<FileJobWork> {
  const { policy } = ctx;
  const payload = job.payload as unknown as DisclosureReleasePayload;
  const request = await loadRequest(ctx.db, job.requestId!);
  const disclosure = await ctx.db.disclosure.findUniqueOrThrow({ where: { requestId: request.id } });
  if (disclosure.disclosedAt) throw new AppError("ALREADY_DONE", `Disclosure ${request.reference} was already released.`);
  const recording = await ctx.db.recording.findUnique({ where: { id: payload.recordingId } });
  if (!recording) throw new AppError("NOT_FOUND", `The call matched to ${request.reference} is no longer in the catalogue, so it cannot be released.`);
  const grant = payload.grantId ? await ctx.db.playbackGrant.findUniqueOrThrow({ where: { id: payload.grantId } }) : undefined;
  const zip = disclosure.releaseMode === "zip";

  const decisions = request.decisions.filter((d) => d.outcome === "APPROVED").sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime());
  const authorisers = decisions.map((d) => {
    const person = findPerson(policy, d.deciderEmail);
    const roles = (person?.roles ?? []).filter((r) => policy.disclosure.authoriserRoles.includes(r)).map((r) => policy.roles.find((role) => role.id === r)?.label ?? r);
    return { name: person?.name ?? d.deciderEmail, roles: roles.join(", ") || "authoriser", decidedAt: d.decidedAt, note: d.note };
  });
  const disclosedAt = ctx.clock.now();
  const recorderName = findPerson(policy, request.requesterEmail)?.name ?? request.requesterEmail;
  // The policy's sole DPO may record and decide an outside party's request; the form and the audit say so.
  const recorderDecided = !disclosure.requestedByEmail && decisions.some((d) => d.deciderEmail === request.requesterEmail);
  const requestedBy = disclosure.requestedByEmail ? `${findPerson(policy, disclosure.requestedByEmail)?.name ?? disclosure.requestedByEmail}, ${policy.organisation.name}` : describeAskingParty(disclosure);
  // And, where the policy lets them (ECS: "the Data Controller who will complete the request"), found the call and completed it too.
  const recorderCompleted = payload.actor === request.requesterEmail;
  const recorderDid = [...(recorderDecided ? ["authorised"] : []), ...(recorderCompleted ? ["completed"] : [])];
  const recordedAndAuthorisedBy = recorderDid.length > 0 ? `requested by ${requestedBy}; recorded${recorderDid.length > 1 ? ", " : " and "}${recorderDid.join(" and ")} by ${recorderName}` : undefined;
  const fulfilledBy = payload.actor === "system" ? "Callgate (the only call matching the details)" : (findPerson(policy, payload.actor)?.name ?? payload.actor);
  const recipient = disclosure.recipientEntryId ? findRecipientEntry(policy.disclosure.permittedRecipients, disclosure.recipientEntryId) : undefined;
  const form = await buildDisclosureForm(policy, {
    reference: request.reference,
    requesterName: recorderName,
    ...(disclosure.requestedByEmail ? { staffRequesterName: findPerson(policy, disclosure.requestedByEmail)?.name ?? disclosure.requestedByEmail } : {}),
    ...(recipient ? { recipient: { label: recipient.label, category: recipientCategoryText(disclosure.recipientCategory), lawfulBasis: recipient.lawfulBasis } } : {}),
    ...(recordedAndAuthorisedBy ? { recordedAndAuthorisedBy } : {}),
    fulfilledBy,
    requestedAt: request.createdAt,
    call: { startedAt: recording.startedAt, number: recording.externalNumber ?? request.externalNumber, extension: recording.extension, callId: recording.callId, durationSeconds: recording.durationSeconds },
    ...disclosureDetails(disclosure),
    linkExpiresAt: grant?.expiresAt,
    authorisers,
    disclosedAt,
  });
  const formSha256 = createHash("sha256").update(form).digest("hex");
  const formName = `${request.reference}-disclosure-form.pdf`;
  const about = { reference: request.reference, askingOrganisation: disclosure.askingOrganisation, recipient: disclosure.recipientName };
  const files: FileToDeliver[] = [{ ownerEmail: request.requesterEmail, kind: "disclosure-form", title: `Disclosure form for ${request.reference}`, fileName: formName, contentType: "application/pdf", body: form, about, requestId: request.id }];
  if (zip) {
    if (!ctx.recordings) throw new AppError("STORAGE_ERROR", `Disclosure ${request.reference} cannot be released as a zip: Callgate cannot read recordings here.`);
    if (!recording.blobName) throw new AppError("NOT_FOUND", `The call matched to ${request.reference} has no audio, so it cannot be released as a zip.`);
    const audio = await ctx.recordings.read(recording.blobName);
    const body = await buildZip([
      { name: `${request.reference}-call${audioExtension(recording)}`, body: audio },
      { name: formName, body: form },
    ]);
    files.push({ ownerEmail: request.requesterEmail, kind: "disclosure-bundle", title: `Recording and disclosure form for ${request.reference}`, fileName: `${request.reference}-disclosure.zip`, contentType: "application/zip", body, about: { ...about, callId: recording.callId }, requestId: request.id });
  }

  return {
    files,
    async record(tx, now, [formFile, bundle]) {
      const { count } = await tx.disclosure.updateMany({ where: { requestId: request.id, disclosedAt: null }, data: { disclosedAt, formSha256 } });
      if (count !== 1) throw new AppError("CONFLICT", `Disclosure ${request.reference} changed while it was being released.`);
      await appendAudit(tx, {
        at: now,
        actor: payload.actor,
        action: "disclosure.released",
        subjectType: "disclosure",
        subjectId: request.id,
        requestId: request.id,
        purposeId: request.purposeId,
        details: {
          ...about,
          releaseMode: zip ? "zip" : "link",
          agreedPurpose: disclosure.disclosurePurpose,
          lawfulBasis: disclosure.lawfulBasis,
          ...(disclosure.recipientEntryId ? { recipientEntryId: disclosure.recipientEntryId, recipientCategory: disclosure.recipientCategory } : {}),
          requestedBy,
          recordedBy: request.requesterEmail,
          ...(recordedAndAuthorisedBy ? { recordedAndAuthorisedBy } : {}),
          fulfilledBy: payload.actor,
          ...(recorderCompleted ? { completedByRecorder: true } : {}),
          recordingId: recording.id,
          callId: recording.callId,
          formSha256,
          formFileId: formFile!.fileId,
          ...(bundle ? { bundleFileId: bundle.fileId } : {}),
          ...(grant ? { grantId: grant.id } : {}),
          authorisedBy: decisions.map((d) => d.deciderEmail),
        },
      });
    },
  };
}

/** ".wav" from the blob's name, else from its content type. */
function audioExtension(recording: Recording): string {
  const fromName = /\.[a-z0-9]{2,5}$/i.exec(recording.blobName ?? "")?.[0];
  if (fromName) return fromName.toLowerCase();
  const byType: Record<string, string> = { "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/ogg": ".ogg" };
  return byType[recording.contentType ?? ""] ?? ".audio";
}

