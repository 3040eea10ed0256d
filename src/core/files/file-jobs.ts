/**
 * Blob work a state change causes (building a PDF, reading audio, zipping,
 * uploading) is written as a FileJob in the change's own transaction and done
 * after commit by runFileJobs, as notices are by the outbox. A transaction
 * then does only database work: it never holds the audit log's lock, which
 * every state change waits on, while storage is slow.
 */
import type { Prisma } from "../../generated/prisma/client.ts";
import type { Tx } from "../context.ts";

/** What a job does; each kind has one handler in run-file-jobs.ts. */
export type FileJobKind = "disclosure-release" | "subject-access-letter" | "subject-access-bundle";

export interface FileJobOrder {
  kind: FileJobKind;
  /** Whom the files are for; told, with the DPO, if the job never succeeds. */
  ownerEmail: string;
  requestId?: string | null;
  /** What the handler needs beyond the request (ids, the actor). */
  payload: Prisma.InputJsonObject;
  /** Not to run before this instant (HELD_UNTIL: held until something releases it, as a bundle waits for archived audio). */
  notBefore?: Date;
}

export async function enqueueFileJob(tx: Tx, at: Date, order: FileJobOrder): Promise<void> {
  await tx.fileJob.create({
    data: { kind: order.kind, ownerEmail: order.ownerEmail, requestId: order.requestId ?? null, payload: order.payload, nextAttemptAt: order.notBefore ?? at, createdAt: at },
  });
}
