/**
 * Reading one request with its decisions: shared by the views (read side) and
 * the lifecycle (write side), so neither imports the other for it.
 */
import { Prisma, type Decision, type RecordingRequest } from "../../generated/prisma/client.ts";
import type { Db, Tx } from "../context.ts";
import { AppError } from "../errors.ts";

export type RequestWithDecisions = RecordingRequest & { decisions: Decision[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REFERENCE = /^CG-\d{6,12}$/;

/**
 * Reads "CG-000123" or a request's id. Anything else is refused before it
 * reaches the database (a stray NUL byte would otherwise be a driver error).
 */
export function parseRequestKey(text: string): { id: string } | { reference: string } {
  const key = text.trim().toUpperCase();
  if (UUID.test(key)) return { id: key.toLowerCase() };
  if (REFERENCE.test(key)) return { reference: key };
  throw new AppError("NOT_FOUND", "That is not a request reference. References look like CG-000123.");
}

/**
 * One round trip: the request and its decisions together. Every command,
 * delivery and card refresh reads a request this way, so it is raw SQL (the
 * ORM's two queries and their compilation cost about three times as much).
 */
export async function loadRequest(db: Db | Tx, idOrReference: string): Promise<RequestWithDecisions> {
  const key = parseRequestKey(idOrReference);
  const where = "id" in key ? Prisma.sql`r.id = ${key.id}::uuid` : Prisma.sql`r.reference = ${key.reference}`;
  const [row] = await db.$queryRaw<(RecordingRequest & { decisions: (Omit<Decision, "decidedAt"> & { decidedAt: string })[] })[]>`
    SELECT r.*, COALESCE((SELECT json_agg(d ORDER BY d."decidedAt") FROM "Decision" d WHERE d."requestId" = r.id), '[]'::json) AS decisions
    FROM "RecordingRequest" r WHERE ${where}`;
  if (!row) throw new AppError("NOT_FOUND", `There is no request ${idOrReference.trim().slice(0, 40)}.`);
  return { ...row, decisions: row.decisions.map((d) => ({ ...d, decidedAt: new Date(d.decidedAt) })) };
}
