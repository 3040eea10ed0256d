/**
 * What every core command is given: the world, injected. Built once in the
 * composition root (src/app.ts) or by a test.
 */
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import type { Policy } from "./policy/schema.ts";
import type { AuditAnchoring } from "./ports/audit-anchor-store.ts";
import type { Clock } from "./ports/clock.ts";
import type { FileStore } from "./ports/file-store.ts";
import type { RecordingStore } from "./ports/recording-store.ts";

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;

export interface CoreContext {
  db: Db;
  policy: Policy;
  clock: Clock;
  /** Where audio lives; absent where a command needs no audio. */
  recordings?: RecordingStore;
  /** Where files made for people wait to be fetched; absent where none are made. */
  files?: FileStore;
  /** Signed anchors of the audit chain outside the database; absent where none are kept (most tests). */
  anchoring?: AuditAnchoring;
}

/**
 * Runs one state change and its audit entry as one transaction. Generous
 * waits, because many people acting at once queue for the same rows.
 */
export function transact<T>(ctx: Pick<CoreContext, "db">, work: (tx: Tx) => Promise<T>): Promise<T> {
  return ctx.db.$transaction(work, { maxWait: 15_000, timeout: 30_000 });
}
