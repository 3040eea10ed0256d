import { describe, expect, it } from "vitest";
import { transact } from "../../src/core/context.ts";
import { lockRequest, moveRequest } from "../../src/core/requests/request-lifecycle.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { withdrawRequest } from "../../src/core/requests/withdraw-request.ts";
import { useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { expectCode } from "../support/expect-code.ts";
import { P } from "../support/test-policy.ts";

describe.each(DATABASE_KINDS)("request transitions on %s", (kind) => {
  const t = useTestCore(kind);

  const submit = () =>
    submitRequest(t.ctx, { requesterEmail: P.requester, purposeId: "safeguarding", date: "2026-11-19", time: "14:30", windowMinutes: 30, direction: "inbound", number: "020 7946 0001", reason: "Parent reported an abusive call to the office" });

  it("refuses to reopen a withdrawn request and writes nothing", async () => {
    const submitted = await submit();
    await withdrawRequest(t.ctx, { requestId: submitted.id, requesterEmail: P.requester });
    const before = await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: submitted.id } });

    await expect(
      transact(t.ctx, async (tx) => {
        const request = await lockRequest(tx, submitted.id);
        await moveRequest(tx, request, { status: "PENDING_APPROVAL", closedAt: null });
      }),
    ).rejects.toThrow(/cannot move from WITHDRAWN to PENDING_APPROVAL/);

    expect(await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: submitted.id } })).toEqual(before);
  });

  it("refuses a move from a state the request has already left, as a conflict", async () => {
    const submitted = await submit();
    const seen = await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: submitted.id } });
    await withdrawRequest(t.ctx, { requestId: submitted.id, requesterEmail: P.requester });

    await expectCode(transact(t.ctx, (tx) => moveRequest(tx, seen, { status: "DENIED", decidedAt: t.clock.now(), closedAt: t.clock.now() })), "CONFLICT");
    expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: submitted.id } })).status).toBe("WITHDRAWN");
  });
});
