/**
 * Human references for the records people quote to each other: CG-000123 for
 * a request, SAR-000004 for a subject access request, and so on. Each comes
 * from its own PostgreSQL sequence, inside the caller's transaction.
 */
import type { Tx } from "./context.ts";

const SEQUENCES = {
  CG: "request_reference_seq",
  SAR: "sar_reference_seq",
  HOLD: "hold_reference_seq",
  ERA: "erasure_reference_seq",
  COV: "covert_reference_seq",
  BRE: "breach_reference_seq",
} as const;

export type ReferencePrefix = keyof typeof SEQUENCES;

export async function nextReference(tx: Tx, prefix: ReferencePrefix): Promise<string> {
  // The sequence name comes from the fixed table above, never from input.
  const [row] = await tx.$queryRawUnsafe<{ n: bigint }[]>(`SELECT nextval('"${SEQUENCES[prefix]}"') AS n`);
  return `${prefix}-${String(row!.n).padStart(6, "0")}`;
}

/** Reads "sar-4", "SAR-000004" or "SAR 4" as SAR-000004; undefined if it is not one. */
export function parseReference(prefix: ReferencePrefix, text: string): string | undefined {
  const match = new RegExp(`^\\s*${prefix}[-\\s]?0*(\\d{1,9})\\s*$`, "i").exec(text);
  return match ? `${prefix}-${match[1]!.padStart(6, "0")}` : undefined;
}
