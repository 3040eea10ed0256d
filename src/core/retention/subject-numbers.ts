/**
 * Phone numbers a DPO types for a hold or an erasure: each normalised to
 * E.164 (INVALID_NUMBER names the one at fault, masked), duplicates dropped.
 */
import { AppError } from "../errors.ts";
import { normalisePhoneNumber } from "../phone.ts";

export const MAX_NUMBERS = 20;

export function normaliseNumbers(inputs: readonly string[] | undefined, field = "number"): string[] {
  const given = (inputs ?? []).map((n) => n.trim()).filter((n) => n.length > 0);
  if (given.length > MAX_NUMBERS) throw new AppError("INVALID_INPUT", `Give at most ${MAX_NUMBERS} numbers at once.`, field);
  const numbers = given.map((n, i) => {
    try {
      return normalisePhoneNumber(n, field);
    } catch (error) {
      // Never echo what was typed in full: it may be a real number with a typo.
      throw new AppError("INVALID_NUMBER", `Number ${i + 1} is not a valid phone number. Write it as you would dial it, for example 020 7946 0001.`, field, { cause: error });
    }
  });
  return [...new Set(numbers)];
}
