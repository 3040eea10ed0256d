/**
 * The edge where AppError codes become words for the person who acted. The
 * core's messages are already plain British English written for them; this
 * adds the lead-in and hides what they cannot act on (deployment problems,
 * Teams' own failures) behind a sentence with a reference for the
 * administrator.
 */
import { randomBytes } from "node:crypto";
import { isAppError, type ErrorCode } from "../../core/errors.ts";

const NOTHING_CHANGED = "Nothing was changed.";
const LEAD: Partial<Record<ErrorCode, string>> = {
  ALREADY_DECIDED: NOTHING_CHANGED,
  ALREADY_DONE: NOTHING_CHANGED,
  APPROVAL_NOT_NEEDED: NOTHING_CHANGED,
  SELF_APPROVAL: NOTHING_CHANGED,
  CONFLICT_OF_INTEREST: NOTHING_CHANGED,
  FORBIDDEN: NOTHING_CHANGED,
  CONFLICT: NOTHING_CHANGED,
  NOT_SET_UP: "Sorry:",
};

/** Codes about the deployment, not the person's action. */
const INTERNAL: ReadonlySet<ErrorCode> = new Set(["POLICY_INVALID", "CONFIG_INVALID", "DATABASE_BEHIND", "STORAGE_ERROR"]);

export function isUserFacing(error: unknown): boolean {
  return isAppError(error) && !INTERNAL.has(error.code);
}

/** A short id to find the log line of a failure the person was not shown. */
export function errorReference(): string {
  return `TM-${randomBytes(4).toString("hex").toUpperCase()}`;
}

export function friendlyMessage(error: unknown, reference: string): string {
  if (isUserFacing(error) && isAppError(error)) {
    const lead = LEAD[error.code];
    return lead ? `${lead} ${error.message}` : error.message;
  }
  return `Something went wrong on our side and nothing was changed. Please try again in a minute; if it keeps happening, give your administrator the reference ${reference}.`;
}
