/**
 * The guard clauses many commands open with, kept in one place so each
 * command refuses the same way: raw input checked against its zod schema,
 * DPO-only commands refused with the refusal on record, and every other
 * refusal of a known person put on record by withRefusalAudit.
 */
import type { z } from "zod";
import { appendAudit } from "./audit/append-audit.ts";
import type { AuditAction } from "./audit/audit-actions.ts";
import type { CoreContext } from "./context.ts";
import { transact } from "./context.ts";
import { AppError, isAppError, type ErrorCode } from "./errors.ts";
import { dpoNames, findPerson, isDpo, personByEmail } from "./policy/access.ts";
import type { Person } from "./policy/schema.ts";
import { cardPaymentRoute } from "./policy/routes.ts";
import { CARD_NUMBER_MESSAGE, cleanFreeText, formatZodIssue } from "./validation.ts";

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
  if (refusal) throw onRecord(new AppError("FORBIDDEN", refusal.message));
  // Someone not in the policy: personByEmail throws its NOT_SET_UP advice.
  if (!person) personByEmail(ctx.policy, actorEmail);
  throw onRecord(new AppError("FORBIDDEN", `Only the Data Protection Officer (${dpoNames(ctx.policy)}) can ${what}.`));
}

/**
 * Codes that are no refusal of the person who acted: a race to retry
 * (CONFLICT), someone not in the policy (NOT_SET_UP: withRefusalAudit keeps
 * no entry under an address nobody vouches for; requireDpo alone still
 * records DPO-only attempts by anyone), and faults of the system. Every other code is a
 * refusal, input mistakes included (INVALID_INPUT, INVALID_NUMBER,
 * REASON_*, DATE_*): Callgate said no, and a typed card number, a probe of
 * someone else's request and a typo all look alike until the DPO reads them.
 */
const NOT_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["CONFLICT", "NOT_SET_UP", "POLICY_INVALID", "CONFIG_INVALID", "DATABASE_BEHIND", "STORAGE_ERROR"]);

/** Whether an AppError code counts as a refusal, to be audited (see NOT_REFUSALS for the rule). */
export function isRefusalCode(code: ErrorCode): boolean {
  return !NOT_REFUSALS.has(code);
}

/** Errors whose refusal is already on record, so an outer command (or requireDpo) does not record it twice. */
const recorded = new WeakSet<AppError>();

function onRecord(error: AppError): AppError {
  recorded.add(error);
  return error;
}

/** The audit actions withRefusalAudit writes, one per area. */
export type RefusalAction = Extract<
  AuditAction,
  | "request.refused"
  | "decision.refused"
  | "fulfilment.refused"
  | "extension.refused"
  | "grant.refused"
  | "disclosure.refused"
  | "subject-access.refused"
  | "covert.refused"
  | "hold.refused"
  | "erasure.refused"
  | "retention.refused"
  | "playback.refused"
  | "breach.refused"
>;

/** What withRefusalAudit records of an attempt. Never the typed values: they may be what was refused. */
export interface RefusalAudit {
  /** Who acted, as the adapter resolved them; audited only if the policy knows them. */
  actorEmail: string | null | undefined;
  action: RefusalAction;
  /** The command attempted, e.g. "record-decision". */
  command: string;
  /** The request concerned, when known; kept only if it is a UUID (a typed id may be anything). */
  requestId?: string | null;
  /** The reference the person named (CG-, SAR-, HOLD-, ERA-, COV-), when there is one. */
  reference?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs a command and, if it refuses a person in the policy (an AppError whose
 * code isRefusalCode), commits `<area>.refused` with the actor, the command,
 * the code and field, and the request or reference when known, then rethrows
 * the same error. The command's own transaction has rolled back by then, so
 * the refusal is the only thing written, in a transaction of its own.
 * Someone not in the policy is not audited under the address they typed (the
 * edge logs the error); an error already on record is not recorded again.
 */
export async function withRefusalAudit<T>(ctx: CoreContext, refusal: RefusalAudit, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (thrown) {
    if (!isAppError(thrown) || !isRefusalCode(thrown.code) || recorded.has(thrown)) throw thrown;
    // Someone typed a card number: tell them where card payments go instead, if the policy says.
    const error = thrown.message === CARD_NUMBER_MESSAGE && cardPaymentRoute(ctx.policy) ? new AppError(thrown.code, thrown.message + cardPaymentRoute(ctx.policy), thrown.field, { cause: thrown }) : thrown;
    const person = typeof refusal.actorEmail === "string" ? findPerson(ctx.policy, refusal.actorEmail) : undefined;
    if (!person) throw error;
    const requestId = typeof refusal.requestId === "string" && UUID.test(refusal.requestId) ? refusal.requestId : null;
    const reference = typeof refusal.reference === "string" ? cleanReference(refusal.reference) : undefined;
    await transact(ctx, (tx) =>
      appendAudit(tx, {
        at: ctx.clock.now(),
        actor: person.email,
        action: refusal.action,
        subjectType: refusal.action.slice(0, refusal.action.indexOf(".")),
        subjectId: requestId,
        requestId,
        details: { command: refusal.command, code: error.code, ...(error.field ? { field: error.field } : {}), ...(reference ? { reference } : {}) },
      }),
    );
    throw onRecord(error);
  }
}

/** A reference as typed, kept only if it reads like one (letters, digits, hyphens), so free text never rides along. */
function cleanReference(text: string): string | undefined {
  const trimmed = text.trim().toUpperCase().slice(0, 40);
  return /^[A-Z0-9-]+$/.test(trimmed) ? trimmed : undefined;
}

/** The shortest reason worth keeping in the audit log. */
export const MIN_REASON_LENGTH = 5;

/**
 * The reason, cleaned; REASON_REQUIRED (with `prompt` as the message) when it
 * is missing or too short, INVALID_INPUT when it holds a card number.
 */
export function requireReason(text: string | undefined, prompt: string): string {
  const reason = cleanFreeText(text ?? "", "reason").slice(0, 2_000);
  if (reason.length < MIN_REASON_LENGTH) throw new AppError("REASON_REQUIRED", prompt, "reason");
  return reason;
}
