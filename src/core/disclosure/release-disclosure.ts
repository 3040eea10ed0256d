/**
 * What fulfilling a disclosure produces, called by completeFulfilment (inside
 * its transaction) for disclosure requests only: the filled disclosure form as
 * a PDF for the requester, and the recording released as the form says,
 * either by the usual playback grant (link) or as a zip of the audio file and
 * the form (zip). The disclosure is marked disclosed, with the form's
 * SHA-256, and every part is in the audit log.
 */
import { createHash } from "node:crypto";
import type { Recording } from "../../generated/prisma/client.ts";
import type { CoreContext, Tx } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { buildZip } from "../documents/zip.ts";
import { AppError } from "../errors.ts";
import { deliverFile } from "../files/deliver-file.ts";
import { issuePlaybackGrant } from "../playback/issue-playback-grant.ts";
import { findPerson } from "../policy/access.ts";
import { DISCLOSURE_PURPOSE_ID } from "../policy/schema.ts";
import type { RequestWithDecisions } from "../requests/request-view.ts";
import { disclosureDetails } from "./disclosure-details.ts";
import { buildDisclosureForm } from "./disclosure-form.ts";

export function isDisclosureRequest(request: { purposeId: string }): boolean {
  return request.purposeId === DISCLOSURE_PURPOSE_ID;
}

export async function releaseDisclosure(tx: Tx, ctx: CoreContext, request: RequestWithDecisions, recording: Recording, actor: string, now: Date): Promise<void> {
  const { policy } = ctx;
  const disclosure = await tx.disclosure.findUnique({ where: { requestId: request.id } });
  if (!disclosure) throw new AppError("NOT_FOUND", `Request ${request.reference} has no disclosure form, so nothing can be released.`);
  if (disclosure.disclosedAt) throw new AppError("ALREADY_DONE", `Disclosure ${request.reference} was already released.`);
  const zip = disclosure.releaseMode === "zip";
  if (!ctx.files) throw new AppError("STORAGE_ERROR", `Disclosure ${request.reference} cannot be released: Callgate has no file storage for the disclosure form.`);
  if (zip && !ctx.recordings) throw new AppError("STORAGE_ERROR", `Disclosure ${request.reference} cannot be released as a zip: Callgate cannot read recordings here.`);
  if (zip && !recording.blobName) throw new AppError("NOT_FOUND", `The call matched to ${request.reference} has no audio, so it cannot be released as a zip.`);

  // Read the decisions afresh: the approval that completed authorisation is in this transaction, not in `request`.
  const decisions = await tx.decision.findMany({ where: { requestId: request.id, outcome: "APPROVED" }, orderBy: { decidedAt: "asc" } });
  const authorisers = decisions.map((d) => {
    const person = findPerson(policy, d.deciderEmail);
    const roles = (person?.roles ?? []).filter((r) => policy.disclosure.authoriserRoles.includes(r)).map((r) => policy.roles.find((role) => role.id === r)?.label ?? r);
    return { name: person?.name ?? d.deciderEmail, roles: roles.join(", ") || "authoriser", decidedAt: d.decidedAt };
  });

  const grant = zip ? undefined : await issuePlaybackGrant(tx, ctx, request, recording, actor, now);
  const form = await buildDisclosureForm(policy, {
    reference: request.reference,
    requesterName: findPerson(policy, request.requesterEmail)?.name ?? request.requesterEmail,
    requestedAt: request.createdAt,
    call: { startedAt: recording.startedAt, number: recording.externalNumber ?? request.externalNumber, extension: recording.extension, callId: recording.callId, durationSeconds: recording.durationSeconds },
    ...disclosureDetails(disclosure),
    linkExpiresAt: grant?.expiresAt,
    authorisers,
    disclosedAt: now,
  });
  const formSha256 = createHash("sha256").update(form).digest("hex");
  const formName = `${request.reference}-disclosure-form.pdf`;
  const about = { reference: request.reference, askingOrganisation: disclosure.askingOrganisation, recipient: disclosure.recipientName };
  const formFile = await deliverFile(ctx, { ownerEmail: request.requesterEmail, kind: "disclosure-form", title: `Disclosure form for ${request.reference}`, fileName: formName, contentType: "application/pdf", body: form, about, requestId: request.id }, tx);

  let bundleFileId: string | undefined;
  if (zip) {
    const audio = await ctx.recordings!.read(recording.blobName!);
    const body = await buildZip([
      { name: `${request.reference}-call${audioExtension(recording)}`, body: audio },
      { name: formName, body: form },
    ]);
    const bundle = await deliverFile(
      ctx,
      { ownerEmail: request.requesterEmail, kind: "disclosure-bundle", title: `Recording and disclosure form for ${request.reference}`, fileName: `${request.reference}-disclosure.zip`, contentType: "application/zip", body, about: { ...about, callId: recording.callId }, requestId: request.id },
      tx,
    );
    bundleFileId = bundle.fileId;
  }

  const { count } = await tx.disclosure.updateMany({ where: { requestId: request.id, disclosedAt: null }, data: { disclosedAt: now, formSha256 } });
  if (count !== 1) throw new AppError("CONFLICT", `Disclosure ${request.reference} changed while it was being released. Please look again.`);
  await appendAudit(tx, {
    at: now,
    actor,
    action: "disclosure.released",
    subjectType: "disclosure",
    subjectId: request.id,
    requestId: request.id,
    purposeId: request.purposeId,
    details: {
      ...about,
      releaseMode: zip ? "zip" : "link",
      lawfulBasis: disclosure.lawfulBasis,
      recordingId: recording.id,
      callId: recording.callId,
      formSha256,
      formFileId: formFile.fileId,
      ...(bundleFileId ? { bundleFileId } : {}),
      ...(grant ? { grantId: grant.grantId } : {}),
      authorisedBy: decisions.map((d) => d.deciderEmail),
    },
  });
}

/** ".wav" from the blob's name, else from its content type. */
function audioExtension(recording: Recording): string {
  const fromName = /\.[a-z0-9]{2,5}$/i.exec(recording.blobName ?? "")?.[0];
  if (fromName) return fromName.toLowerCase();
  const byType: Record<string, string> = { "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/ogg": ".ogg" };
  return byType[recording.contentType ?? ""] ?? ".audio";
}
