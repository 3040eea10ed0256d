/**
 * The edge where AppError codes become words for the person who acted. The
 * core's messages are already plain British English written for them; this
 * adds the lead-in and hides what they cannot act on (deployment problems,
 * Slack's own failures) behind a generic sentence with a reference for the
 * administrator.
 */
import { isAppError, type ErrorCode } from "../../core/errors.ts";

const LEAD: Partial<Record<ErrorCode, string>> = {
  ALREADY_DECIDED: "Nothing was changed.",
  ALREADY_DONE: "Nothing was changed.",
  APPROVAL_NOT_NEEDED: "Nothing was changed.",
  SELF_APPROVAL: "Nothing was changed.",
  CONFLICT_OF_INTEREST: "Nothing was changed.",
  FORBIDDEN: "Nothing was changed.",
  CONFLICT: "Nothing was changed.",
  NOT_SET_UP: "Sorry:",
};

/** Codes whose message is about the deployment, not the person's action. */
const INTERNAL: ReadonlySet<ErrorCode> = new Set(["POLICY_INVALID", "CONFIG_INVALID", "DATABASE_BEHIND", "STORAGE_ERROR"]);

/** Codes that mean "this click was refused", shown ephemerally and changing nothing. */
export const REFUSALS: ReadonlySet<ErrorCode> = new Set(["ALREADY_DECIDED", "ALREADY_DONE", "APPROVAL_NOT_NEEDED", "SELF_APPROVAL", "CONFLICT_OF_INTEREST", "FORBIDDEN", "CONFLICT"]);

export function isUserFacing(error: unknown): boolean {
  return isAppError(error) && !INTERNAL.has(error.code);
}

/** What to tell the person; `reference` identifies the log line for the administrator. */
export function friendlyMessage(error: unknown, reference: string): string {
  if (isUserFacing(error) && isAppError(error)) {
    const lead = LEAD[error.code];
    return lead ? `${lead} ${error.message}` : error.message;
  }
  return `Something went wrong on our side and nothing was changed. Please try again in a minute; if it keeps happening, give your administrator the reference ${reference}.`;
}
