/**
 * An erasure request as the DPO sees it: which numbers (masked), why, who
 * proposed and who decided, and what was deleted or kept.
 */
import type { ErasureRequest, ErasureStatus } from "../../generated/prisma/client.ts";
import type { Db, Tx } from "../context.ts";
import { AppError } from "../errors.ts";
import { formatDateTime } from "../format.ts";
import { findPerson } from "../policy/access.ts";
import type { Policy } from "../policy/schema.ts";
import { parseReference } from "../references.ts";

export interface ErasureView {
  id: string;
  reference: string;
  status: ErasureStatus;
  statusText: string;
  maskedNumbers: string[];
  reason: string;
  requestedBy: { email: string; name: string };
  createdAtText: string;
  decidedBy: { email: string; name: string } | null;
  decidedAtText: string | null;
  /** Listed for deletion when proposed. */
  listedCount: number;
  deletedCount: number;
  heldCount: number;
}

const STATUS_TEXT: Record<ErasureStatus, string> = {
  PROPOSED: "Proposed: waiting for a DPO to confirm",
  CONFIRMED: "Confirmed: recordings deleted",
  CANCELLED: "Cancelled: nothing deleted",
};

/**
 * An erasure request without its recording ids. PGlite's Prisma adapter cannot
 * read a uuid[] column back, so every query omits it and readListedIds reads it as text[].
 */
export type ErasureRow = Omit<ErasureRequest, "recordingIds">;
export const OMIT_IDS = { recordingIds: true } as const;

export function buildErasureView(policy: Policy, row: ErasureRow, listedCount: number): ErasureView {
  const tz = policy.organisation.timeZone;
  const who = (email: string) => ({ email, name: findPerson(policy, email)?.name ?? email });
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    statusText: STATUS_TEXT[row.status],
    maskedNumbers: row.maskedNumbers,
    reason: row.reason,
    requestedBy: who(row.requestedBy),
    createdAtText: formatDateTime(row.createdAt, tz),
    decidedBy: row.decidedBy ? who(row.decidedBy) : null,
    decidedAtText: row.decidedAt ? formatDateTime(row.decidedAt, tz) : null,
    listedCount,
    deletedCount: row.deletedCount,
    heldCount: row.heldCount,
  };
}

/** Reads "ERA-000003", "era-3" or "ERA 3"; NOT_FOUND for anything else. */
export function parseErasureReference(text: string): string {
  const reference = parseReference("ERA", text);
  if (!reference) throw new AppError("NOT_FOUND", `"${text.trim().slice(0, 40)}" is not an erasure reference. Erasure references look like ERA-000003.`);
  return reference;
}

export async function loadErasure(db: Db | Tx, reference: string): Promise<{ row: ErasureRow; recordingIds: string[] }> {
  const row = await db.erasureRequest.findUnique({ where: { reference: parseErasureReference(reference) }, omit: OMIT_IDS });
  if (!row) throw new AppError("NOT_FOUND", `There is no erasure request ${parseErasureReference(reference)}.`);
  return { row, recordingIds: await readListedIds(db, row.id) };
}

/** The recordings listed at the proposal. */
export async function readListedIds(db: Db | Tx, erasureId: string): Promise<string[]> {
  const [found] = await db.$queryRaw<{ ids: string[] }[]>`SELECT "recordingIds"::text[] AS ids FROM "ErasureRequest" WHERE id = ${erasureId}::uuid`;
  return found?.ids ?? [];
}
