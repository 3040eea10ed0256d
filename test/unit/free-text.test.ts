import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.ts";
import { isRefusalCode } from "../../src/core/guards.ts";
import { maskPhoneNumbersInText } from "../../src/core/phone.ts";
import { CARD_NUMBER_MESSAGE, cleanFreeText, containsCardNumber, passesLuhn } from "../../src/core/validation.ts";

/** The digit that makes `body` pass the Luhn check when appended. */
function luhnDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (passesLuhn(body + d)) return String(d);
  throw new Error("unreachable");
}

/** Any Luhn-valid 16-digit number. */
const cardNumber = fc.stringMatching(/^[1-9]\d{14}$/).map((body) => body + luhnDigit(body));
/** How people write one: solid, in fours with spaces, or in fours with dashes. */
const written = fc.tuple(cardNumber, fc.constantFrom("", " ", "-")).map(([n, sep]) => n.match(/\d{4}/g)!.join(sep));
/** Text around it that is not glued to it by digits. */
const words = fc.string({ maxLength: 40 }).map((s) => s.replace(/\d/g, "x"));

describe("card numbers in free text", () => {
  it("finds the usual ways of writing a card number", () => {
    for (const text of ["4111111111111111", "card 4111 1111 1111 1111.", "4111-1111-1111-1111", "ref 12 4111 1111 1111 1111", "５５５５５５５５５５５５４４４４", "Amex 3782 822463 10005"]) {
      expect(containsCardNumber(text), text).toBe(true);
    }
  });

  it("leaves phone numbers, dates, references and Luhn-invalid runs alone", () => {
    for (const text of ["Call 01427 700700 at 14:30", "+44 20 7946 0018", "on 2026-11-21 14:30", "CG-000123 and SAR-000004", "4111 1111 1111 1112", "a 25-digit id 1234567890123456789012345", "12 345"]) {
      expect(containsCardNumber(text), text).toBe(false);
    }
  });

  it("refuses any Luhn-valid 16-digit run embedded in text, naming the field", () => {
    fc.assert(
      fc.property(words, written, words, (before, card, after) => {
        const error = (() => {
          try {
            cleanFreeText(`${before} ${card} ${after}`, "reason");
          } catch (e) {
            return e;
          }
        })();
        expect(error).toBeInstanceOf(AppError);
        expect(error).toMatchObject({ code: "INVALID_INPUT", field: "reason", message: CARD_NUMBER_MESSAGE });
      }),
    );
  });

  it("keeps free text without a card number as cleanText leaves it", () => {
    expect(cleanFreeText("  Parent on 01427 700700 \u202Ecomplained  ", "reason")).toBe("Parent on 01427 700700 complained");
  });
});

describe("phone numbers masked in free text", () => {
  it("masks national, international and bracketed numbers", () => {
    expect(maskPhoneNumbersInText("Ring 01427 700700 or +44 20 7946 0018, or (0113) 496 0002.")).toBe("Ring +44 •••••••700 or +44 •••••••018, or +44 •••••••002.");
    expect(maskPhoneNumbersInText("Seen on 2026-11-21 at 14:30, CG-000123")).toBe("Seen on 2026-11-21 at 14:30, CG-000123");
    expect(maskPhoneNumbersInText("() 01427 700700 and [[ +44 7700 900123")).toBe("() +44 •••••••700 and [[ +44 •••••••123");
    expect(maskPhoneNumbersInText("Invoice 2026 1121 1430 paid")).toBe("Invoice 2026 1121 1430 paid");
  });

  it("never leaves the number's digits in the clear", () => {
    // UK geographic and mobile numbers, written as people write them.
    const national = fc.oneof(
      fc.stringMatching(/^\d{6}$/).map((rest) => ({ digits: `1427${rest}`, typed: `01427 ${rest}` })),
      fc.stringMatching(/^\d{8}$/).map((rest) => ({ digits: `20${rest}`, typed: `020 ${rest.slice(0, 4)} ${rest.slice(4)}` })),
      fc.stringMatching(/^\d{6}$/).map((rest) => ({ digits: `7700${rest}`, typed: `+44 7700 ${rest}` })),
    );
    fc.assert(
      fc.property(words, national, words, (before, number, after) => {
        // Seen by fast-check: "+ 01427 000000" once slipped through as an international number, and "() +44 7700 000000" past the bracket check.
        const masked = maskPhoneNumbersInText(`${before} ${number.typed} ${after}`);
        expect(masked.replace(/\D/g, "")).not.toContain(number.digits.slice(0, -3));
        expect(masked).not.toContain(number.typed);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 500), examples: [["+", { digits: "1427000000", typed: "01427 000000" }, ""], ["()", { digits: "7700000000", typed: "+44 7700 000000" }, ""]] },
    );
  });
});

describe("which codes are refusals", () => {
  it("counts what the person was told no, and not races, unknown people or faults", () => {
    for (const code of ["FORBIDDEN", "SELF_APPROVAL", "ALREADY_DECIDED", "WRONG_STATE", "TOO_LATE", "ON_HOLD", "REASON_REQUIRED", "INVALID_INPUT", "NOT_FOUND"] as const) expect(isRefusalCode(code), code).toBe(true);
    for (const code of ["CONFLICT", "NOT_SET_UP", "STORAGE_ERROR", "POLICY_INVALID", "CONFIG_INVALID", "DATABASE_BEHIND"] as const) expect(isRefusalCode(code), code).toBe(false);
  });
});
