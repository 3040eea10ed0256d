/**
 * Phone numbers: normalised to E.164 (UK by default) with libphonenumber-js,
 * and masked wherever a number is shown outside the request itself.
 */
import { parsePhoneNumberFromString, PhoneNumberMatcher, type CountryCode } from "libphonenumber-js/max";
import { AppError } from "./errors.ts";

/** Returns the number in E.164, or throws INVALID_NUMBER naming the input field. */
export function normalisePhoneNumber(input: string, field = "number", region: CountryCode = "GB"): string {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > 40) {
    throw new AppError("INVALID_NUMBER", "Enter the phone number, for example 01427 700700.", field);
  }
  const parsed = parsePhoneNumberFromString(trimmed, region);
  if (!parsed || !parsed.isValid()) {
    throw new AppError("INVALID_NUMBER", "That is not a valid phone number. Write it as you would dial it, for example 01427 700700 or +44 1427 700700.", field);
  }
  return parsed.number;
}

/** Like normalisePhoneNumber, but returns undefined instead of throwing. */
export function tryNormalisePhoneNumber(input: string | undefined | null, region: CountryCode = "GB"): string | undefined {
  if (!input) return undefined;
  const parsed = parsePhoneNumberFromString(input.trim(), region);
  return parsed?.isValid() ? parsed.number : undefined;
}

/** "+441427700700" becomes "+44 ••••••700": enough to recognise, not to dial. */
export function maskPhoneNumber(e164: string | null | undefined): string {
  if (!e164) return "withheld";
  const digits = e164.replace(/\D/g, "");
  if (digits.length <= 5) return "•".repeat(digits.length);
  const country = e164.startsWith("+44") ? "+44 " : "+";
  const shown = digits.slice(-3);
  const hidden = digits.length - (country === "+44 " ? 2 : 0) - 3;
  return `${country}${"•".repeat(Math.max(hidden, 3))}${shown}`;
}

/** "+441427700700" becomes "01427 700700" (UK) or the international form elsewhere. */
export function formatPhoneNumber(e164: string | null | undefined): string | null {
  if (!e164) return null;
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.country === "GB" ? parsed.formatNational() : parsed.formatInternational();
}

/**
 * Free text with every phone-number-looking run masked as maskPhoneNumber
 * does ("call 01427 700700" becomes "call +44 ••••••700"). Found by
 * libphonenumber-js at its "possible" leniency, so numbers that are shaped
 * right but not in service (drama numbers such as 07700 900123) are masked
 * too. For text copied into the audit log or the DPO's summary; the logs have
 * their own, stricter scrubber (src/infra/logger.ts).
 */
export function maskPhoneNumbersInText(text: string, region: CountryCode = "GB"): string {
  if (!/\d/.test(text)) return text;
  // A "+" not followed by a digit ("+ 01427 700700") would make the matcher read an international number that is no number;
  // blanked, same length, so offsets hold.
  // "leniency" is the matcher's documented option, missing from its type declarations.
  const matcher = new PhoneNumberMatcher(text.replace(/\+(?!\d)/g, " "), { defaultCountry: region, v2: true, leniency: "POSSIBLE" } as { defaultCountry: CountryCode; v2: true });
  let out = "";
  let cursor = 0;
  while (matcher.hasNext()) {
    const match = matcher.next()!;
    out += text.slice(cursor, match.startsAt) + maskPhoneNumber(match.number.number);
    cursor = match.endsAt;
  }
  return maskDigitRuns(out + text.slice(cursor), region);
}

/**
 * The safety net behind the matcher, which gives up on a number beside stray
 * brackets ("() 01427 700700", "[[ +44 7700 900123"): any run of nine or more
 * digits, spaced or bracketed, that could be a number is masked. Hyphens,
 * dots and colons do not join a run, so dates, times and references stay.
 */
function maskDigitRuns(text: string, region: CountryCode): string {
  return text.replace(/\+?\d(?:[ \t()[\]{}]*\d){8,}/g, (run) => {
    const parsed = parsePhoneNumberFromString(run.replace(/[^\d+]/g, ""), region);
    return parsed?.isPossible() ? maskPhoneNumber(parsed.number) : run;
  });
}
