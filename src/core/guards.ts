/**
 * The guard clauses many commands open with, kept in one place so each
 * command refuses the same way: raw input checked against its zod schema,
 * and DPO-only commands refused with the refusal on record.
 */
import type { z } from "zod";
import { appendAudit } from "./audit/append-audit.ts";
import type { AuditAction } from "./audit/audit-actions.ts";
import type { CoreContext } from "./context.ts";
import { transact } from "./context.ts";
import { AppError } from "./errors.ts";
import { dpoNames, findPerson, isDpo, personByEmail } from "./policy/access.ts";
import type { Person } from "./policy/schema.ts";
import { cleanText, formatZodIssue } from "./validation.ts";

/**
 * The input as the schema reads it (defaults filled, strings trimmed), or
 * INVALID_INPUT for its first problem, naming the top-level field so a form
 * can show the message beside it.
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new AppError("INVALID_INPUT", formatZodIssue(first), String(first.path[0] ?? ""));
  }
  return parsed.data;
}

/** How a command that keeps its own wording records and words a refusal (the audit log does). */
export interface DpoRefusal {
  action: AuditAction;
  subjectType: string;
  /** What was attempted, kept in the entry; never personal data. */
  details: Record<string, unknown>;
  /** Shown instead of "Only the Data Protection Officer (…) can …", to outsiders too. */
  message: string;
}

/**
 * The acting person, if they hold one of the policy's DPO roles. Anyone else
 * is refused, and the refusal is committed to the audit log (in its own
 * transaction) before the error is thrown: an attempt on a DPO-only command
 * must be on record even though nothing else happens. Call it before the
 * command's own transaction.
 *
 * `what` completes "Only the Data Protection Officer (…) can …" ("place holds
 * on recordings"), the FORBIDDEN message for someone in the policy; someone
 * who is not gets NOT_SET_UP, as everywhere else. A command with its own
 * wording and audit entry passes `refusal`.
 */
export async function requireDpo(ctx: CoreContext, actorEmail: string, what: string, refusal?: DpoRefusal): Promise<Person> {
  const person = findPerson(ctx.policy, actorEmail);
  if (person && isDpo(ctx.policy, person)) return person;
  const actor = actorEmail.trim().toLowerCase().slice(0, 320) || "unknown";
  const why = person ? "not a Data Protection Officer" : "not in the policy";
  await transact(ctx, (tx) =>
    appendAudit(tx, {
      at: ctx.clock.now(),
      actor,
      action: refusal?.action ?? "compliance.access.refused",
      subjectType: refusal?.subjectType ?? "compliance",
      details: { ...(refusal?.details ?? { attempted: what }), why },
    }),
  );
  if (refusal) throw new AppError("FORBIDDEN", refusal.message);
  // Someone not in the policy: personByEmail throws its NOT_SET_UP advice.
  if (!person) personByEmail(ctx.policy, actorEmail);
  throw new AppError("FORBIDDEN", `Only the Data Protection Officer (${dpoNames(ctx.policy)}) can ${what}.`);
}

/** The shortest reason worth keeping in the audit log. */
export const MIN_REASON_LENGTH = 5;

/** The reason, cleaned; REASON_REQUIRED (with `prompt` as the message) when it is missing or too short. */
export function requireReason(text: string | undefined, prompt: string): string {
  const reason = cleanText(text ?? "").slice(0, 2_000);
  if (reason.length < MIN_REASON_LENGTH) throw new AppError("REASON_REQUIRED", prompt, "reason");
  return reason;
}
