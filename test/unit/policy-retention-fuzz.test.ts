/**
 * The retention section's new shapes (preservation roles and classes, the
 * archive step, deletion reminders) and compliance roles under fast-check:
 * whatever is written, the loader either accepts a policy that keeps its
 * invariants or refuses it with issues under the fields at fault; it never throws.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDuration } from "../../src/core/policy/duration.ts";
import { policySchema } from "../../src/core/policy/schema.ts";
import { testPolicyInput } from "../support/test-policy.ts";

const durationText = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 40 }), fc.constantFrom("days", "weeks", "months", "years", "hours")).map(([n, u]) => `${n} ${u}`),
  fc.constantFrom("forever", "", "0 days", "-3 months", "12 monthz", "\u202e7 days"),
);
const roleRef = fc.constantFrom("ceo", "principal", "dpo", "it-manager", "no-such-role", "CEO", "");
const classArb = fc.record(
  { id: fc.constantFrom("on-request", "document-retention", "Bad Id", "on-request"), label: fc.oneof(fc.constant("A class"), fc.string({ maxLength: 130 })), period: durationText, reviewEvery: durationText },
  { requiredKeys: ["id", "label"] },
);
const retentionArb = fc.record(
  {
    default: durationText,
    preservation: fc.record({ roles: fc.array(roleRef, { maxLength: 3 }), classes: fc.array(classArb, { maxLength: 3 }), remindBeforeReview: durationText }, { requiredKeys: [] }),
    remindBeforeDeletion: durationText,
    archive: fc.record({ after: durationText, tier: fc.constantFrom("Cool", "Cold", "Archive", "Hot", "Glacier") }, { requiredKeys: ["after"] }),
  },
  { requiredKeys: ["default"] },
);
const complianceArb = fc.record({ dpoRoles: fc.constant(["dpo"]), erasureRoles: fc.array(roleRef, { maxLength: 2 }), portabilityRoles: fc.array(roleRef, { maxLength: 2 }) }, { requiredKeys: ["dpoRoles"] });

describe("retention and compliance roles under fast-check", () => {
  it("accepts only consistent policies and names the field of every refusal", () => {
    fc.assert(
      fc.property(retentionArb, complianceArb, (retention, compliance) => {
        const parsed = policySchema.safeParse({ ...testPolicyInput, retention, compliance });
        if (!parsed.success) {
          for (const issue of parsed.error.issues) expect(["retention", "compliance"]).toContain(String(issue.path[0]));
          return;
        }
        const { preservation, archive } = parsed.data.retention;
        const roles = new Set(parsed.data.roles.map((r) => r.id));
        for (const r of [...preservation.roles, ...(parsed.data.compliance.erasureRoles ?? []), ...(parsed.data.compliance.portabilityRoles ?? [])]) expect(roles.has(r)).toBe(true);
        if (preservation.roles.length > 0) expect(preservation.classes.length).toBeGreaterThan(0);
        expect(new Set(preservation.classes.map((c) => c.id)).size).toBe(preservation.classes.length);
        if (archive) {
          const from = new Date(Date.UTC(2026, 0, 1));
          expect(addDuration(from, archive.after).getTime()).toBeLessThan(addDuration(from, parsed.data.retention.default).getTime());
        }
      }),
      { numRuns: 400 },
    );
  });
});
