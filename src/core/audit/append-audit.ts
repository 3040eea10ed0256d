/**
 * Appends to the hash-chained audit log. Always called inside the transaction
 * that makes the change it records, so either both commit or neither does.
 */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { Tx } from "../context.ts";
import type { AuditAction } from "./audit-actions.ts";
import { maskPhoneNumbersInText } from "../phone.ts";

/** What an audit entry says. Never audio, never a full phone number. */
export interface AuditInput {
  /** E-mail of the person who acted, or "system" for scheduled jobs. */
  actor: string;
  /** Dotted verb, e.g. "request.submitted"; only those listed in audit-actions.ts. */
  action: AuditAction;
  subjectType: string;
  subjectId?: string | null;
  requestId?: string | null;
  purposeId?: string | null;
  details?: Record<string, unknown>;
  at: Date;
}

export const GENESIS_HASH = "GENESIS";

/** The fields a hash commits to, in a canonical form that survives a round trip through jsonb. */
export function hashEntry(entry: {
  seq: bigint;
  at: Date;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  requestId: string | null;
  purposeId: string | null;
  details: unknown;
  prevHash: string;
}): string {
  // Name each field: a row read back carries more (its own hash) than was hashed.
  const body = canonicalize({
    seq: entry.seq.toString(),
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    requestId: entry.requestId,
    purposeId: entry.purposeId,
    details: entry.details,
    prevHash: entry.prevHash,
  });
  return createHash("sha256").update(body ?? "").digest("hex");
}

export async function appendAudit(tx: Tx, input: AuditInput): Promise<{ seq: bigint; hash: string }> {
  // Taking the head row's lock serialises writers, so the chain has one order.
  // Raw SQL on this hot path: every state change in Callgate passes through it
  // while holding that lock, and the ORM's per-query cost would lengthen the hold.
  const [head] = await tx.$queryRaw<{ seq: bigint; hash: string }[]>`
    UPDATE "AuditHead" SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`;
  if (!head) throw new Error("The audit log has no head row; the database was not migrated.");
  const details = maskFreeText(JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>);
  const entry = {
    seq: BigInt(head.seq),
    at: input.at,
    actor: input.actor,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId ?? null,
    requestId: input.requestId ?? null,
    purposeId: input.purposeId ?? null,
    details,
    prevHash: head.hash,
  };
  const hash = hashEntry(entry);
  await tx.$executeRaw`
    WITH entry AS (
      INSERT INTO "AuditEntry" (seq, at, actor, action, "subjectType", "subjectId", "requestId", "purposeId", details, "prevHash", hash)
      VALUES (${entry.seq}, ${entry.at}, ${entry.actor}, ${entry.action}, ${entry.subjectType}, ${entry.subjectId},
              ${entry.requestId}::uuid, ${entry.purposeId}, ${JSON.stringify(details)}::jsonb, ${entry.prevHash}, ${hash})
      RETURNING hash)
    UPDATE "AuditHead" SET hash = (SELECT hash FROM entry) WHERE id = 1`;
  return { seq: entry.seq, hash };
}

/**
 * Detail keys whose values are text someone typed (reasons, notes, form
 * fields). Commands keep what was typed where the product needs it (an
 * authoriser reads the request's reason as written), but the audit log is
 * copied, exported and kept for years, so a phone number in such text is
 * masked here, at the one door every entry passes through.
 */
const FREE_TEXT_KEYS = new Set([
  "reason",
  "note",
  "parties",
  "clarification",
  "identityVerification",
  "subjectName",
  "askingOrganisation",
  "askingPerson",
  "onBehalfOf",
  "lawfulBasis",
  "recipient",
  "recipientJobTitle",
  "disclosurePurpose",
]);

function maskFreeText(details: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(details)) {
    if (typeof value === "string" && FREE_TEXT_KEYS.has(key)) details[key] = maskPhoneNumbersInText(value);
  }
  return details;
}
