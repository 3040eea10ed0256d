/**
 * The file job a close enqueues when no bundle's covering letter already says
 * how the request was answered (close-subject-access.ts, needsOutcomeLetter):
 * builds the outcome letter to the subject and hands it to the worker
 * (run-file-jobs.ts), which stores it and delivers it to whoever closed the
 * request, to check and send. The worker's transaction records it on the
 * request's audit trail.
 */
import type { FileJob } from "../../generated/prisma/client.ts";
import type { CoreContext } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { todayIn } from "../calendar.ts";
import type { FileJobWork } from "../files/run-file-jobs.ts";
import { findPerson } from "../policy/access.ts";
import { buildOutcomeLetter, signerRole } from "./subject-access-letter.ts";
import { loadSubjectAccess } from "./subject-access-view.ts";

export interface SubjectAccessLetterPayload {
  subjectAccessId: string;
}

export async function prepareSubjectAccessLetter(ctx: CoreContext, job: FileJob): Promise<FileJobWork> {
  const { policy } = ctx;
  const payload = job.payload as unknown as SubjectAccessLetterPayload;
  const sar = await loadSubjectAccess(ctx.db, payload.subjectAccessId);
  const signer = findPerson(policy, job.ownerEmail);
  const closedOn = todayIn(policy.organisation.timeZone, sar.closedAt ?? ctx.clock.now());
  const body = await buildOutcomeLetter({
    policy,
    sar,
    found: sar.items.length,
    withheld: sar.items.filter((i) => i.withheld).length,
    signedBy: { name: signer?.name ?? job.ownerEmail, role: signer ? signerRole(policy, signer) : "Data Protection Officer" },
    today: closedOn,
  });
  const what = sar.status === "REFUSED" ? "refusal" : sar.status === "PARTIALLY_REFUSED" ? "partial-refusal" : "response";
  return {
    files: [
      {
        ownerEmail: job.ownerEmail,
        kind: "sar-outcome-letter",
        title: `Letter to the subject for ${sar.reference}`,
        fileName: `${sar.reference}-${what}-letter.pdf`,
        contentType: "application/pdf",
        body,
        about: { subjectAccess: sar.reference, status: sar.status },
      },
    ],
    async record(tx, now, delivered) {
      await appendAudit(tx, {
        at: now,
        actor: "system",
        action: "subject-access.letter-prepared",
        subjectType: "subject-access",
        subjectId: sar.id,
        details: { reference: sar.reference, status: sar.status, outputs: sar.outputs, for: job.ownerEmail, fileId: delivered[0]!.fileId },
      });
    },
  };
}
