import { describe, expect, it } from "vitest";
import { covertConsole } from "../../src/commands/covert.ts";
import { runConsole } from "../../src/commands/run-console.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { authoriseCovertMonitoring, type AuthoriseCovertMonitoringInput } from "../../src/core/covert/authorise-covert-monitoring.ts";
import { endCovertMonitoring } from "../../src/core/covert/end-covert-monitoring.ts";
import { listCovertAuthorisations } from "../../src/core/covert/list-covert-authorisations.ts";
import { reviewCovertMonitoring } from "../../src/core/covert/review-covert-monitoring.ts";
import { releaseHold } from "../../src/core/holds/release-hold.ts";
import { remindCovertReviews } from "../../src/core/jobs/remind-covert-reviews.ts";
import { testCore, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { expectCode } from "../support/expect-code.ts";
import { P, testPolicy } from "../support/test-policy.ts";

const allowed = testPolicy({ covertMonitoring: { allowed: true, authoriserRoles: ["ceo", "principal"], reviewEvery: "1 month" } });

const monitorEllie = (over: Partial<AuthoriseCovertMonitoringInput> = {}): AuthoriseCovertMonitoringInput => ({
  actorEmail: P.southHead,
  staffEmails: [P.staff],
  reason: "Suspected fraud on refund calls; telling staff would let it be hidden",
  newInvestigation: "Refund fraud at South Academy",
  ...over,
});

describe.each(DATABASE_KINDS)("covert monitoring on %s", (kind) => {
  const t = useTestCore(kind, { policy: allowed });

  it("refuses covert monitoring where the policy does not allow it", async () => {
    const strict = await testCore(kind);
    try {
      const error = await expectCode(authoriseCovertMonitoring(strict.ctx, monitorEllie({ actorEmail: P.ceo })), "FORBIDDEN");
      expect(error.message).toContain("does not allow covert monitoring");
      expect(await strict.ctx.db.covertAuthorisation.count()).toBe(0);
      expect(await strict.ctx.db.hold.count()).toBe(0);
    } finally {
      await strict.close();
    }
  });

  it("refuses people without an authorising role, and principals outside their site", async () => {
    const dpo = await expectCode(authoriseCovertMonitoring(t.ctx, monitorEllie({ actorEmail: P.dpo })), "FORBIDDEN");
    expect(dpo.message).toBe("Only the Chief Executive or the Principal can authorise covert monitoring.");
    await expectCode(authoriseCovertMonitoring(t.ctx, monitorEllie({ actorEmail: P.it })), "FORBIDDEN");
    const north = await expectCode(authoriseCovertMonitoring(t.ctx, monitorEllie({ actorEmail: P.northHead })), "FORBIDDEN");
    expect(north.message).toContain("Ellie Shaw is at South Academy");
    // An extension the policy places nowhere needs an organisation-wide authoriser.
    await expectCode(authoriseCovertMonitoring(t.ctx, monitorEllie({ staffEmails: [], extensions: ["999"] })), "FORBIDDEN");
    expect(await t.ctx.db.covertAuthorisation.count()).toBe(0);
    expect(await t.ctx.db.hold.count()).toBe(0);
  });

  it("refuses an authoriser monitoring themselves, by e-mail or by extension", async () => {
    const self = await expectCode(authoriseCovertMonitoring(t.ctx, monitorEllie({ actorEmail: P.ceo, staffEmails: [P.ceo, P.staff] })), "FORBIDDEN");
    expect(self.message).toContain("of yourself");
    const selfExtension = testPolicy({
      covertMonitoring: { allowed: true, authoriserRoles: ["slt"], reviewEvery: "1 month" },
    });
    t.ctx.policy = selfExtension;
    await expectCode(authoriseCovertMonitoring(t.ctx, monitorEllie({ actorEmail: P.requester, staffEmails: [], extensions: ["102"] })), "FORBIDDEN");
    expect(await t.ctx.db.covertAuthorisation.count()).toBe(0);
  });

  it("opens a new investigation with the authorisation, tells the DPO and never the monitored staff", async () => {
    const view = await authoriseCovertMonitoring(t.ctx, monitorEllie({ extensions: ["201"] }));
    expect(view.reference).toMatch(/^COV-\d{6}$/);
    expect(view).toMatchObject({ status: "ACTIVE", authoriserRole: "Principal", targetsText: "Ellie Shaw, extension 201", reviewOn: "2026-12-20", reviewOnText: "20/12/2026" });
    expect(view.investigation.reference).toMatch(/^HOLD-\d{6}$/);

    const hold = await t.ctx.db.hold.findUniqueOrThrow({ where: { reference: view.investigation.reference } });
    expect(hold).toMatchObject({ kind: "INVESTIGATION", reason: "Refund fraud at South Academy", createdBy: P.southHead, releasedAt: null });
    const row = await t.ctx.db.covertAuthorisation.findUniqueOrThrow({ where: { reference: view.reference } });
    expect(row).toMatchObject({ authorisedBy: P.southHead, authoriserRole: "principal", staffEmails: [P.staff], extensions: ["201"], investigationId: hold.id });
    expect(row.startsAt.toISOString()).toBe("2026-11-20T12:00:00.000Z");

    const actions = (await t.ctx.db.auditEntry.findMany({ where: { action: { not: "identity.linked" } }, orderBy: { seq: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["hold.placed", "covert.authorised"]);
    await t.deliver();
    const told = t.channel.to(P.dpo, "compliance-notice");
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ title: `Covert monitoring authorised (${view.reference})` });
    expect(t.channel.to(P.staff)).toHaveLength(0);
  });

  it("links to an open investigation, and refuses a legal hold or a closed investigation", async () => {
    const first = await authoriseCovertMonitoring(t.ctx, monitorEllie());
    const second = await authoriseCovertMonitoring(t.ctx, monitorEllie({ actorEmail: P.ceo, newInvestigation: undefined, investigation: first.investigation.reference.replace(/-0+/, "-"), staffEmails: [P.requester] }));
    expect(second.investigation.reference).toBe(first.investigation.reference);
    expect(await t.ctx.db.hold.count()).toBe(1);

    const legal = await t.ctx.db.hold.create({ data: { reference: "HOLD-000900", kind: "LEGAL", reason: "Tribunal", maskedNumbers: [], createdBy: P.dpo, createdAt: t.clock.now() } });
    await expectCode(authoriseCovertMonitoring(t.ctx, monitorEllie({ newInvestigation: undefined, investigation: legal.reference })), "WRONG_STATE");
    await t.ctx.db.hold.create({ data: { reference: "HOLD-000901", kind: "INVESTIGATION", reason: "Old", maskedNumbers: [], createdBy: P.dpo, createdAt: t.clock.now(), releasedAt: t.clock.now() } });
    await expectCode(authoriseCovertMonitoring(t.ctx, monitorEllie({ newInvestigation: undefined, investigation: "HOLD-000901" })), "WRONG_STATE");
    await expectCode(authoriseCovertMonitoring(t.ctx, monitorEllie({ newInvestigation: undefined, investigation: "HOLD-000999" })), "NOT_FOUND");
    await expectCode(authoriseCovertMonitoring(t.ctx, monitorEllie({ newInvestigation: undefined })), "INVALID_INPUT");
    expect(await t.ctx.db.covertAuthorisation.count()).toBe(2);
  });

  it("keeps the start and review dates honest", async () => {
    await expectCode(authoriseCovertMonitoring(t.ctx, monitorEllie({ start: "2026-11-19" })), "INVALID_INPUT");
    await expectCode(authoriseCovertMonitoring(t.ctx, monitorEllie({ review: "2026-11-20" })), "INVALID_INPUT");
    const late = await expectCode(authoriseCovertMonitoring(t.ctx, monitorEllie({ review: "2026-12-21" })), "INVALID_INPUT");
    expect(late.message).toContain("no later than 20/12/2026");
    await expectCode(authoriseCovertMonitoring(t.ctx, monitorEllie({ review: "2026-02-30" })), "INVALID_INPUT");
    await expectCode(authoriseCovertMonitoring(t.ctx, monitorEllie({ reason: "Suspicion" })), "REASON_REQUIRED");
    const later = await authoriseCovertMonitoring(t.ctx, monitorEllie({ start: "2026-12-01", review: "2026-12-15" }));
    expect(later.reviewOn).toBe("2026-12-15");
    const row = await t.ctx.db.covertAuthorisation.findUniqueOrThrow({ where: { id: later.id } });
    expect(row.startsAt.toISOString()).toBe("2026-12-01T00:00:00.000Z");
  });

  it("reminds the authoriser a week before the review and on the day, exactly once each", async () => {
    const view = await authoriseCovertMonitoring(t.ctx, monitorEllie());
    expect(await remindCovertReviews(t.ctx)).toEqual({ reminded: 0 });

    t.clock.set(new Date("2026-12-12T23:30:00Z"));
    expect(await remindCovertReviews(t.ctx)).toEqual({ reminded: 0 });
    t.clock.set(new Date("2026-12-13T09:00:00Z"));
    // Two instances at once: one reminder.
    const racing = await Promise.all([remindCovertReviews(t.ctx), remindCovertReviews(t.ctx)]);
    expect(racing.reduce((n, r) => n + r.reminded, 0)).toBe(1);
    t.clock.set(new Date("2026-12-19T22:00:00Z"));
    expect(await remindCovertReviews(t.ctx)).toEqual({ reminded: 0 });
    t.clock.set(new Date("2026-12-20T08:00:00Z"));
    expect(await remindCovertReviews(t.ctx)).toEqual({ reminded: 1 });
    expect(await remindCovertReviews(t.ctx)).toEqual({ reminded: 0 });
    t.clock.set(new Date("2026-12-24T08:00:00Z"));
    expect(await remindCovertReviews(t.ctx)).toEqual({ reminded: 0 });

    await t.deliver();
    const reminders = t.channel.to(P.southHead, "compliance-notice");
    expect(reminders.map((n) => n.kind === "compliance-notice" && n.title)).toEqual([`Covert monitoring review coming up (${view.reference})`, `Covert monitoring review due (${view.reference})`]);
    expect(t.channel.to(P.staff)).toHaveLength(0);
    const audited = await t.ctx.db.auditEntry.findMany({ where: { action: "covert.review-reminded" } });
    expect(audited.map((a) => (a.details as { stage: string }).stage)).toEqual(["soon", "due"]);

    // A review sets the next date, and the reminders start again for it.
    const reviewed = await reviewCovertMonitoring(t.ctx, { reference: view.reference, actorEmail: P.southHead, note: "Still needed: evidence is incomplete" });
    expect(reviewed.reviewOn).toBe("2027-01-24");
    t.clock.set(new Date("2027-01-17T10:00:00Z"));
    expect(await remindCovertReviews(t.ctx)).toEqual({ reminded: 1 });
    expect(await remindCovertReviews(t.ctx)).toEqual({ reminded: 0 });
  });

  it("lets only the authoriser or someone who could authorise it review it", async () => {
    const view = await authoriseCovertMonitoring(t.ctx, monitorEllie());
    await expectCode(reviewCovertMonitoring(t.ctx, { reference: view.reference, actorEmail: P.northHead, note: "Looks fine to me" }), "FORBIDDEN");
    await expectCode(reviewCovertMonitoring(t.ctx, { reference: view.reference, actorEmail: P.southHead, note: "ok" }), "REASON_REQUIRED");
    await expectCode(reviewCovertMonitoring(t.ctx, { reference: view.reference, actorEmail: P.ceo, note: "Still needed, evidence incomplete", nextReview: "2027-01-21" }), "INVALID_INPUT");
    const byCeo = await reviewCovertMonitoring(t.ctx, { reference: view.reference, actorEmail: P.ceo, note: "Still needed, evidence incomplete", nextReview: "2026-12-10" });
    expect(byCeo.reviewOn).toBe("2026-12-10");
    const audit = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "covert.reviewed" } });
    expect(audit.details).toMatchObject({ previousReviewOn: "2026-12-20", nextReviewOn: "2026-12-10", note: "Still needed, evidence incomplete" });
  });

  it("ends by the authoriser or the DPO with a reason, once", async () => {
    const view = await authoriseCovertMonitoring(t.ctx, monitorEllie());
    await expectCode(endCovertMonitoring(t.ctx, { reference: view.reference, actorEmail: P.ceo, reason: "Not needed" }), "FORBIDDEN");
    await expectCode(endCovertMonitoring(t.ctx, { reference: view.reference, actorEmail: P.dpo, reason: "" }), "REASON_REQUIRED");
    const ended = await endCovertMonitoring(t.ctx, { reference: "cov-" + view.reference.slice(-1), actorEmail: P.dpo, reason: "Disproportionate" });
    expect(ended).toMatchObject({ status: "ENDED", endedBy: "Carys Evans", endReason: "Disproportionate" });
    await expectCode(endCovertMonitoring(t.ctx, { reference: view.reference, actorEmail: P.southHead, reason: "Finished" }), "ALREADY_DONE");
    await expectCode(reviewCovertMonitoring(t.ctx, { reference: view.reference, actorEmail: P.southHead, note: "Still needed for now" }), "WRONG_STATE");
    t.clock.set(new Date("2026-12-20T08:00:00Z"));
    expect(await remindCovertReviews(t.ctx)).toEqual({ reminded: 0 });
    await t.deliver();
    expect(t.channel.to(P.southHead, "compliance-notice")).toHaveLength(1);
  });

  it("ends when its investigation is closed", async () => {
    const view = await authoriseCovertMonitoring(t.ctx, monitorEllie());
    const other = await authoriseCovertMonitoring(t.ctx, monitorEllie({ actorEmail: P.ceo, staffEmails: [P.requester], newInvestigation: "Another matter entirely" }));
    const { endedCovert } = await releaseHold(t.ctx, { actorEmail: P.dpo, reference: view.investigation.reference, reason: "Investigation concluded" });
    expect(endedCovert).toEqual([view.reference]);
    const rows = await t.ctx.db.covertAuthorisation.findMany({ orderBy: { reference: "asc" } });
    expect(rows.map((r) => [r.reference, r.status])).toEqual([
      [view.reference, "ENDED"],
      [other.reference, "ACTIVE"],
    ]);
    const active = await listCovertAuthorisations(t.ctx, { actorEmail: P.dpo });
    expect(active.map((v) => v.reference)).toEqual([other.reference]);
    expect((await listCovertAuthorisations(t.ctx, { actorEmail: P.dpo, all: true })).map((v) => v.reference)).toContain(view.reference);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it("lists to the DPO everything and to an authoriser their own, and to nobody else", async () => {
    const mine = await authoriseCovertMonitoring(t.ctx, monitorEllie());
    await authoriseCovertMonitoring(t.ctx, monitorEllie({ actorEmail: P.ceo, staffEmails: [P.requester], newInvestigation: "Another matter entirely" }));
    expect(await listCovertAuthorisations(t.ctx, { actorEmail: P.dpo })).toHaveLength(2);
    expect((await listCovertAuthorisations(t.ctx, { actorEmail: P.southHead })).map((v) => v.reference)).toEqual([mine.reference]);
    await expectCode(listCovertAuthorisations(t.ctx, { actorEmail: P.staff }), "FORBIDDEN");
  });

  it("works from the DPO console", async () => {
    const as = (actorEmail: string) => ({ ctx: t.ctx, actorEmail, publicUrl: "https://callgate.test" });
    const authorised = await runConsole(
      as(P.southHead),
      `covert authorise --new-investigation "Refund fraud at South" --staff ${P.staff} --extension 201 --reason "Suspected fraud on refund calls; telling staff would prejudice it" --review 2026-12-18`,
      [covertConsole],
    );
    expect(authorised.title).toMatch(/^Covert monitoring COV-\d{6} authorised$/);
    const reference = /COV-\d{6}/.exec(authorised.title)![0];
    expect(JSON.stringify(authorised.blocks)).toContain("18/12/2026");

    const listed = await runConsole(as(P.dpo), "covert list", [covertConsole]);
    expect(JSON.stringify(listed)).toContain(reference);
    const refused = await runConsole(as(P.staff), "covert list", [covertConsole]);
    expect(refused.title).toBe("Nothing was changed");

    const reviewed = await runConsole(as(P.southHead), `covert review ${reference.replace(/-0+/, "-")} --next 2026-12-15 --note "Evidence still being gathered"`, [covertConsole]);
    expect(reviewed.title).toBe(`Covert monitoring ${reference} reviewed`);
    const ended = await runConsole(as(P.southHead), `covert end ${reference} --reason "Investigation complete"`, [covertConsole]);
    expect(ended.title).toBe(`Covert monitoring ${reference} ended`);
    expect((await t.ctx.db.covertAuthorisation.findUniqueOrThrow({ where: { reference } })).status).toBe("ENDED");
  });
});
