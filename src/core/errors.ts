/**
 * The one error type the core throws. Codes are stable and machine-readable;
 * adapters turn them into friendly words for the person who acted.
 */
export const ERROR_CODES = [
  "INVALID_INPUT",
  "NOT_FOUND",
  "FORBIDDEN",
  "NOT_SET_UP",
  "SELF_APPROVAL",
  "CONFLICT_OF_INTEREST",
  "ALREADY_DECIDED",
  "ALREADY_DONE",
  "APPROVAL_NOT_NEEDED",
  "UNKNOWN_PURPOSE",
  "UNKNOWN_SITE",
  "INVALID_NUMBER",
  "DATE_IN_FUTURE",
  "DATE_TOO_OLD",
  "WINDOW_TOO_WIDE",
  "REASON_TOO_SHORT",
  "REASON_REQUIRED",
  "WRONG_STATE",
  "CONFLICT",
  "ON_HOLD",
  "TOO_LATE",
  "POLICY_INVALID",
  "CONFIG_INVALID",
  "DATABASE_BEHIND",
  "STORAGE_ERROR",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  override readonly name = "AppError";
  constructor(
    readonly code: ErrorCode,
    /** Plain British English, safe to show to the person who acted. */
    message: string,
    /** Which input field is at fault, when there is one (for form errors). */
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
