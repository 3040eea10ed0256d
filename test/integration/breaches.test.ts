/**
 * Personal data breaches (UK GDPR Article 33): anyone reports one; the ICO
 * clock runs 72 hours from discovery, with reminders claimed once; the people
 * the policy names are told (ECS: the reporter's line manager and the DPO);
 * only the policy's breach closers record the ICO decision and close it; an
 * open breach is in every audit summary until it is closed.
 */
import { describe, expect, it } from "vitest";
import { extractText, getDocumentProxy } from "unpdf";
import { exportAuditPdf } from "../../src/core/audit/export-audit.ts";
import { summariseAudit } from "../../src/core/audit/summarise-audit.ts";
import { closeBreach } from "../../src/core/breaches/close-breach.ts";
import { listBreaches } from "../../src/core/breaches/list-breaches.ts";
import { recordBreachIcoDecision } from "../../src/core/breaches/record-breach-ico-decision.ts";
import { reportBreach } from "../../src/core/breaches/report-breach.ts";
import { remindBreaches } from "../../src/core/jobs/remind-breaches.ts";
import { NOW, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { refusal } from "../support/expect-code.ts";
import { P, testPolicy, testPolicyInput } from "../support/test-policy.ts";

const HOUR = 3_600_000;
// ECS: "any member of staff who feels they have accidentally breached the above policy will be required to inform their line manager immediately".
const policy = () =>
  testPolicy({
    people: testPolicyInput.people.map((p) => (p.email === P.staff ? { ...p, lineManager: P.southHead } : p)),
    breaches: { notifyLineManager: true },
  });

describe.each(DATABASE_KINDS)("personal data breaches on %s", (kind) => {
  const t = useTestCore(kind, () => ({ policy: policy() }));

  it("records a report by any member of staff with a 72-hour ICO deadline from discovery, and tells their line manager and the DPO", async () => {
    const breach = await reportBreach(t.ctx, { actorEmail: P.staff, description: "I played a recording on speaker in the open office; a visitor heard it", discoveredOn: "20/11/2026", discoveredAt: "09:30", recordings: ["call-7"] });

    expect(breach).toMatchObject({ reference: "BRE-000001", status: "OPEN", recordingRefs: ["call-7"], icoDecision: null, overdue: false, reportedBy: { email: P.staff } });
    // 09:30 GMT on 20 November, plus 72 hours.
    expect(breach.deadlineAt.toISOString()).toBe("2026-11-23T09:30:00.000Z");
    expect(breach.hoursLeft).toBe(69);
    const audit = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "breach.reported" } });
    expect(audit).toMatchObject({ actor: P.staff, subjectId: breach.id });
    expect((audit.details as { told: string[] }).told.sort()).toEqual([P.dpo, P.southHead, P.staff].sort());
    await t.deliver();
    const [toManager] = t.channel.to(P.southHead, "compliance-notice");
    expect(toManager).toMatchObject({ title: "Personal data breach reported (BRE-000001)" });
    expect(JSON.stringify(toManager)).toContain("by Mon 23 Nov 2026, 09:30");
    expect(t.channel.to(P.dpo, "compliance-notice")).toHaveLength(1);
    expect(t.channel.to(P.ceo)).toHaveLength(0);
  });

  it("tells only the DPO when the policy does not ask for the line manager", async () => {
    t.ctx.policy = testPolicy({ people: testPolicyInput.people.map((p) => (p.email === P.staff ? { ...p, lineManager: P.southHead } : p)) });
    await reportBreach(t.ctx, { actorEmail: P.staff, description: "A recording link was forwarded to the wrong person", discoveredOn: "2026-11-20" });
    await t.deliver();
    expect(t.channel.to(P.southHead)).toHaveLength(0);
    expect(t.channel.to(P.dpo, "compliance-notice")).toHaveLength(1);
  });

  it("refuses a discovery in the future and a missing description, writing nothing but the refusal", async () => {
    expect(await refusal(reportBreach(t.ctx, { actorEmail: P.staff, description: "Something was sent to the wrong person", discoveredOn: "21/11/2026" }))).toMatchObject({ code: "DATE_IN_FUTURE", field: "discoveredOn" });
    expect(await refusal(reportBreach(t.ctx, { actorEmail: P.staff, description: "oops", discoveredOn: "20/11/2026" }))).toMatchObject({ code: "REASON_REQUIRED", field: "description" });
    expect(await refusal(reportBreach(t.ctx, { actorEmail: P.staff, description: "Something was sent to the wrong person", discoveredOn: "31/02/2026" }))).toMatchObject({ code: "INVALID_INPUT", field: "discoveredOn" });
    expect(await t.ctx.db.breach.count()).toBe(0);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "breach.refused" } })).toBe(3);
  });

  it("reminds at 24 hours and 4 hours left and once when overdue, never twice, and stops once the ICO decision is recorded", async () => {
    await reportBreach(t.ctx, { actorEmail: P.staff, description: "Call recordings were e-mailed outside the organisation", discoveredOn: "20/11/2026", discoveredAt: "12:00" });
    const run = async (hoursFromNow: number) => {
      t.clock.set(new Date(NOW.getTime() + hoursFromNow * HOUR));
      return remindBreaches(t.ctx);
    };
    expect(await run(1)).toEqual({ reminded: 0, overdue: 0 });
    expect(await run(49)).toEqual({ reminded: 1, overdue: 0 }); // 23 hours left
    expect(await run(50)).toEqual({ reminded: 0, overdue: 0 });
    expect(await run(69)).toEqual({ reminded: 1, overdue: 0 }); // 3 hours left
    expect(await run(69.5)).toEqual({ reminded: 0, overdue: 0 });
    expect(await run(73)).toEqual({ reminded: 0, overdue: 1 });
    expect(await run(80)).toEqual({ reminded: 0, overdue: 0 });
    expect(await t.ctx.db.auditEntry.count({ where: { action: "breach.reminded" } })).toBe(2);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "breach.overdue" } })).toBe(1);

    await reportBreach(t.ctx, { actorEmail: P.staff, description: "A second breach, decided in time", discoveredOn: "23/11/2026", discoveredAt: "20:00" });
    await recordBreachIcoDecision(t.ctx, { actorEmail: P.dpo, reference: "BRE-2", decision: "not-reportable", reason: "Recording was of a test call with no personal data" });
    expect(await run(200)).toEqual({ reminded: 0, overdue: 0 });
  });

  it("sends a missed reminder late, once, as the nearest mark", async () => {
    await reportBreach(t.ctx, { actorEmail: P.staff, description: "Call recordings were e-mailed outside the organisation", discoveredOn: "20/11/2026", discoveredAt: "12:00" });
    t.clock.set(new Date(NOW.getTime() + 70 * HOUR));
    expect(await remindBreaches(t.ctx)).toEqual({ reminded: 1, overdue: 0 });
    const entry = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "breach.reminded" } });
    expect(entry.details).toMatchObject({ hoursLeft: 4 });
    expect(await remindBreaches(t.ctx)).toEqual({ reminded: 0, overdue: 0 });
  });

  it("lets only the DPO record the ICO decision and close; closing needs the decision first; anyone may report", async () => {
    await reportBreach(t.ctx, { actorEmail: P.requester, description: "Playback link posted in a group chat", discoveredOn: "20/11/2026" });
    expect(await refusal(recordBreachIcoDecision(t.ctx, { actorEmail: P.ceo, reference: "BRE-000001", decision: "reported", icoReference: "ICO-123" }))).toMatchObject({ code: "FORBIDDEN" });
    expect(await refusal(closeBreach(t.ctx, { actorEmail: P.requester, reference: "BRE-000001", note: "Dealt with" }))).toMatchObject({ code: "FORBIDDEN" });
    expect(await refusal(closeBreach(t.ctx, { actorEmail: P.dpo, reference: "BRE-000001", note: "Dealt with" }))).toMatchObject({ code: "WRONG_STATE" });
    expect(await refusal(recordBreachIcoDecision(t.ctx, { actorEmail: P.dpo, reference: "BRE-000001", decision: "reported" }))).toMatchObject({ code: "INVALID_INPUT", field: "icoReference" });

    const reported = await recordBreachIcoDecision(t.ctx, { actorEmail: P.dpo, reference: "bre-1", decision: "reported", icoReference: "IC-98765-X1Y2" });
    expect(reported).toMatchObject({ icoDecision: "REPORTED", icoText: "Reported to the ICO (reference IC-98765-X1Y2)", hoursLeft: null });
    expect(await refusal(recordBreachIcoDecision(t.ctx, { actorEmail: P.dpo, reference: "BRE-1", decision: "not-reportable", reason: "changed my mind" }))).toMatchObject({ code: "ALREADY_DONE" });

    const closed = await closeBreach(t.ctx, { actorEmail: P.dpo, reference: "BRE-000001", note: "Link revoked, staff retrained" });
    expect(closed).toMatchObject({ closed: true, closedBy: { email: P.dpo }, closeNote: "Link revoked, staff retrained" });
    expect(await refusal(closeBreach(t.ctx, { actorEmail: P.dpo, reference: "BRE-000001", note: "again" }))).toMatchObject({ code: "ALREADY_DONE" });
    expect(await t.ctx.db.auditEntry.count({ where: { action: "breach.refused" } })).toBe(6);
    expect(await t.ctx.db.auditEntry.count({ where: { action: { in: ["breach.ico-recorded", "breach.closed"] } } })).toBe(2);
  });

  it("lets the roles the policy names close breaches instead of the DPO", async () => {
    t.ctx.policy = testPolicy({ breaches: { closeRoles: ["ceo"] } });
    await reportBreach(t.ctx, { actorEmail: P.staff, description: "Playback link posted in a group chat", discoveredOn: "20/11/2026" });
    expect(await refusal(recordBreachIcoDecision(t.ctx, { actorEmail: P.dpo, reference: "BRE-1", decision: "reported", icoReference: "IC-1234" }))).toMatchObject({ code: "FORBIDDEN" });
    await recordBreachIcoDecision(t.ctx, { actorEmail: P.ceo, reference: "BRE-1", decision: "reported", icoReference: "IC-1234" });
    expect((await listBreaches(t.ctx, { actorEmail: P.ceo })).map((b) => b.reference)).toEqual(["BRE-000001"]);
  });

  it("lists every open breach in every audit summary, whatever the period, until it is closed", async () => {
    await reportBreach(t.ctx, { actorEmail: P.staff, description: "Recording sent to the wrong e-mail address", discoveredOn: "01/11/2026", discoveredAt: "08:00" });
    const summary = await summariseAudit(t.ctx, { actorEmail: P.dpo, query: "last week" });
    expect(summary.breaches.open.map((b) => b.reference)).toEqual(["BRE-000001"]);
    expect(summary.breaches.overdue).toBe(1);
    const older = await summariseAudit(t.ctx, { actorEmail: P.dpo, query: "2026-01-01..2026-01-31" });
    expect(older.breaches.open).toHaveLength(1);
    await recordBreachIcoDecision(t.ctx, { actorEmail: P.dpo, reference: "BRE-1", decision: "not-reportable", reason: "Recipient was our own solicitor and deleted it" });
    expect((await summariseAudit(t.ctx, { actorEmail: P.dpo })).breaches.open).toHaveLength(1);
    await closeBreach(t.ctx, { actorEmail: P.dpo, reference: "BRE-1", note: "Confirmed deleted" });
    expect((await summariseAudit(t.ctx, { actorEmail: P.dpo })).breaches).toEqual({ open: [], overdue: 0 });
  });

  it("lists the open breach in the PDF report", async () => {
    await reportBreach(t.ctx, { actorEmail: P.staff, description: "Recording sent to the wrong e-mail address", discoveredOn: "19/11/2026", discoveredAt: "08:00" });
    const made = await exportAuditPdf(t.ctx, { actorEmail: P.dpo, query: "last 30 days" });
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(made.body)), { mergePages: true });
    expect(text).toContain("Open personal data breaches");
    expect(text).toContain("BRE-000001");
  });
});
