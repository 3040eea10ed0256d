/**
 * The core names an input by its field ("receivedOn") and in words ("the
 * date received"), never by the flag a command line gives it: the CLI and
 * the chat console spell their options differently (`--as` is the acting
 * e-mail in one, the bundle's form in the other). A command line wraps its
 * call to the core with the flags it offers, and an error about one of those
 * inputs it could not read or found missing (INVALID_INPUT) comes back with
 * the flag added: "Give the date received as a real date, for example
 * 20/11/2026 or 2026-11-20 (--received)."
 */
import { AppError, isAppError } from "../core/errors.ts";

/** Runs `work`; an INVALID_INPUT naming a field in `flags` is rethrown with that flag appended to its message. */
export async function withFlagAdvice<T>(flags: Readonly<Record<string, string>>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isAppError(error) || error.code !== "INVALID_INPUT" || !error.field) throw error;
    const flag = flags[error.field];
    if (!flag) throw error;
    throw new AppError(error.code, `${error.message.replace(/\.$/, "")} (${flag}).`, error.field, { cause: error });
  }
}
