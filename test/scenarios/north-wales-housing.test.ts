/**
 * North Wales Housing, "Call Recording Policy and Procedure" (seed 002), with
 * Appendix 1 and the third-party release form: each rule in the document's
 * order (NWH-1 … NWH-28 in docs/policy-coverage.md), Given/When/Then through
 * the core commands with the real preset policies/north-wales-housing.yml,
 * on PGlite and PostgreSQL, against Azurite.
 */
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { reportBreach } from "../../src/core/breaches/report-breach.ts";
import { submitDisclosure, type SubmitDisclosureInput } from "../../src/core/disclosure/submit-disclosure.ts";
import { preserveRecording } from "../../src/core/holds/preserve-recording.ts";
import { capacityStatus, warnCapacity } from "../../src/core/jobs/warn-capacity.ts";
import { sweepRetention } from "../../src/core/jobs/sweep-retention.ts";
import { openPlayback } from "../../src/core/playback/open-playback.ts";
import { explainPolicy } from "../../src/core/policy/explain-policy.ts";
import { parsePolicy } from "../../src/core/policy/load-policy.ts";
import { fulfilRequest } from "../../src/core/requests/fulfil-request.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest, type SubmitRequestInput } from "../../src/core/requests/submit-request.ts";
import { closeSubjectAccess } from "../../src/core/subject-access/close-subject-access.ts";
import { extendSubjectAccess } from "../../src/core/subject-access/extend-subject-access.ts";
import { showSubjectAccess } from "../../src/core/subject-access/list-subject-access.ts";
import { logSubjectAccess, type LogSubjectAccessInput } from "../../src/core/subject-access/log-subject-access.ts";
import { NOW, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { expectCode, refusalsOf } from "../support/expect-code.ts";
import { pdfText } from "../support/pdf.ts";
import { type TestStorage, useTestStorage } from "../support/storage.ts";

const PRESET = "policies/north-wales-housing.yml";
const nwh = parsePolicy(readFileSync(PRESET, "utf8"), "north-wales-housing.yml");
const explained = explainPolicy(nwh).replace(/\s+/g, " ");

/** The preset's placeholder people, by the role the document names. */
const NWH = {
  teamLeader: "cs.team.leader@nwh.example",
  adCommunities: "ad.communities@nwh.example",
  dpo: "dpo@nwh.example",
  financeDirector: "finance.director@nwh.example",
  adviser: "customer.service@nwh.example",
  manager: "manager@nwh.example",
  itHelpdesk: "it.helpdesk@nwh.example",
} as const;
const APPENDIX_1_AUTHORISERS = [NWH.teamLeader, NWH.adCommunities, NWH.dpo].sort();

const DAY = 86_400_000;
const daysAgo = (n: number, hourUtc = 14) => new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate() - n, hourUtc, 32));
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const CALL_AT = daysAgo(2); // 18/11/2026 14:32 (GMT)
const CARD = "4111 1111 1111 1111";

const request = (over: Partial<SubmitRequestInput> = {}): SubmitRequestInput => ({
  requesterEmail: NWH.adviser,
  purposeId: "complaint",
  date: isoDay(CALL_AT),
  time: "14:30",
  windowMinutes: 30,
  direction: "inbound",
  number: "01248 960 001",
  reason: "Tenant complaint about how the call was handled on 18 November",
  ...over,
});

const police = (over: Partial<SubmitDisclosureInput> = {}): SubmitDisclosureInput => ({
  requesterEmail: NWH.dpo,
  date: isoDay(CALL_AT),
  time: "14:30",
  number: "01248 960 001",
  askingOrganisation: "North Wales Police",
  askingPerson: "PC Rhys Williams",
  askingRole: "Police Constable",
  askingContact: "rhys.williams@police.example",
  purpose: "Investigation of threats made to a housing officer",
  lawfulBasis: "DPA 2018 Schedule 2 Part 1 paragraph 2 (crime and taxation)",
  recipientName: "PC Rhys Williams",
  recipientJobTitle: "Police Constable",
  conditionAccepted: true,
  releaseMode: "link",
  ...over,
});

const storage = useTestStorage();

describe.each(DATABASE_KINDS)("North Wales Housing, Call Recording Policy and Procedure, on %s", (kind) => {
  const t = useTestCore(kind, { policy: nwh });
  beforeEach(() => storage.attach(t.ctx));

  const addCall = (fields: Partial<Parameters<TestStorage["addRecording"]>[1]> = {}) =>
    storage.addRecording(t.ctx, { startedAt: CALL_AT, number: "01248 960 001", extension: "201", siteId: "nwh", direction: "INBOUND", ...fields });

  /** Submits, has `approver` authorise, delivers, and returns the request and the requester's playback token. */
  async function authorised(over: Partial<SubmitRequestInput>, approver: string = NWH.teamLeader) {
    const submitted = await submitRequest(t.ctx, request(over));
    const decided = await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: approver, outcome: "approve" });
    await t.deliver();
    const granted = t.channel.to(submitted.requester.email, "access-granted");
    const token = granted.length > 0 && granted[0]!.kind === "access-granted" ? granted[0]!.playbackUrl.split("/play/")[1]! : null;
    return { submitted, decided, token };
  }

  describe("§1 Introduction and purpose of the system", () => {
    it("NWH-1 §1.1 the phone system records inbound and outbound calls on logged-in extensions: outside Callgate, and policy explain says so", () => {
      expect(explained).toContain("Which calls are recorded (by the phone system, not by Callgate) - Recorded: All inbound and outbound external calls, by default, on every extension logged into the BT Cloud App (§1.1, §1.5)");
    });

    it("NWH-2 §1.2 the purposes are training, quality, complaints, protecting colleagues from abusive callers and ASB: exactly Appendix 1's six, nothing else", async () => {
      const offered = nwh.purposes.map((p) => p.id);
      expect(offered).toEqual(["health-safety", "crime-asb", "it-support", "staff-investigation", "training-quality", "complaint"]);
      // "This will mostly be used by customer service team": an adviser may ask for the general reasons.
      for (const purposeId of ["health-safety", "crime-asb", "training-quality", "complaint"]) {
        await expect(submitRequest(t.ctx, request({ purposeId, submissionKey: `p-${purposeId}` }))).resolves.toMatchObject({ status: "PENDING_APPROVAL", purposeId });
      }
    });

    it("NWH-3 §1.3 calls are stored up to 90 days: older calls cannot be asked for, and the sweep deletes them", async () => {
      const old = await addCall({ startedAt: daysAgo(91), number: "01248 960 091" });
      const recent = await addCall({ startedAt: daysAgo(89), number: "01248 960 089" });
      const tooOld = await expectCode(submitRequest(t.ctx, request({ date: isoDay(daysAgo(92)) })), "DATE_TOO_OLD");
      expect(tooOld.field).toBe("date");
      const swept = await sweepRetention(t.ctx);
      expect(swept).toMatchObject({ deleted: 1 });
      expect(await t.ctx.db.recording.count({ where: { id: old.id } })).toBe(0);
      expect(await t.ctx.db.recording.count({ where: { id: recent.id } })).toBe(1);
    });

    it("NWH-4 §1.3 and note 1 a call a manager (or the IT Helpdesk) keeps within the 90 days falls under the Document and Data Retention Policy", async () => {
      const kept = await addCall({ startedAt: daysAgo(60), number: "01248 960 060" });
      const viaHelpdesk = await addCall({ startedAt: daysAgo(61), number: "01248 960 061" });
      const notKept = await addCall({ startedAt: daysAgo(62), number: "01248 960 062" });
      const hold = await preserveRecording(t.ctx, { actorEmail: NWH.manager, callIds: [kept.callId], classId: "document-retention", reason: "Relied on in a tenancy enforcement case" });
      expect(hold).toMatchObject({ kind: "PRESERVATION", createdBy: { email: NWH.manager }, preservation: { classId: "document-retention", keepUntilText: null, reviewOnText: "20/11/2027" } });
      await preserveRecording(t.ctx, { actorEmail: NWH.itHelpdesk, callIds: [viaHelpdesk.callId], classId: "document-retention", reason: "Manager asked the IT Helpdesk to keep it" });
      // A customer service adviser is neither a manager nor the IT Helpdesk.
      const refused = await expectCode(preserveRecording(t.ctx, { actorEmail: NWH.adviser, callIds: [notKept.callId], classId: "document-retention", reason: "I would like to keep this call" }), "FORBIDDEN");
      expect(refused.message).toContain("Manager");
      expect(await refusalsOf(t, "hold.refused")).toEqual([[NWH.adviser, "FORBIDDEN"]]);

      t.clock.set(new Date(NOW.getTime() + 40 * DAY)); // all three are now past 90 days
      await sweepRetention(t.ctx);
      expect(await t.ctx.db.recording.count({ where: { id: { in: [kept.id, viaHelpdesk.id] } } })).toBe(2);
      expect(await t.ctx.db.recording.count({ where: { id: notKept.id } })).toBe(0);
      await t.deliver();
      expect(t.channel.to(NWH.dpo, "compliance-notice").length).toBeGreaterThanOrEqual(2);
    });

    it("NWH-5 §1.4 up to 100,000 recordings within 90 days: the DPO is warned as the limit nears", async () => {
      const insert = (n: number, at: Date, prefix: string) =>
        t.ctx.db.$executeRawUnsafe(
          `INSERT INTO "Recording" ("id", "callId", "startedAt", "durationSeconds", "direction", "source") SELECT gen_random_uuid(), '${prefix}-' || g, $1::timestamptz, 60, 'INBOUND', 'CALL_LOG' FROM generate_series(1, ${n}) AS g`,
          at.toISOString(),
        );
      await insert(5000, daysAgo(100), "old"); // outside the 90-day period
      await insert(79_999, daysAgo(10), "cap");
      expect(await warnCapacity(t.ctx)).toEqual({ warned: [] });
      await insert(1, daysAgo(1), "last");
      expect(await capacityStatus(t.ctx)).toMatchObject({ count: 80_000, percent: 80, crossed: [80] });
      expect(await warnCapacity(t.ctx)).toEqual({ warned: [80] });
      expect(await warnCapacity(t.ctx)).toEqual({ warned: [] });
      await t.deliver();
      expect(t.channel.to(NWH.dpo, "compliance-notice").map((n) => (n.kind === "compliance-notice" ? n.title : ""))).toEqual(["Recording capacity at 80%"]);
    });

    it("NWH-6 §1.5 all external calls are recorded by default and a message tells callers: outside Callgate, policy explain says so, and covert monitoring is refused", () => {
      expect(explained).toContain("Recorded: Every call, with a recorded message at its start telling the caller that it is being recorded");
      expect(nwh.covertMonitoring.allowed).toBe(false);
    });
  });

  describe("§2 Data protection", () => {
    it("NWH-7 §2 calls are identified by telephone number, and also by time and date", async () => {
      const byNumber = await addCall({ number: "01248 960 001", extension: "201" });
      await addCall({ startedAt: daysAgo(2, 9), number: "01248 960 777", extension: "205" });
      const { decided } = await authorised({});
      expect(decided).toMatchObject({ status: "FULFILLED" });
      expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: decided.id } })).recordingId).toBe(byNumber.id);

      // A subject access request may describe the call by day and time (and extension) alone.
      const sar = await logSubjectAccess(t.ctx, { actorEmail: NWH.adviser, subjectName: "Jo Bloggs", channel: "phone", receivedOn: "20/11/2026", numbers: [], calls: [{ on: "18/11/2026", at: "14:30", extension: "201" }], identityVerification: "tenant, address confirmed" });
      const view = await showSubjectAccess(t.ctx, { actorEmail: NWH.dpo, reference: sar.reference });
      expect(view.items.map((i) => [i.recordingId, i.matchedBy])).toEqual([[byNumber.id, "description"]]);
    });

    it("NWH-8 §2.1 the personal data a call holds: outside Callgate (what callers say), but a card number typed into Callgate is refused", async () => {
      await expectCode(submitRequest(t.ctx, request({ reason: `Tenant gave card ${CARD} and their address` })), "INVALID_INPUT");
      expect(await t.ctx.db.recordingRequest.count()).toBe(0);
    });

    const sarInput = (over: Partial<LogSubjectAccessInput> = {}): LogSubjectAccessInput => ({
      actorEmail: NWH.adviser,
      subjectName: "Jo Bloggs",
      channel: "letter",
      receivedOn: "20/11/2026",
      numbers: ["01248 960 001"],
      identityVerification: "tenant, address confirmed",
      ...over,
    });

    it("NWH-9 §2.2 a Subject Access Request received must be passed to the DPO / Finance & Resources Director, who alone decide it", async () => {
      await addCall();
      const logged = await logSubjectAccess(t.ctx, sarInput());
      expect(logged.owner.email).toBe(NWH.dpo);
      const toDirector = await logSubjectAccess(t.ctx, sarInput({ owner: NWH.financeDirector, subjectName: "Sam Jones" }));
      expect(toDirector.owner.email).toBe(NWH.financeDirector);
      await expect(logSubjectAccess(t.ctx, sarInput({ owner: NWH.teamLeader }))).rejects.toMatchObject({ code: "INVALID_INPUT", field: "owner" });
      await t.deliver();
      expect(t.channel.to(NWH.dpo, "compliance-notice").map((n) => (n.kind === "compliance-notice" ? n.title : ""))).toContain(`Subject access request ${logged.reference} is yours`);
      expect(t.channel.to(NWH.financeDirector, "compliance-notice").map((n) => (n.kind === "compliance-notice" ? n.title : ""))).toContain(`Subject access request ${toDirector.reference} is yours`);

      // The adviser who logged it, and an Appendix 1 authoriser, can neither extend nor close it.
      for (const actorEmail of [NWH.adviser, NWH.teamLeader]) {
        await expect(extendSubjectAccess(t.ctx, { actorEmail, reference: toDirector.reference, months: 1, reason: "Many calls to review" })).rejects.toMatchObject({ code: "FORBIDDEN" });
        await expect(closeSubjectAccess(t.ctx, { actorEmail, reference: toDirector.reference, outcome: "withdrawn", reason: "Subject withdrew by letter" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      }
      expect((await refusalsOf(t, "subject-access.refused")).filter(([, code]) => code === "FORBIDDEN")).toHaveLength(4);
      await expect(extendSubjectAccess(t.ctx, { actorEmail: NWH.financeDirector, reference: toDirector.reference, months: 1, reason: "Many calls to review" })).resolves.toMatchObject({ extendedByMonths: 1 });
    });

    it("NWH-10 §2.3 data can be disclosed to third parties in accordance with Appendix 1, authorised by its three roles", async () => {
      const { disclosure, request: made } = await submitDisclosure(t.ctx, police());
      expect(disclosure).toMatchObject({ recipientEntryId: "police", recipientCategory: "law-enforcement" });
      // The DPO recorded it, so one of the other two Appendix 1 roles decides.
      expect(disclosure.authoriserEmails.sort()).toEqual([NWH.adCommunities, NWH.teamLeader].sort());
      await expectCode(recordDecision(t.ctx, { requestId: made.id, deciderEmail: NWH.dpo, outcome: "approve" }), "SELF_APPROVAL");
      await expectCode(recordDecision(t.ctx, { requestId: made.id, deciderEmail: NWH.manager, outcome: "approve" }), "FORBIDDEN");
      // A body Appendix 1 does not name is refused unless the form names it as a third party.
      const insurer = await expectCode(submitDisclosure(t.ctx, police({ askingOrganisation: "Acme Insurance Ltd" })), "FORBIDDEN");
      expect(insurer.field).toBe("askingOrganisation");
      expect(insurer.message).toContain("named-on-form");
      await expect(submitDisclosure(t.ctx, police({ askingOrganisation: "Acme Insurance Ltd", recipientId: "named-on-form", submissionKey: "acme" }))).resolves.toMatchObject({ disclosure: { recipientCategory: "named-on-form" } });
      // A staff member outside the three roles cannot fill in the release form.
      await expectCode(submitDisclosure(t.ctx, police({ requesterEmail: NWH.adviser })), "FORBIDDEN");
    });

    it("NWH-11 §3 and §5 back-up in the BT/Ring Central cloud and the IT providers' administrative access: outside Callgate, and policy explain says so", () => {
      expect(explained).toContain("recordings are backed up in the BT/Ring Central cloud storage system");
      expect(explained).toContain("third-party IT providers have administrative access to it for service and maintenance");
    });

    it("NWH-12 §4 usage is strictly limited to the purposes above, and misuse is dealt with under the NWH Disciplinary Policy", async () => {
      const other = await expectCode(submitRequest(t.ctx, request({ purposeId: "marketing" })), "UNKNOWN_PURPOSE");
      expect(other.field).toBe("purpose");
      expect(await refusalsOf(t, "request.refused")).toEqual([[NWH.adviser, "UNKNOWN_PURPOSE"]]);
      await addCall();
      const { token } = await authorised({});
      const opened = await openPlayback(t.ctx, { token: token!, clientIp: "127.0.0.1", userAgent: "Test Browser/1.0", browserSecret: null });
      expect(opened.outcome).toBe("opened");
      expect(opened.outcome === "opened" ? opened.view.misuseText : "").toBe("Misuse of recordings is dealt with under the NWH Disciplinary Policy.");
    });

    it("NWH-13 §6 no card details on recorded calls: a typed card number is refused, naming Allpay", async () => {
      const refused = await expectCode(submitRequest(t.ctx, request({ reason: `Caller read out their card ${CARD} to pay rent` })), "INVALID_INPUT");
      expect(refused.field).toBe("reason");
      expect(refused.message).toContain("Card payments are never taken on a recorded line: they are taken through Allpay. Calls for payments must continue to be diverted to Allpay (§6).");
      const breach = await expectCode(reportBreach(t.ctx, { actorEmail: NWH.adviser, description: `Card ${CARD} was read out on a recorded line`, discoveredOn: "20/11/2026" }), "INVALID_INPUT");
      expect(breach.message).toContain("Allpay");
      expect(await t.ctx.db.recordingRequest.count()).toBe(0);
      expect(await t.ctx.db.breach.count()).toBe(0);
      expect(JSON.stringify((await t.ctx.db.auditEntry.findMany()).map((e) => e.details))).not.toContain("4111");
    });
  });

  describe("§7 to §9 Review, responsibilities, complaints", () => {
    it("NWH-14 §7 the policy is reviewed every three years or when legislation changes", () => {
      expect(nwh.organisation.review).toMatchObject({ every: { amount: 3, unit: "years" } });
      expect(explained).toContain("Written policy: reviewed every 3 years; also whenever a change in legislation is introduced");
    });

    it("NWH-15 §8 Example 1 no access without authorisation; Example 2 no copying or distributing", async () => {
      await addCall();
      const submitted = await submitRequest(t.ctx, request());
      await t.deliver();
      expect(t.channel.to(NWH.adviser, "access-granted")).toHaveLength(0);
      await expectCode(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: NWH.adviser, outcome: "approve" }), "SELF_APPROVAL");
      await expectCode(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: NWH.manager, outcome: "approve" }), "FORBIDDEN");
      expect((await refusalsOf(t, "decision.refused")).map(([actor]) => actor)).toEqual([NWH.adviser, NWH.manager]);
      expect(await t.ctx.db.playbackGrant.count()).toBe(0);

      await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: NWH.adCommunities, outcome: "approve" });
      await t.deliver();
      const [granted] = t.channel.to(NWH.adviser, "access-granted");
      const token = granted!.kind === "access-granted" ? granted!.playbackUrl.split("/play/")[1]! : "";
      // Play-only, bound to the requester's browser: a forwarded link does not play elsewhere.
      expect(nwh.playback.allowDownload).toBe(false);
      const first = await openPlayback(t.ctx, { token, clientIp: "127.0.0.1", userAgent: "Test Browser/1.0", browserSecret: null });
      expect(first.outcome).toBe("opened");
      const forwarded = await openPlayback(t.ctx, { token, clientIp: "127.0.0.2", userAgent: "Other Browser/2.0", browserSecret: null });
      expect(forwarded).toMatchObject({ outcome: "refused", code: "OTHER_BROWSER" });
    });

    it("NWH-16 §8 data breaches are dealt with under the Information Security and Data Breach Policy", async () => {
      const breach = await reportBreach(t.ctx, { actorEmail: NWH.adviser, description: "A recording link was forwarded to a tenant by mistake", discoveredOn: "20/11/2026", discoveredAt: "09:30" });
      expect(breach).toMatchObject({ status: "OPEN", reportedBy: { email: NWH.adviser } });
      await t.deliver();
      const [notice] = t.channel.to(NWH.dpo, "compliance-notice");
      expect(notice).toMatchObject({ title: `Personal data breach reported (${breach.reference})` });
      expect(JSON.stringify(notice)).toContain("Handle it under the Information Security and Data Breach Policy.");
    });

    it("NWH-17 §9 complaints go to the Customer Service Team Leader and are dealt with jointly with the DPO", () => {
      expect(nwh.routes.complaints).toMatchObject({ handledBy: ["cs-team-leader", "dpo"] });
      expect(explained).toContain("handled by Customer Service Team Leader (Placeholder Customer Service Team Leader) and Data Protection Officer (Placeholder Data Protection Officer)");
    });

    it("NWH-18 §9 the right to complain to the ICO, with its contact details", () => {
      expect(nwh.routes.ico).toMatchObject({ address: "Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF", email: "casework@ico.org.uk", website: "https://ico.org.uk" });
      expect(explained).toContain("the Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF, 0303 123 1113 (fax 01625 524 510), casework@ico.org.uk, https://ico.org.uk");
    });
  });

  describe("Appendix 1: reasons for releasing or reviewing recordings, and who authorises each", () => {
    const rows: [string, string, string][] = [
      ["NWH-19", "health-safety", "row 1 health, safety and security of residents, staff and other users"],
      ["NWH-20", "crime-asb", "row 2 prevention of crime and anti-social behaviour (e.g. Police)"],
      ["NWH-23", "training-quality", "row 5 training and quality monitoring"],
      ["NWH-24", "complaint", "row 6 complaint handling"],
    ];
    it.each(rows)("%s Appendix 1 %s: %s, authorised by the Customer Service Team Leader / Assistant Director of Communities / DPO", async (_id, purposeId) => {
      await addCall();
      const submitted = await submitRequest(t.ctx, request({ purposeId }));
      expect(submitted.authoriserEmails.sort()).toEqual(APPENDIX_1_AUTHORISERS);
      await t.deliver();
      for (const email of APPENDIX_1_AUTHORISERS) expect(t.channel.to(email, "approval-needed")).toHaveLength(1);
      await expectCode(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: NWH.financeDirector, outcome: "approve" }), "FORBIDDEN");
      // Any one of the three suffices.
      const decided = await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: NWH.dpo, outcome: "approve" });
      expect(decided.status).toBe("FULFILLED");
    });

    it("NWH-21 Appendix 1 row 3 IT support services only on a valid request from the relevant manager", async () => {
      const adviser = await expectCode(submitRequest(t.ctx, request({ purposeId: "it-support", reason: "The recording cut out half way through the call" })), "FORBIDDEN");
      expect(adviser.field).toBe("purpose");
      const helpdesk = await expectCode(submitRequest(t.ctx, request({ requesterEmail: NWH.itHelpdesk, purposeId: "it-support", reason: "The recording cut out half way through the call" })), "FORBIDDEN");
      expect(helpdesk.field).toBe("purpose");
      expect(await refusalsOf(t, "request.refused")).toEqual([
        [NWH.adviser, "FORBIDDEN"],
        [NWH.itHelpdesk, "FORBIDDEN"],
      ]);
      const byManager = await submitRequest(t.ctx, request({ requesterEmail: NWH.manager, purposeId: "it-support", reason: "The recording cut out half way through the call" }));
      expect(byManager.authoriserEmails.sort()).toEqual(APPENDIX_1_AUTHORISERS);
    });

    it("NWH-22 Appendix 1 row 4 staff investigation: the member of staff concerned, or a party to the call, can never authorise it", async () => {
      const reason = "Reasonable suspicion of a breach of the NWH Code of Conduct on this call with a tenant";
      // It must name the member of staff; a customer service adviser cannot ask for it.
      expect((await expectCode(submitRequest(t.ctx, request({ requesterEmail: NWH.manager, purposeId: "staff-investigation", reason })), "INVALID_INPUT")).field).toBe("concernsEmail");
      expect((await expectCode(submitRequest(t.ctx, request({ purposeId: "staff-investigation", reason, concernsEmail: NWH.teamLeader })), "FORBIDDEN")).field).toBe("purpose");

      // About the Customer Service Team Leader: they are never asked and cannot decide it.
      const aboutLeader = await submitRequest(t.ctx, request({ requesterEmail: NWH.manager, purposeId: "staff-investigation", reason, concernsEmail: NWH.teamLeader, extension: "202", number: undefined }));
      expect(aboutLeader.concerns).toEqual({ email: NWH.teamLeader, name: "Placeholder Customer Service Team Leader" });
      expect(aboutLeader.authoriserEmails.sort()).toEqual([NWH.adCommunities, NWH.dpo].sort());
      await t.deliver();
      expect(t.channel.to(NWH.teamLeader, "approval-needed")).toHaveLength(0);
      const refused = await expectCode(recordDecision(t.ctx, { requestId: aboutLeader.id, deciderEmail: NWH.teamLeader, outcome: "deny", reason: "Not needed, this is about me" }), "CONFLICT_OF_INTEREST");
      expect(refused.message).toContain("the request concerns you");
      expect(await refusalsOf(t, "decision.refused")).toEqual([[NWH.teamLeader, "CONFLICT_OF_INTEREST"]]);

      // About the adviser, on a call the Assistant Director took part in (extension 301): only the team leader or the DPO.
      const onAdCall = await submitRequest(t.ctx, request({ requesterEmail: NWH.manager, purposeId: "staff-investigation", reason, concernsEmail: NWH.adviser, extension: "301", number: undefined }));
      expect(onAdCall.authoriserEmails.sort()).toEqual([NWH.dpo, NWH.teamLeader].sort());
      await expectCode(recordDecision(t.ctx, { requestId: onAdCall.id, deciderEmail: NWH.adCommunities, outcome: "approve" }), "CONFLICT_OF_INTEREST");
      const approved = await recordDecision(t.ctx, { requestId: onAdCall.id, deciderEmail: NWH.dpo, outcome: "approve" });
      expect(approved.status).not.toBe("PENDING_APPROVAL");
    });
  });

  describe("Release of call recording to 3rd parties: request form and authorisation", () => {
    it("NWH-25 form item 1 date, time and telephone number (if known): a request without the time searches the whole day", async () => {
      const morning = await addCall({ startedAt: daysAgo(2, 8) });
      const submitted = await submitRequest(t.ctx, request({ time: "" }));
      const row = await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: submitted.id } });
      expect([row.windowStart.toISOString(), row.windowEnd.toISOString()]).toEqual(["2026-11-18T00:00:00.000Z", "2026-11-19T00:00:00.000Z"]);
      await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: NWH.teamLeader, outcome: "approve" });
      expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: submitted.id } })).recordingId).toBe(morning.id);
      // The release form too, and a range of days where the date is not known either.
      const { request: disclosed } = await submitDisclosure(t.ctx, police({ time: "" }));
      expect(disclosed.windowText).toBeTruthy();
      await expect(submitRequest(t.ctx, request({ date: isoDay(daysAgo(8)), dateTo: isoDay(daysAgo(2)), time: undefined, submissionKey: "range" }))).resolves.toMatchObject({ status: "PENDING_APPROVAL" });
      expect((await expectCode(submitRequest(t.ctx, request({ date: isoDay(daysAgo(9)), dateTo: isoDay(daysAgo(2)), time: undefined })), "WINDOW_TOO_WIDE")).field).toBe("dateTo");
    });

    it("NWH-25 form item 1 '… telephone number (if known)': the release form may leave the number out, and the IT Helpdesk picks the call; a request inside NWH still gives it (§2)", async () => {
      const call = await addCall();
      const { request: made, disclosure } = await submitDisclosure(t.ctx, police({ number: undefined }));
      expect([disclosure.maskedNumber, disclosure.extension]).toEqual([expect.any(String), null]);
      await recordDecision(t.ctx, { requestId: made.id, deciderEmail: NWH.teamLeader, outcome: "approve" });
      // One call fits the date and time, yet Callgate never matches a call the form does not identify by number.
      const row = await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: made.id } });
      expect([row.status, row.externalNumber, row.extension]).toEqual(["AWAITING_FULFILMENT", null, null]);
      const asked = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { requestId: made.id, action: "request.awaiting-fulfilment" } });
      expect(asked.details).toMatchObject({ fulfillers: [NWH.itHelpdesk], identifiedBy: "date-and-time", candidates: 1 });
      await fulfilRequest(t.ctx, { requestId: made.id, fulfillerEmail: NWH.itHelpdesk, recordingId: call.id });
      await t.deliver();
      const form = await t.ctx.db.deliveredFile.findFirstOrThrow({ where: { kind: "disclosure-form" } });
      // The filled form names the call the helpdesk picked, with its number, and who picked it.
      const text = await pdfText(await storage.readFile(form.blobName));
      expect(text).toMatch(/Telephone number 01248 ?960 ?001/);
      expect(text).toContain("Call found and request completed by Placeholder IT Helpdesk Analyst");
      // §2 "Calls will be identified by telephone number": a request inside NWH gives the number or the extension.
      const noNumber = await expectCode(submitRequest(t.ctx, request({ number: undefined, submissionKey: "no-number" })), "INVALID_INPUT");
      expect([noNumber.field, noNumber.message]).toEqual(["number", "Give the external number or the extension, so the call can be found."]);
      expect(explained).toContain("The disclosure form may leave out the telephone number and the extension if they are not known; the call is then picked from its day, time and the form's other details by the people who find recordings, never matched by Callgate alone.");
    });

    it("NWH-26 form items 2 to 5 person requesting, purpose with its lawful basis considered, on behalf of a third party, date of request", async () => {
      // No recipient carries a default lawful basis: each form states its own.
      const noBasis = await expectCode(submitDisclosure(t.ctx, police({ lawfulBasis: undefined })), "INVALID_INPUT");
      expect(noBasis.field).toBe("lawfulBasis");
      const { disclosure, request: made } = await submitDisclosure(
        t.ctx,
        police({ requestedByEmail: NWH.teamLeader, onBehalfOf: "North Wales Police, incident reference NWP-2026-1234", requestReceivedOn: "17/11/2026" }),
      );
      expect(disclosure.requestedByText).toContain("Placeholder Customer Service Team Leader (staff) for PC Rhys Williams (Police Constable), North Wales Police");
      // The member of staff who asked never authorises; nor does the DPO who recorded it.
      expect(disclosure.authoriserEmails).toEqual([NWH.adCommunities]);
      await expectCode(recordDecision(t.ctx, { requestId: made.id, deciderEmail: NWH.teamLeader, outcome: "approve" }), "SELF_APPROVAL");
      const entry = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "disclosure.requested" } });
      expect(entry.details).toMatchObject({ requesterKind: "staff", requestedByEmail: NWH.teamLeader, requestReceivedOn: "2026-11-17", onBehalfOf: "North Wales Police, incident reference NWP-2026-1234", lawfulBasis: "DPA 2018 Schedule 2 Part 1 paragraph 2 (crime and taxation)" });
      expect(JSON.stringify(entry.details)).not.toContain("rhys.williams@police.example");
    });

    it("NWH-27 recordings remain NWH's property and are only used for the purposes agreed on release", async () => {
      const refused = await expectCode(submitDisclosure(t.ctx, police({ conditionAccepted: false })), "INVALID_INPUT");
      expect(refused.field).toBe("conditionAccepted");
      expect(refused.message).toContain("remains the property of North Wales Housing and is used only for the purpose agreed");
      expect(await t.ctx.db.disclosure.count()).toBe(0);
      await addCall();
      const { request: made } = await submitDisclosure(t.ctx, police());
      await recordDecision(t.ctx, { requestId: made.id, deciderEmail: NWH.adCommunities, outcome: "approve" });
      await t.deliver();
      const released = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "disclosure.released" } });
      expect(released.details).toMatchObject({ agreedPurpose: "Investigation of threats made to a housing officer" });
    });

    it("NWH-28 the form records the recipient's name and job title, the date of disclosure, who authorised it and when", async () => {
      await addCall();
      const { request: made } = await submitDisclosure(t.ctx, police({ requestReceivedOn: "17/11/2026" }));
      t.clock.advance(2 * 60 * 60_000);
      await recordDecision(t.ctx, { requestId: made.id, deciderEmail: NWH.teamLeader, outcome: "approve" });
      await t.deliver();
      const file = await t.ctx.db.deliveredFile.findFirstOrThrow({ where: { ownerEmail: NWH.dpo, kind: "disclosure-form" } });
      const text = await pdfText(await storage.readFile(file.blobName));
      for (const expected of [
        "PC Rhys Williams, Police Constable",
        "Date of disclosure 20/11/2026",
        "Date of request 17/11/2026",
        "Purpose agreed on release Investigation of threats made to a housing officer",
        "Authorised by Placeholder Customer Service Team Leader",
        "Date of authorisation",
        "authorise the release of the above recording",
      ]) {
        expect(text).toContain(expected);
      }
    });
  });
});
