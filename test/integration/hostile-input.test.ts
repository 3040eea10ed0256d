/**
 * Random and hostile input to the commands people reach from chat: every call
 * either succeeds or fails with a coded AppError, and a failure leaves nothing
 * behind (no request, no decision, no notice) but the refusal's own audit
 * entry when it refused someone in the policy (guards.ts withRefusalAudit).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { ERROR_CODES, isAppError } from "../../src/core/errors.ts";
import { isRefusalCode } from "../../src/core/guards.ts";
import { findPerson } from "../../src/core/policy/access.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest, type SubmitRequestInput } from "../../src/core/requests/submit-request.ts";
import { testCore, type TestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { P } from "../support/test-policy.ts";

const HOSTILE = [
  `'; DROP TABLE "RecordingRequest"; --`,
  "\u0000\u0001\u001b[31m",
  "<script>alert(1)</script>",
  "${process.exit(1)}",
  "\u202Eevil\u202C",
  "𝕳𝖊𝖑𝖑𝖔 👩‍👩‍👧 \uFEFF",
  "a".repeat(5000),
  "__proto__",
  "constructor",
  " ",
  "",
];

const text = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 60 }), fc.string({ unit: "binary", maxLength: 60 }));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 4 });
/** Mostly a plausible value, sometimes garbage, so both paths are exercised. */
const mostly = (...values: string[]) => fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 12 }, { arbitrary: text, weight: 1 });

const submitInput: fc.Arbitrary<SubmitRequestInput> = fc.record({
  requesterEmail: mostly(P.requester, P.requester, P.staff, P.it, P.outsider),
  purposeId: mostly("safeguarding", "safeguarding", "disciplinary", "training", "own-calls"),
  type: mostly("recording", "call-log") as fc.Arbitrary<"recording">,
  siteId: maybe(mostly("north", "south")),
  date: mostly("2026-11-19", "2026-11-19", "2026-11-18", "2026-11-21", "2026-02-30", "1999-01-01", "9999-12-31", "2026-13-01"),
  time: mostly("14:30", "14:30", "00:00", "23:59", "24:00", "9:5"),
  windowMinutes: maybe(fc.oneof({ arbitrary: fc.integer({ min: 5, max: 120 }), weight: 6 }, { arbitrary: fc.integer({ min: -100, max: 5000 }), weight: 1 }, { arbitrary: fc.double(), weight: 1 })),
  direction: maybe(mostly("inbound", "outbound")) as fc.Arbitrary<"inbound" | undefined>,
  number: maybe(mostly("020 7946 0001", "020 7946 0001", "+44 113 496 0000", "999", "+1 202 555 0100")),
  extension: maybe(mostly("102", "201")),
  parties: maybe(text),
  reason: mostly("A parent reported an abusive call"),
  employeeEmail: maybe(mostly(P.staff)),
});

const validSubmission: SubmitRequestInput = { requesterEmail: P.requester, purposeId: "safeguarding", date: "2026-11-19", time: "14:30", number: "020 7946 0001", reason: "A parent reported an abusive call" };

describe.each(DATABASE_KINDS)("hostile input on %s", (kind) => {
  let t: TestCore;
  beforeAll(async () => {
    t = await testCore(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  const counts = async () => ({
    requests: await t.ctx.db.recordingRequest.count(),
    decisions: await t.ctx.db.decision.count(),
    audit: await t.ctx.db.auditEntry.count(),
    outbox: await t.ctx.db.outboxMessage.count(),
  });

  /** What a refused command may leave: nothing, or one `*.refused` audit entry when it refused someone in the policy. */
  const expectOnlyTheRefusal = async (error: unknown, actorEmail: string, before: Awaited<ReturnType<typeof counts>>) => {
    const onRecord = isAppError(error) && isRefusalCode(error.code) && findPerson(t.ctx.policy, actorEmail) !== undefined;
    expect(await counts()).toEqual({ ...before, audit: before.audit + (onRecord ? 1 : 0) });
    if (onRecord) expect((await t.ctx.db.auditEntry.findFirstOrThrow({ orderBy: { seq: "desc" } })).action).toMatch(/\.refused$/);
  };

  it("answers every submission with a request or a coded error, and a refusal writes only its audit entry", async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(submitInput, async (input) => {
        const before = await counts();
        try {
          await submitRequest(t.ctx, input);
          accepted++;
        } catch (error) {
          expect(isAppError(error), String(error)).toBe(true);
          if (isAppError(error)) expect(ERROR_CODES).toContain(error.code);
          await expectOnlyTheRefusal(error, input.requesterEmail, before);
        }
      }),
      // Two known-good submissions first, so the success path is always exercised.
      { numRuns: 150, examples: [[validSubmission], [{ ...validSubmission, purposeId: "disciplinary", type: "call-log" }]] },
    );
    // The generator must reach the success path too, or the test proves little.
    expect(accepted).toBeGreaterThanOrEqual(2);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it("answers every decision with a view or a coded error, and a refusal writes only its audit entry", async () => {
    const target = await submitRequest(t.ctx, { requesterEmail: P.requester, purposeId: "disciplinary", date: "2026-11-19", time: "10:00", number: "020 7946 0002", reason: "Alleged misconduct on a call" });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          requestId: fc.oneof(fc.constant(target.id), fc.constant(target.reference), fc.uuid(), text),
          deciderEmail: fc.oneof(fc.constantFrom(P.requester, P.ceo, P.dpo, P.it, P.northHead), text),
          outcome: fc.oneof(fc.constantFrom("approve", "deny"), text) as fc.Arbitrary<"approve">,
          reason: maybe(text),
        }),
        async (input) => {
          const before = await counts();
          try {
            await recordDecision(t.ctx, input);
          } catch (error) {
            expect(isAppError(error), String(error)).toBe(true);
            await expectOnlyTheRefusal(error, input.deciderEmail, before);
          }
        },
      ),
      { numRuns: 100 },
    );
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });
});
