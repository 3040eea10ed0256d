/**
 * Small shared rules for text that people type into chat forms.
 */
import type { z } from "zod";
import { AppError } from "./errors.ts";

// C0/C1 controls except tab and newline, and the Unicode bidi overrides that
// can make a reason read differently from what it says.
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** NFC-normalised, without control or bidi characters, trimmed. */
export function cleanText(text: string): string {
  return text.normalize("NFC").replace(UNSAFE, "").replace(/[ \t]+/g, " ").trim();
}

/** A zod issue as a sentence for the person who typed the value. */
export function formatZodIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.join(".");
  if (issue.code === "invalid_type" && issue.input === undefined) return `Please fill in ${field || "the form"}.`;
  if (issue.code === "too_big" && issue.origin === "string") return `${field ? `${field}: ` : ""}that is too long (at most ${issue.maximum} characters).`;
  return issue.message.endsWith(".") ? issue.message : `${issue.message}.`;
}

/**
 * What someone is told when free text holds what looks like a payment card
 * number. Card details must never reach Callgate's database, audit log or
 * logs (PCI DSS), so the text is refused rather than masked: a masked card
 * number would still say a card was typed where it should not have been.
 */
export const CARD_NUMBER_MESSAGE = "That looks like a payment card number. Never type card details here; remove it and try again.";

// Digits with at most three spaces or dashes (of any width) between them, as card numbers are written.
const DIGIT_RUN = /\d(?:[\s\-\u2010-\u2015]{0,3}\d)*/g;
const GROUP = /\d+/g;

/**
 * True when the text holds a run of 13 to 19 digits that passes the Luhn
 * check, written solid or in groups separated by spaces or dashes. Within a
 * longer run, every span of whole groups is tried, so "ref 12 4111 1111 1111
 * 1111" is caught; a solid run of more than 19 digits is not a card. The text
 * is read after NFKC, so full-width digits do not slip through.
 */
export function containsCardNumber(text: string): boolean {
  for (const run of text.normalize("NFKC").match(DIGIT_RUN) ?? []) {
    const groups = run.match(GROUP)!;
    for (let i = 0; i < groups.length; i++) {
      let digits = "";
      for (let j = i; j < groups.length && digits.length + groups[j]!.length <= 19; j++) {
        digits += groups[j];
        if (digits.length >= 13 && passesLuhn(digits)) return true;
      }
    }
  }
  return false;
}

/** The Luhn (mod 10) check every payment card number passes. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Throws INVALID_INPUT (naming `field`) when the text holds a card number; returns the text otherwise. */
export function refuseCardNumbers(text: string, field: string): string {
  if (containsCardNumber(text)) throw new AppError("INVALID_INPUT", CARD_NUMBER_MESSAGE, field);
  return text;
}

/**
 * The one check for free text people type (reasons, notes, parties, form
 * fields): cleaned as cleanText does, and refused if it holds a card number.
 * Phone numbers are kept as typed (an authoriser may need the one a reason
 * names); they are masked where the text is copied into the audit log
 * (append-audit.ts) and the DPO's summary (phone.ts maskPhoneNumbersInText).
 */
export function cleanFreeText(text: string, field: string): string {
  return refuseCardNumbers(cleanText(text), field);
}
