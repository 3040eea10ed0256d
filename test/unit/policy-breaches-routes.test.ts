/**
 * The policy's breach, capacity, routes, line manager and call-time settings:
 * defaults that keep every preset loading, and a clear loader error for each
 * mistake (file, line and the field), plus a fast-check of hostile values.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.ts";
import { parsePolicy } from "../../src/core/policy/load-policy.ts";
import { cardPaymentRoute, complaintsRoute, disciplinaryRoute, icoContactLine } from "../../src/core/policy/routes.ts";
import { demoWithout } from "../support/demo-policy.ts";

const DEMO = readFileSync("policies/demo.yml", "utf8");
/** The demo without its breach and route sections, so Callgate's defaults show and a test can write its own. */
const SILENT = demoWithout("breaches", "routes");
const withTail = (yaml: string) => `${SILENT.trimEnd()}\n${yaml}\n`;

function errorFor(text: string): string {
  try {
    parsePolicy(text, "policies/x.yml");
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("POLICY_INVALID");
    return (error as AppError).message;
  }
  throw new Error("expected the policy to be refused");
}

describe("breach, capacity and route settings", () => {
  it("defaults to a 72-hour ICO clock told to the DPOs, no capacity limit, no routes, the time required", () => {
    const policy = parsePolicy(SILENT, "policies/x.yml");
    expect(policy.breaches).toEqual({ notifyLineManager: false, reportWithin: { amount: 72, unit: "hours" }, remindHoursBefore: [24, 4] });
    expect(policy.capacity).toBeUndefined();
    expect(policy.routes).toEqual({});
    expect(policy.requesting).toMatchObject({ callTime: "required", maxRangeDays: 0 });
    expect(cardPaymentRoute(policy) + disciplinaryRoute(policy) + icoContactLine(policy) + complaintsRoute(policy)).toBe("");
  });

  it("reads the demo's breach procedure and routes, and words them", () => {
    const policy = parsePolicy(DEMO, "policies/demo.yml");
    expect(policy.breaches).toEqual({ notifyLineManager: false, reportWithin: { amount: 72, unit: "hours" }, remindHoursBefore: [24, 4], procedure: "Trust Data Breach Procedure" });
    expect(complaintsRoute(policy)).toBe("Complaints are handled under the Trust Complaints Procedure by the Chief Executive.");
    expect(disciplinaryRoute(policy)).toBe(" Misuse of recordings is dealt with under the Trust Disciplinary Policy.");
    expect(icoContactLine(policy)).toBe("If you are unhappy with how we have handled this, you may complain to the Information Commissioner's Office (telephone 0303 123 1113, https://ico.org.uk/make-a-complaint/).");
    expect(cardPaymentRoute(policy)).toBe("");
  });

  it("reads North Wales Housing's limit, routes and ICO contact, and words them", () => {
    const policy = parsePolicy(
      withTail(`capacity:
  maxRecordings: 100000
  per: 90 days
routes:
  complaints: { procedure: Complaints Procedure, handledBy: [dpo] }
  disciplinary: { policy: NWH Disciplinary Policy }
  cardPayments: { handledBy: Allpay }
  ico:
    name: the Information Commissioner's Office
    address: Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF
    phone: 0303 123 1113
    email: casework@ico.org.uk
    website: https://ico.org.uk`),
      "policies/x.yml",
    );
    expect(policy.capacity).toEqual({ maxRecordings: 100000, per: { amount: 90, unit: "days" }, warnAt: [80, 95] });
    expect(cardPaymentRoute(policy)).toBe(" Card payments are never taken on a recorded line: they are taken through Allpay.");
    expect(disciplinaryRoute(policy)).toBe(" Misuse of recordings is dealt with under the NWH Disciplinary Policy.");
    expect(icoContactLine(policy)).toContain("the Information Commissioner's Office (Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF, telephone 0303 123 1113, casework@ico.org.uk, https://ico.org.uk)");
    expect(complaintsRoute(policy)).toBe("Complaints are handled under the Complaints Procedure by the Trust Data Protection Officer.");
  });

  it("names an undefined role, a bad limit and an unknown key under the new sections", () => {
    expect(errorFor(withTail("breaches:\n  closeRoles: [nobody]"))).toMatch(/breaches\.closeRoles\[0\]: role "nobody" is not defined under roles/);
    expect(errorFor(withTail("capacity:\n  maxRecordings: -5\n  per: 90 days"))).toMatch(/capacity\.maxRecordings/);
    expect(errorFor(withTail("capacity:\n  maxRecordings: 100\n  per: ninety days"))).toMatch(/capacity\.per: "ninety days" is not a duration/);
    expect(errorFor(withTail("routes:\n  cardPayment: { handledBy: Allpay }"))).toMatch(/routes\.cardPayment: "cardPayment" is not a setting the policy knows: did you mean "cardPayments"\?/);
    expect(errorFor(withTail("breaches:\n  reportWithin: 3 months"))).toMatch(/breaches\.reportWithin: write the ICO deadline in hours or days/);
  });

  it("refuses a line manager who is not in the policy, or oneself", () => {
    const unknown = DEMO.replace("  - email: dev.patel@northfield.example\n", "  - email: dev.patel@northfield.example\n    lineManager: boss@elsewhere.example\n");
    expect(unknown).not.toBe(DEMO);
    expect(errorFor(unknown)).toMatch(/lineManager: line manager boss@elsewhere\.example is not listed under people/);
    const self = DEMO.replace("  - email: dev.patel@northfield.example\n", "  - email: dev.patel@northfield.example\n    lineManager: dev.patel@northfield.example\n");
    expect(errorFor(self)).toMatch(/cannot be their own line manager/);
  });

  it("keeps a hostile route name exactly, or refuses it; never crashes on hostile capacity numbers", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), (name) => {
        try {
          const policy = parsePolicy(withTail(`routes:\n  cardPayments: { handledBy: ${JSON.stringify(name)} }`), "policies/x.yml");
          expect(policy.routes.cardPayments?.handledBy).toBe(name);
        } catch (error) {
          expect((error as AppError).code).toBe("POLICY_INVALID");
        }
      }),
      { numRuns: 150 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.string({ maxLength: 10 })), fc.array(fc.oneof(fc.integer({ min: -10, max: 200 }), fc.double()), { maxLength: 7 }), (max, warnAt) => {
        try {
          const policy = parsePolicy(withTail(`capacity:\n  maxRecordings: ${JSON.stringify(max)}\n  per: 90 days\n  warnAt: ${JSON.stringify(warnAt)}`), "policies/x.yml");
          expect(Number.isInteger(policy.capacity!.maxRecordings) && policy.capacity!.maxRecordings > 0).toBe(true);
          expect(policy.capacity!.warnAt.every((p) => Number.isInteger(p) && p >= 1 && p <= 100)).toBe(true);
        } catch (error) {
          expect((error as AppError).code).toBe("POLICY_INVALID");
        }
      }),
      { numRuns: 150 },
    );
  });
});
