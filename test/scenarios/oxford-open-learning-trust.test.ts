/**
 * The Oxford Open Learning Trust's call recording policy (seed 003), rule by
 * rule in the document's order (OOL-1 to OOL-20, docs/policy-coverage.md),
 * through the core commands with the real preset loaded, on PGlite and
 * PostgreSQL. Rules the phone system carries out are checked in what
 * `policy explain` says.
 */
import { describe, expect, it } from "vitest";
import { authoriseCovertMonitoring } from "../../src/core/covert/authorise-covert-monitoring.ts";
import { submitDisclosure } from "../../src/core/disclosure/submit-disclosure.ts";
import { sweepRetention } from "../../src/core/jobs/sweep-retention.ts";
import { explainPolicy } from "../../src/core/policy/explain-policy.ts";
import { loadPolicyFile } from "../../src/core/policy/load-policy.ts";
import { reviewDue, reviewPolicy } from "../../src/core/policy/review-policy.ts";
import type { PlaybackView } from "../../src/core/playback/open-playback.ts";
import { fulfilRequest } from "../../src/core/requests/fulfil-request.ts";
import { recordConsent } from "../../src/core/requests/record-consent.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest, type SubmitRequestInput } from "../../src/core/requests/submit-request.ts";
import { closeSubjectAccess } from "../../src/core/subject-access/close-subject-access.ts";
import { showSubjectAccess } from "../../src/core/subject-access/list-subject-access.ts";
import { logSubjectAccess, type LogSubjectAccessInput } from "../../src/core/subject-access/log-subject-access.ts";
import { renderPlayer } from "../../src/infra/http/playback/render.ts";
import { addRecording, useTestCore, type TestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { expectCode } from "../support/expect-code.ts";
import { policeDisclosure } from "../support/inputs.ts";
import { useTestStorage } from "../support/storage.ts";

const policy = await loadPolicyFile("policies/oxford-open-learning-trust.yml");
const explained = explainPolicy(policy).replace(/\s+/g, " ");

const GREG = "greg.smith@oolt.example"; // Head of Operations, the policy owner
const CSM = "customer.service.manager@oolt.example";
const SAFEGUARDING = "safeguarding@oolt.example";
const DIRECTOR = "director@oolt.example";
const HR = "hr.manager@oolt.example";
const ADVISER = "student.adviser@oolt.example"; // extension 201
const TUTOR = "tutor@oolt.example"; // extension 202

/** 19 November 2026, 14:32 (GMT, so UTC too). */
const CALL_AT = new Date("2026-11-19T14:32:00Z");

const ask = (over: Partial<SubmitRequestInput>): SubmitRequestInput => ({
  requesterEmail: CSM,
  purposeId: "complaint",
  date: "2026-11-19",
  time: "14:30",
  windowMinutes: 30,
  number: "020 7946 0001",
  reason: "A parent complained about how the call was handled",
  ...over,
});

const call = (t: TestCore, over: Parameters<typeof addRecording>[1] | object = {}) =>
  addRecording(t.ctx, { startedAt: CALL_AT, siteId: "oolt", extension: "201", ...over });

async function audit(t: TestCore, action: string) {
  return t.ctx.db.auditEntry.findMany({ where: { action }, orderBy: { seq: "asc" } });
}

/** An objective: an authorised person's own request is the authorisation, and the one call that fits plays at once. */
async function expectSelfAuthorised(t: TestCore, input: SubmitRequestInput, role: string) {
  const recording = await call(t);
  const view = await submitRequest(t.ctx, input);
  expect(view.status).toBe("FULFILLED");
  expect(view.selfAuthorisedBy).toBe(role);
  expect(await t.ctx.db.decision.count()).toBe(0);
  const [self] = await audit(t, "request.self-authorised");
  expect(self).toMatchObject({ actor: input.requesterEmail, details: expect.objectContaining({ role }) });
  const grant = await t.ctx.db.playbackGrant.findFirstOrThrow({ where: { requestId: view.id } });
  expect(grant).toMatchObject({ recordingId: recording.id, requesterEmail: input.requesterEmail });
  return view;
}

describe.each(DATABASE_KINDS)("The Oxford Open Learning Trust (seed 003) on %s", (kind) => {
  const t = useTestCore(kind, { policy });

  describe("Objectives of making audio recordings", () => {
    it("OOL-1 child protection: 'help monitor for and assess child protection issues', the Safeguarding Officer's own request authorising it", async () => {
      await expectSelfAuthorised(t, ask({ requesterEmail: SAFEGUARDING, purposeId: "child-protection", reason: "A student disclosed a concern about home during the call" }), "Safeguarding Officer");
      // A tutor is not one of the authorised people.
      await expectCode(submitRequest(t.ctx, ask({ requesterEmail: TUTOR, purposeId: "child-protection", reason: "A student disclosed a concern about home" })), "FORBIDDEN");
    });

    it("OOL-2 training: 'help identify staff training needs', a recording only, asked for by one of the authorised people", async () => {
      const training = policy.purposes.find((p) => p.id === "training")!;
      expect(training.requestTypes).toEqual(["recording"]);
      const logOnly = await expectCode(submitRequest(t.ctx, ask({ purposeId: "training", type: "call-log", employeeEmail: ADVISER, reason: "Handling of course-change questions" })), "INVALID_INPUT");
      expect(logOnly.field).toBe("type");
      const view = await submitRequest(t.ctx, ask({ purposeId: "training", employeeEmail: ADVISER, reason: "Handling of course-change questions for new advisers" }));
      expect(view.status).toBe("PENDING_APPROVAL");
      expect(view.selfAuthorisedBy).toBeNull();
    });

    it("OOL-3 staff protection: 'help protect staff from abusive or nuisance calls'", async () => {
      await expectSelfAuthorised(t, ask({ requesterEmail: CSM, purposeId: "staff-protection", reason: "The caller was abusive to the student adviser" }), "Customer Service Manager");
    });

    it("OOL-4 staff performance: 'help improve staff performance', without the consent training needs", async () => {
      const view = await expectSelfAuthorised(t, ask({ requesterEmail: DIRECTOR, purposeId: "staff-performance", reason: "Quarterly review of the adviser's calls with students" }), "Director of the company");
      expect(view.status).not.toBe("AWAITING_CONSENT");
    });

    it("OOL-5 complaint: 'establish the facts in the event of a complaint either by a customer or a member of staff', a recording or the call log", async () => {
      await expectSelfAuthorised(t, ask({ requesterEmail: GREG, purposeId: "complaint" }), "Head of Operations");
      const log = await submitRequest(t.ctx, ask({ requesterEmail: CSM, type: "call-log", reason: "A member of staff complained about a caller's conduct" }));
      expect(log.status).toBe("FULFILLED");
      expect(await t.ctx.db.playbackGrant.count()).toBe(1); // a call log gives no playback link
    });
  });

  describe("Which calls will be recorded? and What if the caller objects?", () => {
    it("OOL-6 calls to and from student advisers and tutors are recorded; calls between administration staff, and with tutors, are not routinely recorded (outside Callgate: explain says so)", () => {
      expect(explained).toContain("Which calls are recorded (by the phone system, not by Callgate)");
      expect(explained).toContain("Recorded: All calls between the trust and its customers, including calls to and from a student adviser and calls to and from a tutor");
      expect(explained).toContain("Not routinely recorded: Calls between the trust's administration staff");
      expect(explained).toContain("Not routinely recorded: Calls between the administration staff and the tutors");
    });

    it("OOL-7 'If you do not wish to have a call recorded please email the office or tutor' (outside Callgate: explain says so)", () => {
      expect(explained).toContain("A caller who objects to being recorded: the trust considers recording essential for safeguarding");
      expect(explained).toContain("e-mail the office or tutor with their enquiry instead.");
    });
  });

  describe("How long will the recordings be held?", () => {
    it("OOL-8 'Recordings are automatically deleted after 3 years'", async () => {
      const old = await addRecording(t.ctx, { startedAt: new Date("2023-11-01T10:00:00Z"), siteId: "oolt", audio: false });
      const young = await addRecording(t.ctx, { startedAt: new Date("2023-12-15T10:00:00Z"), siteId: "oolt", audio: false });
      const result = await sweepRetention(t.ctx);
      expect(result.deleted).toBe(1);
      expect(await t.ctx.db.recording.count({ where: { id: old.id } })).toBe(0);
      expect(await t.ctx.db.recording.count({ where: { id: young.id } })).toBe(1);
      expect(explained).toContain("Recordings are kept for 3 years and then deleted");
    });
  });

  describe("Who can monitor calls?", () => {
    it("OOL-9 monitoring 'may only be undertaken by authorised personnel and those who were part of the original call': the four authorised roles, and staff only for their own calls", async () => {
      for (const requesterEmail of [CSM, GREG, SAFEGUARDING, DIRECTOR]) {
        const view = await submitRequest(t.ctx, ask({ requesterEmail, type: "call-log" }));
        expect(view.selfAuthorisedBy).not.toBeNull();
      }
      // The HR manager and staff are not authorised people.
      for (const requesterEmail of [HR, ADVISER]) {
        await expectCode(submitRequest(t.ctx, ask({ requesterEmail })), "FORBIDDEN");
      }
      const refusals = await audit(t, "request.refused");
      expect(refusals.map((r) => r.actor)).toEqual([HR, ADVISER]);
      // Those who were part of the call: the own-calls purpose (OOL-11).
      const own = await submitRequest(t.ctx, { requesterEmail: ADVISER, purposeId: "own-calls", date: "2026-11-19", time: "14:30", windowMinutes: 30, reason: "Feedback on a difficult call" });
      expect(own.status).toBe("PENDING_APPROVAL");
    });

    it("OOL-10 'Any playback of recordings will take place in a private setting': play-only links, and the page asks for a private place", () => {
      expect(policy.playback.allowDownload).toBe(false);
      const view: PlaybackView = {
        grantId: "g",
        organisationName: policy.organisation.name,
        reference: "CG-000001",
        purposeLabel: "Child protection",
        requesterName: "Placeholder Safeguarding Officer",
        callAtText: "19/11/2026 14:32",
        directionText: "inbound",
        maskedNumber: "020 •••• 0001",
        durationText: "2 minutes",
        accessEndsText: "26/11/2026 14:32",
        misuseText: "",
      };
      const page = renderPlayer(view, "/play/x/audio");
      expect(page.html).toContain("Listen somewhere private");
      expect(page.html).toMatch(/controlsList="nodownload/);
      expect(explained).toContain("Recordings can never be downloaded.");
    });

    it("OOL-11 staff 'listen to their own recordings' for coaching: only their own calls, authorised by the HR manager", async () => {
      await call(t, { extension: "202", staffEmail: TUTOR }); // the tutor's call at the same time
      const mine = await call(t, { startedAt: new Date("2026-11-19T14:40:00Z"), extension: "201" });
      const view = await submitRequest(t.ctx, { requesterEmail: ADVISER, purposeId: "own-calls", date: "2026-11-19", time: "14:30", windowMinutes: 30, reason: "Feedback on a difficult call" });
      expect(view.authoriserEmails).toEqual([HR]);
      await expectCode(recordDecision(t.ctx, { requestId: view.id, deciderEmail: CSM, outcome: "approve" }), "FORBIDDEN");
      await expectCode(recordDecision(t.ctx, { requestId: view.id, deciderEmail: ADVISER, outcome: "approve" }), "SELF_APPROVAL");
      const decided = await recordDecision(t.ctx, { requestId: view.id, deciderEmail: HR, outcome: "approve" });
      expect(decided.status).toBe("FULFILLED");
      const grant = await t.ctx.db.playbackGrant.findFirstOrThrow({ where: { requestId: view.id } });
      expect(grant).toMatchObject({ recordingId: mine.id, requesterEmail: ADVISER });
      // Only staff use this purpose; the authorised people have the objectives.
      await expectCode(submitRequest(t.ctx, { requesterEmail: CSM, purposeId: "own-calls", date: "2026-11-19", time: "14:30", reason: "Listening to my own call" }), "FORBIDDEN");
    });

    it("OOL-12 training use needs 'the prior consent of the employee involved' and a consideration of 'any data protection implications for any third parties'", async () => {
      const recording = await call(t);
      const view = await submitRequest(t.ctx, ask({ purposeId: "training", employeeEmail: ADVISER, reason: "Handling of course-change questions for new advisers" }));
      expect(view.approvalNote?.prompt).toContain("data protection implications for any third parties");
      await expectCode(recordDecision(t.ctx, { requestId: view.id, deciderEmail: CSM, outcome: "approve", note: "Students are named; extract anonymised" }), "SELF_APPROVAL");
      const missing = await expectCode(recordDecision(t.ctx, { requestId: view.id, deciderEmail: DIRECTOR, outcome: "approve" }), "INVALID_INPUT");
      expect(missing.field).toBe("note");
      const note = "The student is named on the call; used only in a closed session, name not repeated";
      const approved = await recordDecision(t.ctx, { requestId: view.id, deciderEmail: DIRECTOR, outcome: "approve", note });
      expect(approved.status).toBe("AWAITING_CONSENT");
      expect(await t.ctx.db.playbackGrant.count()).toBe(0);
      const [entry] = await audit(t, "request.approved");
      expect(entry?.details).toMatchObject({ note });
      // Only the employee involved can consent.
      await expectCode(recordConsent(t.ctx, { requestId: view.id, employeeEmail: TUTOR, given: true }), "FORBIDDEN");
      const consented = await recordConsent(t.ctx, { requestId: view.id, employeeEmail: ADVISER, given: true });
      expect(consented.status).toBe("FULFILLED");
      const grant = await t.ctx.db.playbackGrant.findFirstOrThrow({ where: { requestId: view.id } });
      expect(grant.recordingId).toBe(recording.id);
    });

    it("OOL-12 without the employee's consent nobody listens", async () => {
      await call(t);
      const view = await submitRequest(t.ctx, ask({ purposeId: "training", employeeEmail: ADVISER, reason: "Handling of course-change questions for new advisers" }));
      await recordDecision(t.ctx, { requestId: view.id, deciderEmail: GREG, outcome: "approve", note: "No third party is identifiable on this call" });
      const refused = await recordConsent(t.ctx, { requestId: view.id, employeeEmail: ADVISER, given: false });
      expect(refused.status).toBe("CONSENT_REFUSED");
      expect(await audit(t, "consent.refused")).toHaveLength(1);
      expect(await t.ctx.db.playbackGrant.count()).toBe(0);
    });
  });

  describe("Secure storage for recordings", () => {
    it("OOL-13 access 'controlled and managed by The Head of Operations': he picks the call when several fit, nobody else", async () => {
      await call(t);
      const second = await call(t, { startedAt: new Date("2026-11-19T14:45:00Z") });
      const view = await submitRequest(t.ctx, ask({}));
      expect(view.status).toBe("AWAITING_FULFILMENT");
      await t.deliver();
      expect(t.channel.to(GREG, "fulfilment-needed")).toHaveLength(1);
      await expectCode(fulfilRequest(t.ctx, { requestId: view.id, fulfillerEmail: DIRECTOR, recordingId: second.id }), "FORBIDDEN");
      const done = await fulfilRequest(t.ctx, { requestId: view.id, fulfillerEmail: GREG, recordingId: second.id });
      expect(done.status).toBe("FULFILLED");
    });
  });

  describe("Subject access", () => {
    const sar = (over: Partial<LogSubjectAccessInput> = {}): LogSubjectAccessInput => ({
      actorEmail: TUTOR,
      subjectName: "Jo Bloggs",
      channel: "phone",
      receivedOn: "20/11/2026",
      calls: [{ on: "19/11/2026", at: "14:30", direction: "inbound" }],
      numbers: ["020 7946 0001"],
      identityVerification: "student number and date of birth confirmed",
      ...over,
    });

    it("OOL-14 requests are 'passed immediately to the Customer Service Manager' and 'a transcript or recording will be provided within one calendar month'", async () => {
      await call(t);
      const logged = await logSubjectAccess(t.ctx, sar());
      expect(logged.owner.email).toBe(CSM);
      await t.deliver();
      expect(t.channel.to(CSM, "compliance-notice").map((n) => (n.kind === "compliance-notice" ? n.title : ""))).toContain(`Subject access request ${logged.reference} is yours`);
      const view = await showSubjectAccess(t.ctx, { actorEmail: CSM, reference: logged.reference });
      // One calendar month from 20/11/2026 is Sunday 20/12/2026: the next working day.
      expect(view.dueOn.toISOString().slice(0, 10)).toBe("2026-12-21");
      expect(policy.subjectAccess.outputs).toEqual(["transcript", "audio-copy"]);
      const close = (outputs: string[]) => closeSubjectAccess(t.ctx, { actorEmail: CSM, reference: logged.reference, outcome: "partial", grounds: "others-rights", outputs, assessment: "One call found; another student is named, so a transcript with that name removed" });
      // Playback links are not what the policy gives.
      await expect(close(["links"])).rejects.toMatchObject({ code: "INVALID_INPUT", field: "outputs" });
      const closed = await close(["transcript"]);
      expect(closed.outputs).toEqual(["transcript"]);
      // Only the Customer Service Manager (or the DPO) closes it.
      const other = await logSubjectAccess(t.ctx, sar({ subjectName: "Sam Smith" }));
      await expectCode(closeSubjectAccess(t.ctx, { actorEmail: SAFEGUARDING, reference: other.reference, outcome: "withdrawn", reason: "Not needed" }), "FORBIDDEN");
    });

    it("OOL-15 'You will need to provide details of the call including the time, date and telephone number'", async () => {
      const theirs = await call(t, { number: "+441134960777" });
      const logged = await logSubjectAccess(t.ctx, sar({ numbers: ["0113 496 0777"] }));
      const view = await showSubjectAccess(t.ctx, { actorEmail: CSM, reference: logged.reference });
      expect(view.items.map((i) => i.recordingId)).toEqual([theirs.id]);
      const vague = await logSubjectAccess(t.ctx, sar({ numbers: [], calls: [] }));
      expect(vague.awaitingInformation).toEqual(["calls"]);
    });

    it("OOL-16 'Employees who want access to recordings of their calls should speak to the HR manager'", async () => {
      const logged = await logSubjectAccess(t.ctx, sar({ actorEmail: ADVISER, subjectName: "Placeholder Student Adviser", subjectIsStaff: true, channel: "email" }));
      expect(logged.owner.email).toBe(HR);
      expect(explained).toContain("A member of staff's request for their own calls goes to HR Manager (Placeholder HR Manager).");
      // And the own-calls purpose is the HR manager's to authorise (OOL-11).
      expect(policy.purposes.find((p) => p.id === "own-calls")!.approvals.map((a) => a.anyOf)).toEqual([["hr-manager"]]);
    });
  });

  describe("Access by other parties", () => {
    const storage = useTestStorage(t);
    const disclosure = (askingOrganisation: string, over: Parameters<typeof policeDisclosure>[0] = {}) =>
      policeDisclosure({ requesterEmail: GREG, date: "2026-11-19", time: "14:30", askingOrganisation, lawfulBasis: undefined, ...over });

    it("OOL-17 'discretion to share personal data with the Police and HMRC in the investigation of offences' and under 'a legal obligation'; not generally otherwise", async () => {
      await call(t);
      const police = await submitDisclosure(t.ctx, disclosure("Thames Valley Police"));
      expect(police.disclosure).toMatchObject({ recipientCategory: "law-enforcement", lawfulBasis: "DPA 2018 Schedule 2 Part 1 paragraph 2 (crime and taxation)" });
      // The Head of Operations recorded it, so a Director decides it.
      await expectCode(recordDecision(t.ctx, { requestId: police.request.id, deciderEmail: GREG, outcome: "approve" }), "SELF_APPROVAL");
      await expectCode(recordDecision(t.ctx, { requestId: police.request.id, deciderEmail: CSM, outcome: "approve" }), "FORBIDDEN");
      const decided = await recordDecision(t.ctx, { requestId: police.request.id, deciderEmail: DIRECTOR, outcome: "approve" });
      expect(decided.status).toBe("FULFILLED");
      await t.deliver();
      const [released] = await audit(t, "disclosure.released");
      expect(released).toMatchObject({ requestId: police.request.id, details: expect.objectContaining({ recipientCategory: "law-enforcement" }) });

      const hmrc = await submitDisclosure(t.ctx, disclosure("HM Revenue and Customs", { askingPerson: "Officer Kim Lee" }));
      expect(hmrc.disclosure).toMatchObject({ recipientCategory: "tax-authority" });

      const press = await expectCode(submitDisclosure(t.ctx, disclosure("The Daily Gazette")), "FORBIDDEN");
      expect(press.field).toBe("askingOrganisation");
      const obliged = await submitDisclosure(t.ctx, disclosure("Oxfordshire County Council", { recipientId: "legal-obligation" }));
      expect(obliged.disclosure).toMatchObject({ recipientCategory: "legal-obligation", lawfulBasis: "UK GDPR Article 6(1)(c) (legal obligation)" });
      expect(await t.ctx.db.disclosure.count()).toBe(3);
    });
  });

  describe("Policy owner and Policy in force dates", () => {
    it("OOL-18 'The person responsible for this policy is Greg Smith, Head of Operations'", () => {
      expect(policy.people.find((p) => p.email === GREG)).toMatchObject({ name: "Greg Smith", roles: ["head-of-operations"] });
      expect(explained).toContain("Head of Operations: Greg Smith");
      expect(explained).toContain("owner Greg Smith, Head of Operations");
    });

    it("OOL-19 'adopted 03/12/2021', 'reviewed as required': no review date, so policy check warns", () => {
      expect(reviewDue(policy)).toBeUndefined();
      const review = reviewPolicy(policy, new Date("2026-12-03T12:00:00Z"));
      expect(review.contradictions).toEqual([]);
      expect(review.warnings.some((w) => w.startsWith("organisation.review is assumed") && w.includes("reviewed as required"))).toBe(true);
      expect(explained).toContain("Written policy: adopted 03/12/2021; It will be reviewed as required.");
    });
  });

  describe("What the document does not say", () => {
    it("OOL-20 silent on covert monitoring (not allowed) and on breaches (the law's 72 hours, told to the Head of Operations)", async () => {
      await expectCode(authoriseCovertMonitoring(t.ctx, { actorEmail: GREG, staffEmails: [ADVISER], reason: "Suspected misuse of the refund process by phone", newInvestigation: "Refund misuse" }), "FORBIDDEN");
      expect(await audit(t, "covert.refused")).toHaveLength(1);
      expect(explained).toContain("Covert monitoring Assumed (the document is silent or unclear)");
      expect(explained).toContain("Told of each report: Head of Operations (Greg Smith). The ICO must be told within 72 hours of discovery");
    });
  });
});
