import { beforeEach, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { expireGrants } from "../../src/core/jobs/expire-grants.ts";
import { decideAccessExtension } from "../../src/core/playback/decide-access-extension.ts";
import { requestAccessExtension } from "../../src/core/playback/request-access-extension.ts";
import { revokeGrant } from "../../src/core/playback/revoke-grant.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { addRecording, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { P } from "../support/test-policy.ts";

const DAY = 24 * 3600_000;
const request = { requesterEmail: P.requester, purposeId: "safeguarding", date: "2026-11-19", time: "14:30", number: "020 7946 0001", reason: "Abusive call reported by the office" };

describe.each(DATABASE_KINDS)("asking for more time on %s", (kind) => {
  const t = useTestCore(kind);
  let requestId: string;
  beforeEach(async () => {
    await addRecording(t.ctx, { startedAt: new Date("2026-11-19T14:35:00Z") });
    requestId = (await submitRequest(t.ctx, request)).id;
    await recordDecision(t.ctx, { requestId, deciderEmail: P.ceo, outcome: "approve" });
    t.clock.advance(8 * DAY);
    await expireGrants(t.ctx);
    await t.deliver();
  });

  it("goes back to the authorisers, and approval sends the requester a new link", async () => {
    const { extensionId } = await requestAccessExtension(t.ctx, { requestId, requesterEmail: P.requester, reason: "The investigation meeting moved to next week" });
    await t.deliver();
    const asked = t.channel.to(P.northHead, "extension-needed")[0];
    expect(asked?.kind === "extension-needed" && asked.extension.reason).toBe("The investigation meeting moved to next week");
    expect(t.channel.to(P.requester, "extension-needed")).toHaveLength(0);

    await expect(decideAccessExtension(t.ctx, { extensionId, deciderEmail: P.requester, outcome: "approve" })).rejects.toMatchObject({ code: "SELF_APPROVAL" });
    await expect(decideAccessExtension(t.ctx, { extensionId, deciderEmail: P.southHead, outcome: "approve" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await decideAccessExtension(t.ctx, { extensionId, deciderEmail: P.northHead, outcome: "approve" })).toEqual({ status: "APPROVED" });
    await expect(decideAccessExtension(t.ctx, { extensionId, deciderEmail: P.ceo, outcome: "deny", reason: "Too late now" })).rejects.toMatchObject({ code: "ALREADY_DECIDED" });
    await t.deliver();

    const links = t.channel.to(P.requester, "access-granted").map((n) => (n.kind === "access-granted" ? n.playbackUrl : ""));
    expect(links).toHaveLength(2);
    expect(links[0]).not.toBe(links[1]);
    const grants = await t.ctx.db.playbackGrant.findMany({ orderBy: { issuedAt: "asc" } });
    expect(grants).toHaveLength(2);
    expect(grants[1]!.expiresAt.getTime() - t.clock.now().getTime()).toBe(7 * DAY);
    // Every authoriser's prompt now shows the decision.
    const updated = t.channel.updates.filter((u) => u.notice.kind === "extension-needed").map((u) => (u.notice.kind === "extension-needed" ? u.notice.extension.status : ""));
    expect(updated.length).toBeGreaterThanOrEqual(2);
    expect(new Set(updated)).toEqual(new Set(["APPROVED"]));
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it("tells the requester the reason when more time is refused", async () => {
    const { extensionId } = await requestAccessExtension(t.ctx, { requestId, requesterEmail: P.requester, reason: "Need to listen again for the report" });
    await expect(decideAccessExtension(t.ctx, { extensionId, deciderEmail: P.ceo, outcome: "deny" })).rejects.toMatchObject({ code: "REASON_REQUIRED" });
    await decideAccessExtension(t.ctx, { extensionId, deciderEmail: P.ceo, outcome: "deny", reason: "The report was already filed" });
    await t.deliver();
    const outcome = t.channel.to(P.requester, "extension-outcome")[0];
    expect(outcome?.kind === "extension-outcome" && outcome.extension).toMatchObject({ status: "DENIED", decisionReason: "The report was already filed", decidedByName: "Farid Khan" });
    expect(await t.ctx.db.playbackGrant.count()).toBe(1);
  });

  it("refuses a second request while one waits, one from someone else, and one after revocation", async () => {
    await requestAccessExtension(t.ctx, { requestId, requesterEmail: P.requester, reason: "The meeting moved to next week" });
    await expect(requestAccessExtension(t.ctx, { requestId, requesterEmail: P.requester, reason: "Asking again, just in case" })).rejects.toMatchObject({ code: "ALREADY_DONE" });
    await expect(requestAccessExtension(t.ctx, { requestId, requesterEmail: P.ceo, reason: "I would like a listen too" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await t.ctx.db.accessExtension.count()).toBe(1);
  });

  it("cannot extend access that was revoked", async () => {
    const second = await submitRequest(t.ctx, { ...request, time: "14:35", windowMinutes: 10 });
    await recordDecision(t.ctx, { requestId: second.id, deciderEmail: P.ceo, outcome: "approve" });
    await revokeGrant(t.ctx, { grantOrRequestId: second.reference, actorEmail: P.dpo, reason: "Link was forwarded" });
    await expect(requestAccessExtension(t.ctx, { requestId: second.id, requesterEmail: P.requester, reason: "Please may I have it back" })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("Carys Evans") });
  });
});
