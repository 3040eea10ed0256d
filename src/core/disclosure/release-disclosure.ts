/**
 * What fulfilling a disclosure does, called by completeFulfilment (inside its
 * transaction) for disclosure requests only. The recording is released as the
 * form says, either by the usual playback grant (link) or as a zip of the
 * audio file and the form (zip). In this transaction: the checks that storage
 * can do it, the grant (link), and a FileJob; no file is built or stored here,
 * so the audit log's lock is never held across storage. After commit the job
 * (deliver-disclosure-files.ts) fills in the form as a PDF, builds the zip,
 * delivers them to the requester, and marks the disclosure disclosed with the
 * form's SHA-256, all audited.
 */
import type { Recording } from "../../generated/prisma/client.ts";
import type { CoreContext, Tx } from "../context.ts";
import { AppError } from "../errors.ts";
import { enqueueFileJob } from "../files/file-jobs.ts";
import { issuePlaybackGrant } from "../playback/issue-playback-grant.ts";
import { DISCLOSURE_PURPOSE_ID } from "../policy/schema.ts";
import type { RequestWithDecisions } from "../requests/load-request.ts";

export function isDisclosureRequest(request: { purposeId: string }): boolean {
  return request.purposeId === DISCLOSURE_PURPOSE_ID;
}

/** What the release job is told; the rest it reads afresh. */
export interface DisclosureReleasePayload {
  recordingId: string;
  /** Who completed the fulfilment (the last authoriser, a fulfiller, or "system"). */
  actor: string;
  grantId?: string;
}

export async function releaseDisclosure(tx: Tx, ctx: CoreContext, request: RequestWithDecisions, recording: Recording, actor: string, now: Date): Promise<void> {
  const disclosure = await tx.disclosure.findUnique({ where: { requestId: request.id } });
  if (!disclosure) throw new AppError("NOT_FOUND", `Request ${request.reference} has no disclosure form, so nothing can be released.`);
  if (disclosure.disclosedAt) throw new AppError("ALREADY_DONE", `Disclosure ${request.reference} was already released.`);
  const zip = disclosure.releaseMode === "zip";
  // Checked here, so an approval that could never be released changes nothing.
  if (!ctx.files) throw new AppError("STORAGE_ERROR", `Disclosure ${request.reference} cannot be released: Callgate has no file storage for the disclosure form.`);
  if (zip && !ctx.recordings) throw new AppError("STORAGE_ERROR", `Disclosure ${request.reference} cannot be released as a zip: Callgate cannot read recordings here.`);
  if (zip && !recording.blobName) throw new AppError("NOT_FOUND", `The call matched to ${request.reference} has no audio, so it cannot be released as a zip.`);

  // Who completed it stays on the disclosure (the form and its view say it).
  await tx.disclosure.update({ where: { requestId: request.id }, data: { fulfilledBy: actor } });
  const grant = zip ? undefined : await issuePlaybackGrant(tx, ctx, request, recording, actor, now);
  const payload: DisclosureReleasePayload = { recordingId: recording.id, actor, ...(grant ? { grantId: grant.grantId } : {}) };
  await enqueueFileJob(tx, now, { kind: "disclosure-release", ownerEmail: request.requesterEmail, requestId: request.id, payload: { ...payload } });
}
