/**
 * Routes the seeds name, shown where they matter: North Wales Housing §6
 * ("calls for payments must continue to be diverted to Allpay") in the
 * refusal of a typed card number, on every command that refuses one.
 */
import { describe, expect, it } from "vitest";
import { reportBreach } from "../../src/core/breaches/report-breach.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { refusal } from "../support/expect-code.ts";
import { safeguardingRequest } from "../support/inputs.ts";
import { P, testPolicy } from "../support/test-policy.ts";

const CARD = "4111 1111 1111 1111";

describe.each(DATABASE_KINDS)("policy routes on %s", (kind) => {
  const t = useTestCore(kind, () => ({ policy: testPolicy({ routes: { cardPayments: { handledBy: "Allpay", instructions: "Transfer the caller to the Allpay line." } } }) }));

  it("names the card payment route when a card number is typed, and keeps the refusal's code and field", async () => {
    const refused = await refusal(submitRequest(t.ctx, safeguardingRequest({ reason: `Caller read out their card ${CARD} on the call` })));
    expect(refused).toMatchObject({ code: "INVALID_INPUT", field: "reason" });
    expect(refused.message).toBe("That looks like a payment card number. Never type card details here; remove it and try again. Card payments are never taken on a recorded line: they are taken through Allpay. Transfer the caller to the Allpay line.");
    const breach = await refusal(reportBreach(t.ctx, { actorEmail: P.staff, description: `Card ${CARD} was read out on a recorded line`, discoveredOn: "20/11/2026" }));
    expect(breach.message).toContain("taken through Allpay");
    expect(await t.ctx.db.auditEntry.count({ where: { action: { in: ["request.refused", "breach.refused"] } } })).toBe(2);
    expect(JSON.stringify((await t.ctx.db.auditEntry.findMany()).map((e) => e.details))).not.toContain("4111");
  });

  it("says nothing of payments where the policy names no route", async () => {
    t.ctx.policy = testPolicy();
    const refused = await refusal(submitRequest(t.ctx, safeguardingRequest({ reason: `Caller read out their card ${CARD} on the call` })));
    expect(refused.message).toBe("That looks like a payment card number. Never type card details here; remove it and try again.");
  });
});
