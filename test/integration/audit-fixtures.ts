/**
 * A crafted month for the audit summary tests (NOW is Friday 20 November
 * 2026, 12:00 GMT; the default period runs from 22 October 00:00 BST). Every
 * figure the tests assert follows from the table below, worked out by hand:
 *
 * ref  requester  purpose       site   status    created (UTC)         decided after  approvals / denial
 *  1   Ben        safeguarding  north  FULFILLED 2026-11-02 10:00      10 min         Amara
 *  2   Ben        safeguarding  north  FULFILLED 2026-11-03 10:00      20 min         Amara
 *  3   Ben        safeguarding  north  DENIED    2026-11-04 10:00      30 min         Amara denies
 *  4   Ben        disciplinary  north  FULFILLED 2026-11-05 10:00      40 min         Farid + Carys
 *  5   Ben        disciplinary  north  FULFILLED 2026-11-06 10:00      600 min        Farid + Carys
 *  6   Ben        disciplinary  north  FULFILLED 2026-11-09 10:00      50 min         Farid + Carys
 *  7   Ben        safeguarding  north  PENDING   2026-10-23 17:30 (18:30 BST, outside hours)
 *  8   Ben        safeguarding  north  WITHDRAWN 2026-10-21 23:30 (00:30 BST on the 22nd: in the period, outside hours)
 *  9   Amara      safeguarding  north  EXPIRED   2026-10-24 09:00 (a Saturday)
 * 10   Grace      safeguarding  south  DENIED    2026-10-23 07:30 (08:30 BST)  15 min   Farid denies
 * 11   Ellie      own-calls     south  FULFILLED 2026-11-10 08:00 (08:00 GMT)  25 min   Grace
 * 12   Ben        safeguarding  north  DENIED    2026-10-21 22:30 (23:30 BST on the 21st: before the period)
 * 13   Grace      safeguarding  south  FULFILLED 2026-11-11 17:59               35 min   Farid + Amara
 * 14   Grace      safeguarding  south  PENDING   2026-11-12 18:00 (outside hours)
 *
 * Ben asks about 020 7946 0001 in 1, 2 and 3. In the period: 13 requests
 * (Ben 8, Grace 3, Amara 1, Ellie 1: median 2, so Ben's 8 is over 3 times it).
 * Decision times 10, 15, 20, 25, 30, 35, 40, 50, 600 min: median 30, slowest
 * CG-000005. Farid and Carys approve 4, 5 and 6 together.
 */
import { appendAudit } from "../../src/core/audit/append-audit.ts";
import type { AuditAction } from "../../src/core/audit/audit-actions.ts";
import type { CoreContext } from "../../src/core/context.ts";
import { transact } from "../../src/core/context.ts";
import { maskPhoneNumber } from "../../src/core/phone.ts";
import { P } from "../support/test-policy.ts";

export const NUMBER_1 = "+442079460001";

type Row = {
  n: number;
  by: string;
  purpose: string;
  site: string;
  status: "FULFILLED" | "DENIED" | "PENDING_APPROVAL" | "WITHDRAWN" | "EXPIRED";
  at: string;
  decidedAfter?: number;
  approvals?: string[];
  denial?: { by: string; reason: string };
  number?: string | null;
};

export const REQUESTS: Row[] = [
  { n: 1, by: P.requester, purpose: "safeguarding", site: "north", status: "FULFILLED", at: "2026-11-02T10:00:00Z", decidedAfter: 10, approvals: [P.northHead], number: NUMBER_1 },
  { n: 2, by: P.requester, purpose: "safeguarding", site: "north", status: "FULFILLED", at: "2026-11-03T10:00:00Z", decidedAfter: 20, approvals: [P.northHead], number: NUMBER_1 },
  { n: 3, by: P.requester, purpose: "safeguarding", site: "north", status: "DENIED", at: "2026-11-04T10:00:00Z", decidedAfter: 30, denial: { by: P.northHead, reason: "Not proportionate to the concern" }, number: NUMBER_1 },
  { n: 4, by: P.requester, purpose: "disciplinary", site: "north", status: "FULFILLED", at: "2026-11-05T10:00:00Z", decidedAfter: 40, approvals: [P.ceo, P.dpo], number: "+442079460002" },
  { n: 5, by: P.requester, purpose: "disciplinary", site: "north", status: "FULFILLED", at: "2026-11-06T10:00:00Z", decidedAfter: 600, approvals: [P.ceo, P.dpo], number: "+442079460003" },
  { n: 6, by: P.requester, purpose: "disciplinary", site: "north", status: "FULFILLED", at: "2026-11-09T10:00:00Z", decidedAfter: 50, approvals: [P.ceo, P.dpo], number: "+442079460004" },
  { n: 7, by: P.requester, purpose: "safeguarding", site: "north", status: "PENDING_APPROVAL", at: "2026-10-23T17:30:00Z", number: "+442079460005" },
  { n: 8, by: P.requester, purpose: "safeguarding", site: "north", status: "WITHDRAWN", at: "2026-10-21T23:30:00Z", number: "+442079460006" },
  { n: 9, by: P.northHead, purpose: "safeguarding", site: "north", status: "EXPIRED", at: "2026-10-24T09:00:00Z", number: "+442079460007" },
  { n: 10, by: P.southHead, purpose: "safeguarding", site: "south", status: "DENIED", at: "2026-10-23T07:30:00Z", decidedAfter: 15, denial: { by: P.ceo, reason: "Insufficient reason given" }, number: "+442079460008" },
  { n: 11, by: P.staff, purpose: "own-calls", site: "south", status: "FULFILLED", at: "2026-11-10T08:00:00Z", decidedAfter: 25, approvals: [P.southHead], number: null },
  { n: 12, by: P.requester, purpose: "safeguarding", site: "north", status: "DENIED", at: "2026-10-21T22:30:00Z", decidedAfter: 15, denial: { by: P.northHead, reason: "Before the period" }, number: NUMBER_1 },
  { n: 13, by: P.southHead, purpose: "safeguarding", site: "south", status: "FULFILLED", at: "2026-11-11T17:59:00Z", decidedAfter: 35, approvals: [P.ceo, P.northHead], number: "+442079460009" },
  { n: 14, by: P.southHead, purpose: "safeguarding", site: "south", status: "PENDING_APPROVAL", at: "2026-11-12T18:00:00Z", number: "+442079460010" },
];

export const ref = (n: number) => `CG-${String(n).padStart(6, "0")}`;

/** Inserts the table's requests and decisions, plus link events, SARs, deletions and covert authorisations. Returns request ids by number. */
export async function seedAuditMonth(ctx: CoreContext): Promise<Map<number, string>> {
  const ids = new Map<number, string>();
  for (const row of REQUESTS) {
    const createdAt = new Date(row.at);
    const decidedAt = row.decidedAfter === undefined ? null : new Date(createdAt.getTime() + row.decidedAfter * 60_000);
    const request = await ctx.db.recordingRequest.create({
      data: {
        reference: ref(row.n),
        requesterEmail: row.by,
        purposeId: row.purpose,
        type: "RECORDING",
        status: row.status,
        siteId: row.site,
        windowStart: new Date(createdAt.getTime() - 86_400_000),
        windowEnd: new Date(createdAt.getTime() - 86_000_000),
        externalNumber: row.number ?? null,
        extension: row.number ? null : "201",
        reason: "A reason long enough",
        createdAt,
        decidedAt,
        closedAt: row.status === "PENDING_APPROVAL" ? null : (decidedAt ?? createdAt),
      },
    });
    ids.set(row.n, request.id);
    for (const approver of row.approvals ?? []) {
      await ctx.db.decision.create({ data: { requestId: request.id, deciderEmail: approver, outcome: "APPROVED", decidedAt: decidedAt! } });
    }
    if (row.denial) await ctx.db.decision.create({ data: { requestId: request.id, deciderEmail: row.denial.by, outcome: "DENIED", reason: row.denial.reason, decidedAt: decidedAt! } });
    await audit(ctx, { at: createdAt, actor: row.by, action: "request.submitted", subjectType: "request", subjectId: request.id, requestId: request.id, purposeId: row.purpose, details: { reference: ref(row.n), number: maskPhoneNumber(row.number ?? null) } });
    if (row.denial) await audit(ctx, { at: decidedAt!, actor: row.denial.by, action: "request.denied", subjectType: "request", subjectId: request.id, requestId: request.id, purposeId: row.purpose, details: { reference: ref(row.n), reason: row.denial.reason } });
  }

  // Links: issued for 1, 2 and 4 (and for 12, before the period); 1 opened twice and expired, 2 opened twice and revoked.
  const link = (n: number, action: AuditAction, at: string, grant: string) =>
    audit(ctx, { at: new Date(at), actor: action === "playback.opened" ? P.requester : "system", action, subjectType: "grant", subjectId: grant, requestId: ids.get(n)!, purposeId: REQUESTS[n - 1]!.purpose, details: {} });
  await link(12, "grant.issued", "2026-10-21T22:50:00Z", "g12");
  await link(1, "grant.issued", "2026-11-02T10:11:00Z", "g1");
  await link(2, "grant.issued", "2026-11-03T10:21:00Z", "g2");
  await link(4, "grant.issued", "2026-11-05T10:41:00Z", "g4");
  await link(1, "playback.opened", "2026-11-02T11:00:00Z", "g1");
  await link(1, "playback.opened", "2026-11-03T11:00:00Z", "g1");
  await link(2, "playback.opened", "2026-11-03T12:00:00Z", "g2");
  await link(2, "playback.opened", "2026-11-04T12:00:00Z", "g2");
  await link(1, "grant.expired", "2026-11-09T10:11:00Z", "g1");
  await link(2, "grant.revoked", "2026-11-05T09:00:00Z", "g2");
  // A detail that (wrongly) holds a full number, to prove the export masks it anyway.
  await audit(ctx, { at: new Date("2026-11-16T09:00:00Z"), actor: "system", action: "test.legacy" as AuditAction, subjectType: "test", details: { note: `legacy ${NUMBER_1}` } });

  // Subject access: one overdue, one due in 11 days, one completed (not shown).
  const sar = (n: number, status: "OPEN" | "COMPLETED", receivedOn: string, dueOn: string) =>
    ctx.db.subjectAccessRequest.create({
      data: { reference: `SAR-${String(n).padStart(6, "0")}`, subjectName: "A Subject", numbers: ["+442079460099"], receivedOn: new Date(receivedOn), dueOn: new Date(dueOn), status, ownerEmail: P.dpo, openedAt: new Date(receivedOn) },
    });
  await sar(2, "OPEN", "2026-11-01", "2026-12-01");
  await sar(1, "OPEN", "2026-10-17", "2026-11-18");
  await sar(3, "COMPLETED", "2026-10-01", "2026-11-02");

  // Deletions: three under retention in the period (two rules), one by erasure, one before the period.
  const deletion = (rule: string, at: string, i: number) => ctx.db.deletionRecord.create({ data: { callId: `call-del-${i}`, rowSha256: "r".repeat(64), rule, deletedAt: new Date(at), deletedBy: "system" } });
  await deletion("retention:class:standard:12 months", "2026-11-01T02:00:00Z", 1);
  await deletion("retention:class:standard:12 months", "2026-11-08T02:00:00Z", 2);
  await deletion("retention:site:south:90 days", "2026-11-15T02:00:00Z", 3);
  await deletion("erasure:ERA-000001", "2026-11-10T02:00:00Z", 4);
  await deletion("retention:class:standard:12 months", "2026-10-20T02:00:00Z", 5);

  // Covert monitoring: one active with its review overdue, one ended.
  const hold = await ctx.db.hold.create({ data: { reference: "HOLD-000001", kind: "INVESTIGATION", reason: "Fraud investigation", maskedNumbers: [], createdBy: P.dpo, createdAt: new Date("2026-10-01T09:00:00Z") } });
  const covert = (n: number, status: "ACTIVE" | "ENDED", reviewOn: string) =>
    ctx.db.covertAuthorisation.create({
      data: { reference: `COV-${String(n).padStart(6, "0")}`, authorisedBy: P.ceo, authoriserRole: "ceo", extensions: ["201"], staffEmails: [P.staff], reason: "Suspected fraud", startsAt: new Date("2026-10-01T09:00:00Z"), reviewOn: new Date(reviewOn), investigationId: hold.id, status, createdAt: new Date("2026-10-01T09:00:00Z") },
    });
  await covert(1, "ACTIVE", "2026-11-19");
  await covert(2, "ENDED", "2026-11-01");
  return ids;
}

function audit(ctx: CoreContext, input: Parameters<typeof appendAudit>[1]) {
  return transact(ctx, (tx) => appendAudit(tx, input));
}
