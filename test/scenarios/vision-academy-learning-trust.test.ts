/**
 * Vision Academy Learning Trust's "Call Logs and Recordings" procedure (seed
 * 000), rule by rule in the document's order (VA-1 to VA-19,
 * docs/policy-coverage.md), through the core commands with the real preset
 * loaded, on PGlite and PostgreSQL. Rules the phone system carries out are
 * checked in what `policy explain` says.
 */
import { describe, expect, it } from "vitest";
import { reportBreach } from "../../src/core/breaches/report-breach.ts";
import { authoriseCovertMonitoring } from "../../src/core/covert/authorise-covert-monitoring.ts";
import { submitDisclosure } from "../../src/core/disclosure/submit-disclosure.ts";
import { sweepRetention } from "../../src/core/jobs/sweep-retention.ts";
import { explainPolicy } from "../../src/core/policy/explain-policy.ts";
import { loadPolicyFile } from "../../src/core/policy/load-policy.ts";
import { reviewDue, reviewPolicy } from "../../src/core/policy/review-policy.ts";
import { fulfilRequest } from "../../src/core/requests/fulfil-request.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest, type SubmitRequestInput } from "../../src/core/requests/submit-request.ts";
import { logSubjectAccess } from "../../src/core/subject-access/log-subject-access.ts";
import { addRecording, useTestCore, type TestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { expectCode } from "../support/expect-code.ts";
import { policeDisclosure } from "../support/inputs.ts";
import { useTestStorage } from "../support/storage.ts";

const policy = await loadPolicyFile("policies/vision-academy-learning-trust.yml");
const explained = explainPolicy(policy).replace(/\s+/g, " ");

const SLT_A = "slt.school-a@vision-academy.example"; // Senior Leadership Team, School A
const SLT_B = "slt.school-b@vision-academy.example"; // Senior Leadership Team, School B
const IT_MANAGER = "it.manager@vision-academy.example";
const IT_TECH = "it.technician@vision-academy.example"; // a member of the IT Department
const DPO = "dpo@vision-academy.example";

/** 19 November 2026, 14:32 (GMT, so UTC too); the test clock is 20/11/2026 12:00. */
const CALL_AT = new Date("2026-11-19T14:32:00Z");

/** A request as §3.1 has it: date, approximate time, inbound or outbound, and the telephone number. */
const ask = (over: Partial<SubmitRequestInput> = {}): SubmitRequestInput => ({
  requesterEmail: SLT_A,
  purposeId: "complaint",
  date: "2026-11-19",
  time: "14:30",
  windowMinutes: 30,
  direction: "inbound",
  number: "020 7946 0001",
  reason: "A parent complained about how the office handled her call",
  ...over,
});

const call = (t: TestCore, over: Partial<Parameters<typeof addRecording>[1]> = {}) => addRecording(t.ctx, { startedAt: CALL_AT, siteId: "school-a", extension: "201", ...over });

async function audit(t: TestCore, action: string) {
  return t.ctx.db.auditEntry.findMany({ where: { action }, orderBy: { seq: "asc" } });
}

/** The IT Department fulfils an SLT member's request: the request is authorised as it is made and waits for them. */
async function requestedAndFound(t: TestCore, over: Partial<SubmitRequestInput> = {}) {
  const recording = await call(t);
  const view = await submitRequest(t.ctx, ask(over));
  expect(view.status).toBe("AWAITING_FULFILMENT");
  const done = await fulfilRequest(t.ctx, { requestId: view.id, fulfillerEmail: IT_TECH, recordingId: recording.id });
  expect(done.status).toBe("FULFILLED");
  return { view, recording };
}

describe.each(DATABASE_KINDS)("Vision Academy Learning Trust (seed 000) on %s", (kind) => {
  const t = useTestCore(kind, { policy });

  describe("Title page", () => {
    it("VA-1 'Procedure Reviewed and Adopted by DPO': the DPO holds the compliance powers", async () => {
      expect(policy.compliance.dpoRoles).toEqual(["dpo"]);
      expect(explained).toContain("Data protection oversight From the document: Title page (\"Procedure Reviewed and Adopted by DPO\"). Data Protection Officer (Placeholder Data Protection Officer) can read the audit log");
      // Nobody else may decide what the DPO decides (an outside party's request, VA-19).
      await expectCode(submitDisclosure(t.ctx, policeDisclosure({ requesterEmail: SLT_A, date: "2026-11-19", lawfulBasis: undefined })), "FORBIDDEN");
      expect(await t.ctx.db.disclosure.count()).toBe(0);
    });

    it("VA-2 'Date of Next Review: May 2024': passed, so policy check warns", () => {
      expect(reviewDue(policy)?.toISOString().slice(0, 10)).toBe("2024-05-31");
      const review = reviewPolicy(policy, new Date("2026-12-03T12:00:00Z"));
      expect(review.contradictions).toEqual([]);
      expect(review.warnings).toContain("The written policy was due for review on 31/05/2024; ask for the current version and update this file from it.");
      expect(reviewPolicy(policy, new Date("2024-05-01T12:00:00Z")).warnings.join("\n")).not.toContain("due for review");
      expect(explained).toContain("Written policy: next review due 31/05/2024; Date of Next Review: May 2024.");
    });
  });

  describe("1. Introduction", () => {
    it("VA-3 'records all phone calls both inbound and outbound ... publicised on the relevant school's website' (outside Callgate: explain says so)", () => {
      expect(explained).toContain("Which calls are recorded (by the phone system, not by Callgate)");
      expect(explained).toContain("Recorded: All phone calls, inbound and outbound, at every school in the trust (publicised on the relevant school's website and privacy notices)");
    });

    it("VA-4 'stored offsite ... only accessible through the phone system's online portal': Callgate never lets anyone download a recording", () => {
      expect(policy.playback.allowDownload).toBe(false);
      expect(explained).toContain("Recordings can never be downloaded.");
    });
  });

  describe("2. Recording System Objectives", () => {
    it("VA-5 'To assist in safeguarding staff and members of the public contacting the school'", async () => {
      const { view } = await requestedAndFound(t, { purposeId: "safeguarding", reason: "A caller threatened the receptionist and mentioned a pupil" });
      expect(view.purposeLabel).toBe("Safeguarding staff or members of the public");
      expect(policy.purposes.map((p) => p.id)).toEqual(["safeguarding", "complaint"]);
    });
  });

  describe("3. Operation and Monitoring", () => {
    it("VA-6 'requires a system administrator role to be able to view all call logs and retrieve call recordings': only the IT Manager and IT Department find calls", async () => {
      const recording = await call(t);
      const view = await submitRequest(t.ctx, ask());
      await t.deliver();
      expect(t.channel.to(IT_MANAGER, "fulfilment-needed")).toHaveLength(1);
      expect(t.channel.to(IT_TECH, "fulfilment-needed")).toHaveLength(1);
      for (const other of [SLT_B, DPO]) {
        expect(t.channel.to(other, "fulfilment-needed")).toHaveLength(0);
        await expectCode(fulfilRequest(t.ctx, { requestId: view.id, fulfillerEmail: other, recordingId: recording.id }), "FORBIDDEN");
      }
      // The requester cannot retrieve it either.
      await expectCode(fulfilRequest(t.ctx, { requestId: view.id, fulfillerEmail: SLT_A, recordingId: recording.id }), "FORBIDDEN");
      expect((await audit(t, "fulfilment.refused")).map((e) => e.actor)).toEqual([SLT_B, DPO, SLT_A]);
    });

    it("VA-7 'Our lawful basis for processing call recordings is Article 6(1)(d)': every purpose, and every request, carries it", async () => {
      for (const purpose of policy.purposes) expect(purpose.lawfulBasis).toBe("UK GDPR Article 6(1)(d): to protect the vital interests of the data subject (§3)");
      const view = await submitRequest(t.ctx, ask({ type: "call-log" }));
      const [submitted] = await audit(t, "request.submitted");
      expect(submitted?.requestId).toBe(view.id);
      expect(explained).toContain("Lawful basis: UK GDPR Article 6(1)(d): to protect the vital interests of the data subject (§3)");
    });

    it("VA-8 'only be checked and acted upon, when a request from a member of the Senior Leadership Team is made'", async () => {
      expect(policy.requesting.roles).toEqual(["slt"]);
      for (const requesterEmail of [IT_MANAGER, IT_TECH, DPO]) {
        await expectCode(submitRequest(t.ctx, ask({ requesterEmail, siteId: "school-a" })), "FORBIDDEN");
      }
      expect((await audit(t, "request.refused")).map((e) => e.actor)).toEqual([IT_MANAGER, IT_TECH, DPO]);
      expect(await t.ctx.db.recordingRequest.count()).toBe(0);
      // An SLT member acts for their own school (assumed): not another's.
      await expectCode(submitRequest(t.ctx, ask({ requesterEmail: SLT_B, siteId: "school-a" })), "FORBIDDEN");
      const own = await submitRequest(t.ctx, ask({ requesterEmail: SLT_B }));
      expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: own.id } })).siteId).toBe("school-b");
    });

    it("VA-9 'Access to the phone portal, call logs and recordings is strictly controlled and only accessible by a system administrator': nobody but the requester is ever given the recording", async () => {
      await requestedAndFound(t);
      const grants = await t.ctx.db.playbackGrant.findMany();
      expect(grants.map((g) => g.requesterEmail)).toEqual([SLT_A]);
    });
  });

  describe("3.1 Request for call monitoring logs or recordings", () => {
    it("VA-10 'Complaint logged / issue arises ... pass on issues to a member of the Senior Leadership Team': a complaint or issue is a purpose only SLT may use", async () => {
      const complaint = policy.purposes.find((p) => p.id === "complaint")!;
      expect(complaint.label).toBe("Complaint or issue");
      expect(complaint.requestableBy).toBeUndefined(); // so requesting.roles: SLT only
      await expectCode(submitRequest(t.ctx, ask({ requesterEmail: IT_MANAGER, siteId: "school-a" })), "FORBIDDEN");
      const view = await submitRequest(t.ctx, ask());
      expect(view.requester.email).toBe(SLT_A);
    });

    it("VA-11 'Member of Senior Leadership Team to decide upon course of action': the SLT member's own decision authorises it; nobody approves and IT has no veto", async () => {
      await call(t);
      const view = await submitRequest(t.ctx, ask());
      expect(view.status).toBe("AWAITING_FULFILMENT");
      expect(view.selfAuthorisedBy).toBe("Member of the Senior Leadership Team");
      expect(view.authoriserEmails).toEqual([]);
      expect(await t.ctx.db.decision.count()).toBe(0);
      const [self] = await audit(t, "request.self-authorised");
      expect(self).toMatchObject({ actor: SLT_A, requestId: view.id, details: expect.objectContaining({ role: "Member of the Senior Leadership Team" }) });
      await t.deliver();
      expect(t.channel.to(IT_MANAGER, "approval-needed")).toHaveLength(0);
      // IT cannot approve or refuse: the SLT member has already decided.
      for (const outcome of ["approve", "deny"] as const) {
        await expectCode(recordDecision(t.ctx, { requestId: view.id, deciderEmail: IT_MANAGER, outcome, ...(outcome === "deny" ? { reason: "Not convinced this is needed" } : {}) }), "ALREADY_DECIDED");
      }
      expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: view.id } })).status).toBe("AWAITING_FULFILMENT");
      for (const purpose of policy.purposes) {
        expect(purpose.authorisation).toBe("requester");
        expect(purpose.approvals).toEqual([]);
      }
      expect(explained).toContain("Every purpose is authorised by the requester's own decision, so nobody else is asked to approve; a request still open after 14 days is closed.");
      expect(explained).toContain("Authorised by the requester's own decision (their role decides): the request goes straight to the people who find the recording, who have no veto");
    });

    it("VA-12 the request gives 'date, approximate time, if the call was inbound or outbound and telephone number'", async () => {
      const view = await submitRequest(t.ctx, ask({ direction: "outbound" }));
      const row = await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: view.id } });
      expect(row).toMatchObject({ direction: "OUTBOUND", externalNumber: "+442079460001" });
      expect(row.windowStart.toISOString()).toBe("2026-11-19T14:00:00.000Z");
      expect(row.windowEnd.toISOString()).toBe("2026-11-19T15:00:00.000Z");
      // The approximate time is required (requesting.callTime: required).
      expect(policy.requesting.callTime).toBe("required");
      const noTime = await expectCode(submitRequest(t.ctx, ask({ time: undefined })), "INVALID_INPUT");
      expect(noTime.field).toBe("time");
      const noNumber = await expectCode(submitRequest(t.ctx, ask({ number: undefined })), "INVALID_INPUT");
      expect(noNumber.field).toBe("number");
      // Whether it was inbound or outbound is required too (requesting.callDirection: required).
      const noDirection = await expectCode(submitRequest(t.ctx, ask({ direction: undefined })), "INVALID_INPUT");
      expect(noDirection.field).toBe("direction");
      expect((await audit(t, "request.refused")).map((e) => e.details)).toEqual([
        expect.objectContaining({ code: "INVALID_INPUT" }),
        expect.objectContaining({ code: "INVALID_INPUT" }),
        expect.objectContaining({ code: "INVALID_INPUT" }),
      ]);
      expect(await t.ctx.db.recordingRequest.count()).toBe(1);
      expect(explained).toContain("The requester must say whether the call was inbound or outbound.");
    });

    it("VA-13 'The Trust IT Manager or member of the IT Department ... download the call log or recording referring to the information provided'", async () => {
      const wanted = await call(t);
      const outbound = await call(t, { direction: "OUTBOUND", startedAt: new Date("2026-11-19T14:40:00Z") });
      const view = await submitRequest(t.ctx, ask({ type: "call-log" }));
      // Only a call matching the details given can be chosen.
      const wrong = await expectCode(fulfilRequest(t.ctx, { requestId: view.id, fulfillerEmail: IT_MANAGER, recordingId: outbound.id }), "INVALID_INPUT");
      expect(wrong.field).toBe("recordingId");
      const done = await fulfilRequest(t.ctx, { requestId: view.id, fulfillerEmail: IT_MANAGER, recordingId: wanted.id });
      expect(done.status).toBe("FULFILLED");
      const [fulfilled] = await audit(t, "request.fulfilled");
      expect(fulfilled).toMatchObject({ actor: IT_MANAGER, details: expect.objectContaining({ recordingId: wanted.id, type: "CALL_LOG" }) });
      await t.deliver();
      expect(t.channel.to(SLT_A, "call-log-ready")).toHaveLength(1);
    });

    it("VA-14 '(Call recordings will not be listened to)': IT picks from the call details only and is never given the audio", async () => {
      await call(t);
      await call(t, { startedAt: new Date("2026-11-19T14:45:00Z") });
      const view = await submitRequest(t.ctx, ask());
      await t.deliver();
      const [needed] = t.channel.to(IT_TECH, "fulfilment-needed");
      expect(needed?.kind).toBe("fulfilment-needed");
      if (needed?.kind !== "fulfilment-needed") throw new Error("no fulfilment notice");
      expect(needed.candidates).toHaveLength(2);
      for (const c of needed.candidates) {
        expect(Object.keys(c).sort()).toEqual(["callId", "direction", "durationSeconds", "extension", "hasAudio", "maskedNumber", "recordingId", "siteName", "startedAt", "startedAtText"]);
        expect(c.maskedNumber).not.toContain("7946 0001");
      }
      await fulfilRequest(t.ctx, { requestId: view.id, fulfillerEmail: IT_TECH, recordingId: needed.candidates[0]!.recordingId });
      expect(await t.ctx.db.playbackGrant.count({ where: { requesterEmail: { in: [IT_TECH, IT_MANAGER] } } })).toBe(0);
      expect(explained).toContain("always picks the recording from the call details (time, number, extension), without listening to it.");
    });

    it("VA-15 'only securely emailed to the member of Senior Leadership who initially requested the data': a play-only link to that person alone", async () => {
      const { view, recording } = await requestedAndFound(t);
      const grant = await t.ctx.db.playbackGrant.findFirstOrThrow({ where: { requestId: view.id } });
      expect(grant).toMatchObject({ recordingId: recording.id, requesterEmail: SLT_A });
      await t.deliver();
      expect(t.channel.to(SLT_A, "access-granted")).toHaveLength(1);
      for (const other of [SLT_B, IT_MANAGER, IT_TECH, DPO]) expect(t.channel.to(other, "access-granted")).toHaveLength(0);
      expect(policy.playback.allowDownload).toBe(false);
    });
  });

  describe("4. Call logs and recordings", () => {
    it("VA-16 'only to be accessed after an event has occurred or concern has been raised': the request says which, and a call not yet made cannot be asked for", async () => {
      const short = await expectCode(submitRequest(t.ctx, ask({ purposeId: "safeguarding", reason: "Just checking" })), "REASON_TOO_SHORT");
      expect(short.field).toBe("reason");
      expect(policy.purposes.find((p) => p.id === "safeguarding")!.reasonPrompt).toContain("What event has occurred or concern has been raised");
      const future = await expectCode(submitRequest(t.ctx, ask({ date: "2026-11-21" })), "DATE_IN_FUTURE");
      expect(future.field).toBe("date");
      expect(await t.ctx.db.recordingRequest.count()).toBe(0);
    });

    it("VA-17 'retained in line with our Privacy Notices': no period given, so 12 months is assumed and policy check warns", async () => {
      const old = await addRecording(t.ctx, { startedAt: new Date("2025-11-01T10:00:00Z"), siteId: "school-a", audio: false });
      const young = await addRecording(t.ctx, { startedAt: new Date("2025-12-15T10:00:00Z"), siteId: "school-b", audio: false });
      const result = await sweepRetention(t.ctx);
      expect(result.deleted).toBe(1);
      expect(await t.ctx.db.recording.count({ where: { id: old.id } })).toBe(0);
      expect(await t.ctx.db.recording.count({ where: { id: young.id } })).toBe(1);
      const { warnings } = reviewPolicy(policy, new Date("2026-12-03T12:00:00Z"));
      expect(warnings.some((w) => w.startsWith("retention.default is assumed") && w.includes("in line with our Privacy Notices"))).toBe(true);
    });

    it("VA-18 'The details required to access the logs and recordings are securely stored by the system administrators' (outside Callgate: the portal's log-in)", () => {
      // Callgate holds no portal credentials; only the fulfilment roles (the system administrators) find calls.
      expect(policy.fulfilment).toMatchObject({ mode: "fulfiller", roles: ["it-manager", "it-department"] });
      expect(explained).toContain("Trust IT Manager: Placeholder Trust IT Manager");
    });
  });

  describe("What the document does not say (VA-19)", () => {
    const storage = useTestStorage(t);

    it("VA-19 third-party disclosure: the sole DPO records and decides the police's request; an outsider not permitted is refused", async () => {
      await call(t);
      // The disclosure form names no direction: requesting.callDirection binds only the SLT request form.
      const police = await submitDisclosure(t.ctx, policeDisclosure({ requesterEmail: DPO, date: "2026-11-19", askingOrganisation: "West Midlands Police", lawfulBasis: undefined }));
      expect(police.disclosure).toMatchObject({ recipientCategory: "law-enforcement", lawfulBasis: "DPA 2018 Schedule 2 Part 1 paragraph 2 (crime and taxation)", recorderMayDecide: true, authoriserEmails: [DPO] });
      const decided = await recordDecision(t.ctx, { requestId: police.request.id, deciderEmail: DPO, outcome: "approve" });
      // As for any request, the IT Department then finds the call (§3.1).
      expect(decided.status).toBe("AWAITING_FULFILMENT");
      const recording = await t.ctx.db.recording.findFirstOrThrow();
      expect((await fulfilRequest(t.ctx, { requestId: police.request.id, fulfillerEmail: IT_TECH, recordingId: recording.id })).status).toBe("FULFILLED");
      const [requested] = await audit(t, "disclosure.requested");
      expect(requested?.details).toMatchObject({ requesterKind: "outside-party", recordedBy: DPO, recorderMayAuthorise: true, recipientEntryId: "police" });
      await t.deliver();
      expect(await audit(t, "disclosure.released")).toHaveLength(1);
      // A body the law obliges the trust to share with, chosen by id; anyone else is refused.
      const obliged = await submitDisclosure(t.ctx, policeDisclosure({ requesterEmail: DPO, date: "2026-11-19", askingOrganisation: "Birmingham County Court", recipientId: "legal-obligation", lawfulBasis: undefined }));
      expect(obliged.disclosure).toMatchObject({ recipientCategory: "legal-obligation", lawfulBasis: "UK GDPR Article 6(1)(c) (legal obligation)" });
      const press = await expectCode(submitDisclosure(t.ctx, policeDisclosure({ requesterEmail: DPO, date: "2026-11-19", askingOrganisation: "The Evening Gazette", lawfulBasis: undefined })), "FORBIDDEN");
      expect(press.field).toBe("askingOrganisation");
      expect(explained).toContain("Assumed for recorderMayAuthorise");
    });

    it("VA-19 subject access: any member of staff logs a request, and it goes to the DPO", async () => {
      await call(t);
      const logged = await logSubjectAccess(t.ctx, {
        actorEmail: SLT_B,
        subjectName: "Jo Bloggs",
        channel: "email",
        receivedOn: "20/11/2026",
        calls: [{ on: "19/11/2026", at: "14:30", direction: "inbound" }],
        numbers: ["020 7946 0001"],
        identityVerification: "photo ID seen at reception",
      });
      expect(logged.owner.email).toBe(DPO);
      expect(explained).toContain("Subject access requests Assumed (the document is silent or unclear)");
    });

    it("VA-19 covert monitoring is not allowed; a breach is told to the DPO with the law's 72 hours", async () => {
      await expectCode(authoriseCovertMonitoring(t.ctx, { actorEmail: DPO, staffEmails: [IT_TECH], reason: "Suspected misuse of the phone portal", newInvestigation: "Portal misuse" }), "FORBIDDEN");
      expect(await audit(t, "covert.refused")).toHaveLength(1);
      const breach = await reportBreach(t.ctx, { actorEmail: IT_TECH, description: "A call log was e-mailed to the wrong SLT member", discoveredOn: "20/11/2026", discoveredAt: "09:00" });
      expect(breach.reference).toMatch(/^BRE-/);
      await t.deliver();
      expect(t.channel.to(DPO, "compliance-notice").length).toBeGreaterThanOrEqual(1);
      expect(explained).toContain("Told of each report: Data Protection Officer (Placeholder Data Protection Officer). The ICO must be told within 72 hours of discovery");
    });
  });
});
