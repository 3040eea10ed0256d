/**
 * The DPO's audit summary, its chart and its exports, on both databases,
 * against the crafted month in audit-fixtures.ts (every expected figure is
 * worked out there by hand).
 */
import { parse as parseCsv } from "csv-parse/sync";
import { beforeEach, describe, expect, it } from "vitest";
import { appendAudit } from "../../src/core/audit/append-audit.ts";
import type { AuditAction } from "../../src/core/audit/audit-actions.ts";
import { renderRequestsChart } from "../../src/core/audit/audit-chart.ts";
import { exportAuditCsv, exportAuditPdf, sendAuditExport } from "../../src/core/audit/export-audit.ts";
import { summariseAudit, type AuditSummary } from "../../src/core/audit/summarise-audit.ts";
import { verifyAuditChain, verifyAuditChainFully, verifyAuditChainIncrementally } from "../../src/core/audit/verify-audit-chain.ts";
import { transact } from "../../src/core/context.ts";
import { AppError } from "../../src/core/errors.ts";
import { useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { rawPdfText } from "../support/pdf.ts";
import { useTestStorage } from "../support/storage.ts";
import { P } from "../support/test-policy.ts";
import { NUMBER_1, ref, seedAuditMonth } from "./audit-fixtures.ts";

const storage = useTestStorage();

/** PNG width and height from the IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString("ascii")).toBe("IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe.each(DATABASE_KINDS)("audit summary on %s", (kind) => {
  const t = useTestCore(kind, { linkEveryone: false });
  let ids: Map<number, string>;
  beforeEach(async () => {
    storage.attach(t.ctx);
    ids = await seedAuditMonth(t.ctx);
  });

  const summary = (query = "") => summariseAudit(t.ctx, { actorEmail: P.dpo, query });
  const entries = (action: string) => t.ctx.db.auditEntry.findMany({ where: { action }, orderBy: { seq: "asc" } });

  it("counts the period's requests by purpose, outcome and site, in local time", async () => {
    const s = await summary();
    expect(s.query.period.description).toBe("last 30 days (22/10/2026 to 20/11/2026)");
    expect(s.requests.total).toBe(13);
    expect(s.requests.byOutcome.map((o) => [o.status, o.count])).toEqual([
      ["FULFILLED", 7],
      ["DENIED", 2],
      ["WITHDRAWN", 1],
      ["EXPIRED", 1],
      ["PENDING_APPROVAL", 2],
    ]);
    expect(s.requests.byPurpose.map((o) => [o.label, o.count])).toEqual([
      ["Safeguarding", 9],
      ["Disciplinary", 3],
      ["My own calls", 1],
    ]);
    expect(s.requests.bySite.map((o) => [o.label, o.count])).toEqual([
      ["North Academy", 9],
      ["South Academy", 4],
    ]);
    // Weeks from Monday 19 October to Monday 16 November, zeros included.
    expect(s.requests.perWeek.map((w) => [w.weekStart, w.total])).toEqual([
      ["2026-10-19", 4],
      ["2026-10-26", 0],
      ["2026-11-02", 5],
      ["2026-11-09", 4],
      ["2026-11-16", 0],
    ]);
    expect(s.requests.perWeek[2]!.counts).toEqual({ FULFILLED: 4, DENIED: 1 });
  });

  it("gives the median and slowest time to decision", async () => {
    const s = await summary();
    expect(s.decisionTime).toEqual({ decided: 9, medianMinutes: 30, slowest: { reference: ref(5), minutes: 600 } });
  });

  it("counts links issued, opened, expired and revoked from the audit log", async () => {
    expect((await summary()).links).toEqual({ issued: 3, opened: 2, opens: 4, expired: 1, revoked: 1 });
    expect((await summary("purpose disciplinary")).links).toEqual({ issued: 1, opened: 0, opens: 0, expired: 0, revoked: 0 });
  });

  it("lists the period's denials with their reasons, newest first", async () => {
    const { denials } = await summary();
    expect(denials.total).toBe(2);
    expect(denials.items.map((d) => [d.reference, d.decider.name, d.reason, d.atText])).toEqual([
      [ref(3), "Amara Okafor", "Not proportionate to the concern", "Wed 4 Nov 2026, 10:30"],
      [ref(10), "Farid Khan", "Insufficient reason given", "Fri 23 Oct 2026, 08:45"],
    ]);
  });

  it("shows open subject access requests by deadline with the overdue one flagged, deletions under retention and active covert monitoring", async () => {
    const s = await summary();
    expect(s.subjectAccess.open.map((r) => [r.reference, r.dueOn, r.daysLeft, r.overdue])).toEqual([
      ["SAR-000001", "2026-11-18", -2, true],
      ["SAR-000002", "2026-12-01", 11, false],
    ]);
    expect(s.subjectAccess.overdue).toBe(1);
    expect(s.retention).toEqual({
      deleted: 3,
      byRule: [
        { rule: "retention:class:standard:12 months", count: 2 },
        { rule: "retention:site:south:90 days", count: 1 },
      ],
    });
    expect(s.covert.active).toHaveLength(1);
    expect(s.covert.active[0]).toMatchObject({ reference: "COV-000001", authorisedBy: { name: "Farid Khan" }, authoriserRole: "Chief Executive", extensions: ["201"], staff: [{ name: "Ellie Shaw" }], reviewOn: "2026-11-19", reviewOverdue: true });
  });

  it("finds each kind of anomaly on crafted data and explains the rule", async () => {
    const { anomalies: a } = await summary();
    expect(a.heavyRequesters.medianPerRequester).toBe(2);
    expect(a.heavyRequesters.items).toEqual([{ email: P.requester, name: "Ben Hughes", requests: 8, timesMedian: 4 }]);
    expect(a.heavyRequesters.rule).toContain("At least 5 requests and more than 3 times the median per requester (the median in this period is 2 from 4 requesters)");

    expect(a.outsideHours.total).toBe(4);
    expect(a.outsideHours.items.map((o) => [o.reference, o.why])).toEqual([
      [ref(8), "before 08:00"],
      [ref(7), "after 18:00"],
      [ref(9), "Saturday"],
      [ref(14), "after 18:00"],
    ]);
    expect(a.outsideHours.rule).toContain("before 08:00 or from 18:00, at weekends or on bank holidays (England and Wales)");

    expect(a.repeatedNumbers.items).toEqual([{ requester: { email: P.requester, name: "Ben Hughes" }, maskedNumber: "+44 •••••••001", requests: 3, references: [ref(1), ref(2), ref(3)] }]);
    expect(JSON.stringify(a)).not.toContain(NUMBER_1);

    expect(a.approverPairs.items).toEqual([{ approvers: [{ email: P.dpo, name: "Carys Evans" }, { email: P.ceo, name: "Farid Khan" }], requests: 3, references: [ref(4), ref(5), ref(6)] }]);
  });

  it("does not flag a requester with fewer than 5 requests, however far above the median", async () => {
    const { anomalies: a, requests } = await summary("purpose disciplinary");
    expect(requests.total).toBe(3);
    expect(a.heavyRequesters.items).toEqual([]);
    expect(a.approverPairs.items).toHaveLength(1);
    expect(a.repeatedNumbers.items).toEqual([]);
  });

  it("flags a request made on a bank holiday", async () => {
    await t.ctx.db.recordingRequest.create({
      data: { reference: ref(50), requesterEmail: P.requester, purposeId: "safeguarding", type: "RECORDING", status: "PENDING_APPROVAL", siteId: "north", windowStart: new Date("2026-08-30T10:00:00Z"), windowEnd: new Date("2026-08-30T11:00:00Z"), reason: "x", createdAt: new Date("2026-08-31T09:00:00Z") },
    });
    const { anomalies: a } = await summary("2026-08-01..2026-08-31");
    expect(a.outsideHours.items.map((o) => [o.reference, o.why, o.atText])).toEqual([[ref(50), "bank holiday", "Mon 31 Aug 2026, 10:00"]]);
  });

  it("narrows the request figures by person, site and reference", async () => {
    // Grace made 10, 13 and 14 and decided 11.
    const grace = await summary("person Grace Lee");
    expect(grace.requests.total).toBe(4);
    expect(grace.query.filterDescription).toBe("person Grace Lee");
    expect((await summary("person carys@trust.example")).requests.total).toBe(3);
    expect((await summary("site south")).requests.total).toBe(4);
    const one = await summary(`ref ${ref(5)}`);
    expect(one.requests.total).toBe(1);
    expect(one.decisionTime.slowest).toEqual({ reference: ref(5), minutes: 600 });
    // Not narrowed: organisation-wide sections.
    expect(one.subjectAccess.open).toHaveLength(2);
    await expect(summary("ref CG-999999")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses anyone but the DPO politely, and logs the refusal", async () => {
    const attempt = summariseAudit(t.ctx, { actorEmail: P.requester, query: "last 30 days person 020 7946 0001" });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("only for the Data Protection Officer (Carys Evans)") });
    await expect(summariseAudit(t.ctx, { actorEmail: "stranger@elsewhere.example" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(exportAuditCsv(t.ctx, { actorEmail: P.ceo })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("audit exports") });

    const refused = await entries("audit.access.refused");
    expect(refused.map((e) => [e.actor, (e.details as { attempted: string }).attempted, (e.details as { why: string }).why])).toEqual([
      [P.requester, "summary", "not a Data Protection Officer"],
      ["stranger@elsewhere.example", "summary", "not in the policy"],
      [P.ceo, "export-csv", "not a Data Protection Officer"],
    ]);
    expect((refused[0]!.details as { query: string }).query).toBe("last 30 days person [number removed]");
    expect(await entries("audit.summary.viewed")).toHaveLength(0);
    expect(await entries("audit.exported")).toHaveLength(0);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it("audits a summary with its query and no personal data", async () => {
    // October: 7, 8, 9, 10 and 12 (23:30 BST on 21 October).
    await summary("last month purpose safeguarding");
    const [viewed] = await entries("audit.summary.viewed");
    expect(viewed!.actor).toBe(P.dpo);
    expect(viewed!.details).toEqual({ query: "last month purpose:safeguarding", from: "2026-09-30T23:00:00.000Z", to: "2026-11-01T00:00:00.000Z", requests: 5, chainOk: true });
  });

  describe("the audit chain in the summary", () => {
    it("checks only the entries written since the last check", async () => {
      const first = await summary();
      const seeded = Number(first.chain.headSeq);
      expect(first.chain).toMatchObject({ ok: true, mode: "incremental", checked: seeded, fromSeq: 1n, verifiedTo: BigInt(seeded) });
      await transact(t.ctx, (tx) => appendAudit(tx, { at: t.clock.now(), actor: "system", action: "test.step" as AuditAction, subjectType: "test" }));
      const second = await summary();
      // The first summary's own entry and the one above.
      expect(second.chain).toMatchObject({ ok: true, checked: 2, fromSeq: BigInt(seeded + 1), headSeq: BigInt(seeded + 2) });
    });

    it("stops at its limit and carries on next time", async () => {
      const head = (await t.ctx.db.auditHead.findUniqueOrThrow({ where: { id: 1 } })).seq;
      const part = await verifyAuditChainIncrementally(t.ctx, { limit: 10 });
      expect(part).toMatchObject({ ok: true, checked: 10, verifiedTo: 10n, pending: Number(head) - 10 });
      const rest = await verifyAuditChainIncrementally(t.ctx, { limit: 1000 });
      expect(rest).toMatchObject({ ok: true, checked: Number(head) - 10, fromSeq: 11n, verifiedTo: head, pending: 0 });
    });

    it("catches an edit after the checkpoint at once", async () => {
      await summary();
      await transact(t.ctx, (tx) => appendAudit(tx, { at: t.clock.now(), actor: "system", action: "test.step" as AuditAction, subjectType: "test" }));
      const head = (await t.ctx.db.auditHead.findUniqueOrThrow({ where: { id: 1 } })).seq;
      await t.ctx.db.$executeRawUnsafe(`UPDATE "AuditEntry" SET actor = 'mallory@trust.example' WHERE seq = ${head}`);
      const s = await summary();
      expect(s.chain.ok).toBe(false);
      expect(s.chain.firstBad).toMatchObject({ seq: head, problem: `entry ${head} was altered after it was written` });
    });

    it("catches an edit to the checkpoint entry, and an older edit once the full check has run", async () => {
      const first = await summary();
      const checkpoint = first.chain.verifiedTo;
      // An older entry edited: the incremental check cannot see it...
      await t.ctx.db.$executeRawUnsafe(`UPDATE "AuditEntry" SET details = '{"reason":"edited"}' WHERE seq = 3`);
      expect((await summary()).chain.ok).toBe(true);
      // ...the full check can, and every summary shows it from then on.
      const full = await verifyAuditChainFully(t.ctx);
      expect(full.firstBad).toMatchObject({ seq: 3n });
      const after = await summary();
      expect(after.chain.ok).toBe(false);
      expect(after.chain.firstBad).toMatchObject({ seq: 3n, problem: "entry 3 was altered after it was written" });

      await t.ctx.db.$executeRawUnsafe(`UPDATE "AuditEntry" SET actor = 'mallory@trust.example' WHERE seq = ${checkpoint}`);
      const fresh = await verifyAuditChainIncrementally(t.ctx);
      expect(fresh.firstBad?.seq).toBe(3n); // the earlier break is still the first
    });

    it("notices a tail cut back past the checkpoint", async () => {
      const first = await summary();
      await t.ctx.db.$executeRawUnsafe(`DELETE FROM "AuditEntry" WHERE seq >= ${first.chain.verifiedTo - 2n}`);
      await t.ctx.db.$executeRawUnsafe(`UPDATE "AuditHead" SET seq = ${first.chain.verifiedTo - 3n}`);
      const s = await summary();
      expect(s.chain.ok).toBe(false);
      expect(s.chain.firstBad?.problem).toContain("removed from the end");
    });
  });

  it("draws the weekly chart as a PNG that changes with the data", async () => {
    const s = await summary();
    const png = await renderRequestsChart(s);
    const size = pngSize(png);
    expect(size.width).toBeGreaterThanOrEqual(800);
    expect(size.width).toBeLessThanOrEqual(3000);
    expect(size.height).toBeGreaterThanOrEqual(500);
    expect(size.height).toBeLessThanOrEqual(1200);
    const fewer: AuditSummary = { ...s, requests: { ...s.requests, perWeek: s.requests.perWeek.map((w, i) => (i === 2 ? { ...w, counts: { FULFILLED: 1 }, total: 1 } : w)) } };
    const other = await renderRequestsChart(fewer);
    expect(other.equals(png)).toBe(false);
    expect((await renderRequestsChart(s)).equals(png)).toBe(true);
  });

  it("exports every entry in the period as CSV, in UK time with numbers masked, and audits it", async () => {
    const made = await exportAuditCsv(t.ctx, { actorEmail: P.dpo });
    const rows = parseCsv(made.body.toString("utf8"), { columns: true }) as Record<string, string>[];
    // 13 submissions, 2 denials and 9 link events in the period, and one legacy entry.
    expect(rows).toHaveLength(25);
    expect(made.rows).toBe(25);
    expect(Object.keys(rows[0]!)).toEqual(["Seq", "Time", "Actor", "Action", "Subject", "Request", "Purpose", "Details"]);
    const withdrawn = rows.find((r) => r.Request === ref(8))!;
    expect(withdrawn).toMatchObject({ Time: "22/10/2026 00:30:00", Actor: P.requester, Action: "request.submitted", Purpose: "Safeguarding", Details: "number: +44 •••••••006; reference: CG-000008" });
    expect(rows.find((r) => r.Action === "test.legacy")!.Details).toBe("note: legacy +44 •••••••001");
    expect(made.body.toString("utf8")).not.toContain("2079460");
    expect(rows.map((r) => Number(r.Seq))).toEqual([...rows.map((r) => Number(r.Seq))].sort((a, b) => a - b));
    expect(rows.some((r) => r.Request === ref(12))).toBe(false);

    const [exported] = await entries("audit.exported");
    expect(exported!.details).toMatchObject({ query: "last 30 days", format: "csv", rows: 25, sha256: made.sha256, delivery: "returned" });
  });

  it("narrows the CSV by request and by person", async () => {
    const one = parseCsv((await exportAuditCsv(t.ctx, { actorEmail: P.dpo, query: `ref ${ref(1)}` })).body.toString(), { columns: true }) as Record<string, string>[];
    expect(one.map((r) => r.Action)).toEqual(["request.submitted", "grant.issued", "playback.opened", "playback.opened", "grant.expired"]);
    const farid = parseCsv((await exportAuditCsv(t.ctx, { actorEmail: P.dpo, query: "person Farid" })).body.toString(), { columns: true }) as Record<string, string>[];
    // Farid decided 4, 5, 6, 10 and 13: their submissions, his denial of 10, and the link issued for 4.
    expect(farid.map((r) => r.Request).sort()).toEqual([ref(10), ref(10), ref(13), ref(4), ref(4), ref(5), ref(6)].sort());
  });

  it("writes a PDF report with every section and the chart", async () => {
    const made = await exportAuditPdf(t.ctx, { actorEmail: P.dpo, query: "last 30 days" });
    expect(made.body.subarray(0, 5).toString()).toBe("%PDF-");
    expect(made.fileName).toBe("callgate-audit-2026-10-22-to-2026-11-20.pdf");
    const text = await rawPdfText(made.body);
    for (const expected of [
      "Audit report",
      "Test Learning Trust",
      "last 30 days (22/10/2026 to 20/11/2026)",
      "Carys Evans",
      "Intact",
      "Not proportionate to the concern",
      "SAR-000001",
      "OVERDUE by 2 days",
      "COV-000001",
      "retention:site:south:90 days",
      "+44 •••••••001",
      "Carys Evans and Farid Khan",
    ]) {
      expect(text).toContain(expected);
    }
    expect(made.body.includes(Buffer.from("/Subtype /Image"))).toBe(true);
    const [exported] = await entries("audit.exported");
    expect(exported!.details).toMatchObject({ format: "pdf", rows: 13 });
  });

  it("sends an export by direct message with a download link, audited in the same transaction", async () => {
    const { file, export: made } = await sendAuditExport(t.ctx, { actorEmail: P.dpo, query: "this month", format: "csv" });
    const row = await t.ctx.db.deliveredFile.findUniqueOrThrow({ where: { id: file.fileId } });
    expect(row).toMatchObject({ ownerEmail: P.dpo, kind: "audit-csv", fileName: made.fileName, sha256: made.sha256 });
    expect((await storage.readFile(row.blobName)).equals(made.body)).toBe(true);
    const outbox = await t.ctx.db.outboxMessage.findMany({ where: { kind: "file-ready" } });
    expect(outbox.map((o) => o.recipientEmail)).toEqual([P.dpo]);
    const [exported] = await entries("audit.exported");
    const [delivered] = await entries("file.delivered");
    expect(exported!.details).toMatchObject({ format: "csv", delivery: "direct message", query: "this month" });
    expect(delivered!.seq).toBe(exported!.seq + 1n);
  });
});
