import { describe, expect, it } from "vitest";
import { expireGrants } from "../../src/core/jobs/expire-grants.ts";
import { chasePendingRequests } from "../../src/core/jobs/chase-pending-requests.ts";
import { linkChatIdentity } from "../../src/core/identity/link-chat-identity.ts";
import { deliverNotifications } from "../../src/core/notify/deliver-notifications.ts";
import { revokeGrant } from "../../src/core/playback/revoke-grant.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { addRecording, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { P } from "../support/test-policy.ts";

const request = { requesterEmail: P.requester, purposeId: "safeguarding", date: "2026-11-19", time: "14:30", number: "020 7946 0001", reason: "Abusive call reported by the office" };
const HOUR = 3600_000;

describe.each(DATABASE_KINDS)("scheduled jobs and delivery on %s", (kind) => {
  const t = useTestCore(kind);

  it("reminds the authorisers who have not decided, once per interval", async () => {
    await submitRequest(t.ctx, request);
    t.clock.advance(23 * HOUR);
    expect((await chasePendingRequests(t.ctx)).reminded).toBe(0);
    t.clock.advance(2 * HOUR);
    expect((await chasePendingRequests(t.ctx)).reminded).toBe(1);
    expect((await chasePendingRequests(t.ctx)).reminded).toBe(0);
    await t.deliver();
    expect(t.channel.to(P.ceo, "approval-reminder")).toHaveLength(1);
    expect(t.channel.to(P.northHead, "approval-reminder")).toHaveLength(1);
  });

  it("closes a request nobody decided within the policy's time-out and tells the requester", async () => {
    await submitRequest(t.ctx, request);
    t.clock.advance(7 * 24 * HOUR + 1);
    expect((await chasePendingRequests(t.ctx)).expired).toBe(1);
    await t.deliver();
    const outcome = t.channel.to(P.requester, "request-outcome")[0];
    expect(outcome?.kind === "request-outcome" && outcome.request.status).toBe("EXPIRED");
  });

  it("ends access when the grant expires and tells the requester once", async () => {
    await addRecording(t.ctx, { startedAt: new Date("2026-11-19T14:35:00Z") });
    const submitted = await submitRequest(t.ctx, request);
    await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.ceo, outcome: "approve" });
    t.clock.advance(6 * 24 * HOUR);
    expect(await expireGrants(t.ctx)).toBe(0);
    t.clock.advance(24 * HOUR);
    expect(await expireGrants(t.ctx)).toBe(1);
    expect(await expireGrants(t.ctx)).toBe(0);
    await t.deliver();
    const ended = t.channel.to(P.requester, "access-ended");
    expect(ended).toHaveLength(1);
    expect(ended[0]?.kind === "access-ended" && ended[0].reason).toBe("expired");
  });

  it("lets the DPO or an authoriser revoke access, but not the requester", async () => {
    await addRecording(t.ctx, { startedAt: new Date("2026-11-19T14:35:00Z") });
    const submitted = await submitRequest(t.ctx, request);
    await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: P.ceo, outcome: "approve" });
    await expect(revokeGrant(t.ctx, { grantOrRequestId: submitted.reference, actorEmail: P.requester, reason: "I am done with it" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await revokeGrant(t.ctx, { grantOrRequestId: submitted.reference, actorEmail: P.dpo, reason: "Shared outside the team" })).toEqual({ revoked: 1 });
    const grant = await t.ctx.db.playbackGrant.findFirstOrThrow();
    expect(grant.revokedBy).toBe(P.dpo);
    expect(await expireGrants(t.ctx)).toBe(0);
  });

  it("retries a notice the platform failed to take, then delivers it", async () => {
    await submitRequest(t.ctx, request);
    t.channel.failNext = 1;
    const first = await deliverNotifications(t.ctx, { channels: [t.channel], publicUrl: "https://x.test" });
    expect(first.retrying).toBe(1);
    t.clock.advance(10_000);
    await t.deliver();
    expect(t.channel.to(P.requester, "request-submitted")).toHaveLength(1);
    expect(await t.ctx.db.outboxMessage.count({ where: { status: { not: "SENT" } } })).toBe(0);
  });

  it("keeps a notice for someone chat cannot reach waiting, tells the requester and the DPO within a minute, and delivers it on first contact", async () => {
    await t.ctx.db.chatIdentity.deleteMany({ where: { email: P.ceo } });
    await submitRequest(t.ctx, request);
    for (let i = 0; i < 8; i++) {
      await deliverNotifications(t.ctx, { channels: [t.channel], publicUrl: "https://x.test" });
      t.clock.advance(10_000);
    }
    const waiting = await t.ctx.db.outboxMessage.findFirstOrThrow({ where: { recipientEmail: P.ceo } });
    expect(waiting.status).toBe("WAITING");
    expect(waiting.lastError).toContain("UNREACHABLE");
    expect(await t.ctx.db.auditEntry.count({ where: { action: "notification.waiting" } })).toBe(1);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "notification.failed" } })).toBe(0);
    await t.deliver();
    for (const who of [P.dpo, P.requester]) {
      const told = t.channel.to(who, "delivery-failed")[0];
      expect(told?.kind === "delivery-failed" && told.recipientName, who).toBe("Farid Khan");
      expect(told?.kind === "delivery-failed" && told.waiting, who).toBe(true);
    }
    // Hours later Farid opens the bot for the first time: the approval request goes then.
    t.clock.advance(6 * 3_600_000);
    await linkChatIdentity(t.ctx, { platform: t.channel.platform, platformUserId: P.ceo, email: P.ceo, address: { userId: P.ceo } });
    await t.deliver();
    expect(t.channel.to(P.ceo, "approval-needed")).toHaveLength(1);
    expect((await t.ctx.db.outboxMessage.findUniqueOrThrow({ where: { id: waiting.id } })).status).toBe("SENT");
  });

  it("delivers at first contact a notice still in its quick retries, not at its next retry", async () => {
    await t.ctx.db.chatIdentity.deleteMany({ where: { email: P.ceo } });
    await submitRequest(t.ctx, request);
    await deliverNotifications(t.ctx, { channels: [t.channel], publicUrl: "https://x.test" });
    const retrying = await t.ctx.db.outboxMessage.findFirstOrThrow({ where: { recipientEmail: P.ceo } });
    expect(retrying.status).toBe("PENDING");
    expect(retrying.nextAttemptAt.getTime()).toBeGreaterThan(t.clock.now().getTime());
    // A second later Farid opens the bot: the card goes on the next run, not five seconds on.
    t.clock.advance(1_000);
    await linkChatIdentity(t.ctx, { platform: t.channel.platform, platformUserId: P.ceo, email: P.ceo, address: { userId: P.ceo } });
    await deliverNotifications(t.ctx, { channels: [t.channel], publicUrl: "https://x.test" });
    expect(t.channel.to(P.ceo, "approval-needed")).toHaveLength(1);
    expect((await t.ctx.db.outboxMessage.findUniqueOrThrow({ where: { id: retrying.id } })).status).toBe("SENT");
  });

  it("keeps retrying a platform that fails, for longer than an unreachable person", async () => {
    await submitRequest(t.ctx, request);
    t.channel.failNext = 100;
    for (let i = 0; i < 8; i++) {
      await deliverNotifications(t.ctx, { channels: [t.channel], publicUrl: "https://x.test" });
      t.clock.advance(10_000);
    }
    expect(await t.ctx.db.outboxMessage.count({ where: { status: "FAILED" } })).toBe(0);
  });
});
