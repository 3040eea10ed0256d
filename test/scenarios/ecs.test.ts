/**
 * ECS, "Call Recording Policy" (seed 004): each rule in the document's order
 * (ECS-1 … ECS-21 in docs/policy-coverage.md), Given/When/Then through the
 * core commands with the real preset policies/ecs.yml, on PGlite and
 * PostgreSQL, against Azurite.
 */
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { reportBreach } from "../../src/core/breaches/report-breach.ts";
import { listDisclosures } from "../../src/core/disclosure/list-disclosures.ts";
import { submitDisclosure, type SubmitDisclosureInput } from "../../src/core/disclosure/submit-disclosure.ts";
import { proposeErasure } from "../../src/core/erasure/propose-erasure.ts";
import { archiveRecordings } from "../../src/core/jobs/archive-recordings.ts";
import { openPlayback } from "../../src/core/playback/open-playback.ts";
import { explainPolicy } from "../../src/core/policy/explain-policy.ts";
import { parsePolicy } from "../../src/core/policy/load-policy.ts";
import { fulfilRequest } from "../../src/core/requests/fulfil-request.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest, type SubmitRequestInput } from "../../src/core/requests/submit-request.ts";
import { closeSubjectAccess } from "../../src/core/subject-access/close-subject-access.ts";
import { exportSubjectData } from "../../src/core/subject-access/export-subject-data.ts";
import { showSubjectAccess } from "../../src/core/subject-access/list-subject-access.ts";
import { logSubjectAccess, type LogSubjectAccessInput } from "../../src/core/subject-access/log-subject-access.ts";
import { NOW, useTestCore, type TestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { expectCode, refusalsOf } from "../support/expect-code.ts";
import { pdfText } from "../support/pdf.ts";
import { type TestStorage, useTestStorage } from "../support/storage.ts";

const PRESET = "policies/ecs.yml";
const ecs = parsePolicy(readFileSync(PRESET, "utf8"), "ecs.yml");
const explained = explainPolicy(ecs).replace(/\s+/g, " ");

/** The preset's placeholder people, by the role the document names. */
const ECS = {
  director1: "director.one@ecs.example",
  director2: "director.two@ecs.example",
  controller: "data.controller@ecs.example",
  delegate: "access.delegate@ecs.example",
  manager: "manager.one@ecs.example",
  manager2: "manager.two@ecs.example",
  staff: "staff.member@ecs.example",
} as const;
const DIRECTORS = [ECS.director1, ECS.director2].sort();

const daysAgo = (n: number, hourUtc = 14) => new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate() - n, hourUtc, 32));
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const CALL_AT = daysAgo(2); // 18/11/2026 14:32 (GMT)
const REASON = "Customer disputes the delivery terms agreed on this call with our sales team";
const AGREEMENT = "I agree in writing to release this call for the disciplinary hearing; consulted the Data Controller on 19/11/2026";

const request = (over: Partial<SubmitRequestInput> = {}): SubmitRequestInput => ({
  requesterEmail: ECS.manager,
  purposeId: "business-transactions",
  date: isoDay(CALL_AT),
  time: "14:30",
  windowMinutes: 30,
  number: "01427 700 701",
  reason: REASON,
  ...over,
});

const police = (over: Partial<SubmitDisclosureInput> = {}): SubmitDisclosureInput => ({
  requesterEmail: ECS.controller,
  date: isoDay(CALL_AT),
  time: "14:30",
  number: "01427 700 701",
  askingOrganisation: "Lincolnshire Police",
  askingPerson: "DC Sam Carter",
  askingRole: "Detective Constable",
  askingContact: "sam.carter@police.example",
  purpose: "Investigation of a fraudulent order placed by telephone",
  recipientName: "DC Sam Carter",
  recipientJobTitle: "Detective Constable",
  conditionAccepted: true,
  releaseMode: "link",
  ...over,
});

const titles = (t: TestCore, email: string) => t.channel.to(email, "compliance-notice").map((n) => (n.kind === "compliance-notice" ? n.title : ""));

const storage = useTestStorage();

describe.each(DATABASE_KINDS)("ECS, Call Recording Policy, on %s", (kind) => {
  const t = useTestCore(kind, { policy: ecs });
  beforeEach(() => storage.attach(t.ctx));

  const addCall = (fields: Partial<Parameters<TestStorage["addRecording"]>[1]> = {}) =>
    storage.addRecording(t.ctx, { startedAt: CALL_AT, number: "01427 700 701", extension: "210", siteId: "head-office", direction: "INBOUND", ...fields });

  /** Submits, has a Director authorise and the Data Controller pick `recordingId`, and returns the requester's playback token. */
  async function heard(recordingId: string, over: Partial<SubmitRequestInput> = {}) {
    const submitted = await submitRequest(t.ctx, request(over));
    await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: ECS.director1, outcome: "approve" });
    const picked = await fulfilRequest(t.ctx, { requestId: submitted.id, fulfillerEmail: ECS.controller, recordingId });
    await t.deliver();
    const [granted] = t.channel.to(submitted.requester.email, "access-granted");
    return { submitted, picked, token: granted?.kind === "access-granted" ? granted.playbackUrl.split("/play/")[1]! : null };
  }

  describe("General Principles", () => {
    it("ECS-1 'all data shall be used for specific purposes only': a request for any other purpose is refused", async () => {
      const refused = await expectCode(submitRequest(t.ctx, request({ purposeId: "curiosity" })), "UNKNOWN_PURPOSE");
      expect(refused.field).toBe("purpose");
      expect(await refusalsOf(t, "request.refused")).toEqual([[ECS.manager, "UNKNOWN_PURPOSE"]]);
      expect(await t.ctx.db.recordingRequest.count()).toBe(0);
    });

    it("ECS-2 'registered with the Information Commissioner': outside Callgate, and policy explain says so", () => {
      expect(explained).toContain('From the document: General Principles (outside Callgate): "The Company is registered with the Information Commissioner for all necessary activities under the GDPR".');
    });
  });

  describe("Call Recording Overview", () => {
    it("ECS-3 the ten purposes of call recording, and nothing else", async () => {
      expect(ecs.purposes.map((p) => p.id)).toEqual([
        "policy-development",
        "product-development",
        "training",
        "disciplinary",
        "crime-detection",
        "contract-compliance",
        "it-systems",
        "quality-continuity",
        "regulatory-compliance",
        "business-transactions",
      ]);
      for (const [i, purpose] of ecs.purposes.entries()) expect(explained).toContain(`Purposes of call recording, item ${i + 1} (`);
      // A line manager may ask for each (the disciplinary one included).
      for (const purposeId of ecs.purposes.map((p) => p.id)) {
        await expect(submitRequest(t.ctx, request({ purposeId, submissionKey: `p-${purposeId}` }))).resolves.toMatchObject({ status: "PENDING_APPROVAL", purposeId });
      }
    });

    it("ECS-4 'investigate compliance … further training … complaints or enquiries … any regulatory investigation': each use falls under a listed purpose", () => {
      const sectionOf = (id: string) => ecs.provenance.notes[`purposes.${ecs.purposes.findIndex((p) => p.id === id)}`]?.section ?? "";
      expect(sectionOf("contract-compliance")).toContain("to investigate compliance with our policies and procedures");
      expect(sectionOf("training")).toContain("to provide further training");
      expect(sectionOf("business-transactions")).toContain("to support the investigation of complaints or enquiries");
      expect(sectionOf("regulatory-compliance")).toContain("to provide evidence for any regulatory investigation");
    });

    it("ECS-5 'encrypted and stored on secure servers … ISO27001 accredited data centre': the provider's storage, outside Callgate, stated by explain", () => {
      expect(explained).toContain("All call recordings are encrypted and stored on secure servers hosted in the system provider's ISO27001 accredited data centre");
      expect(explained).toContain("Recorded: All incoming and outgoing telephone calls on the Company's central telephone system");
    });

    it("ECS-6 'inform the caller that their call is being monitored/recorded … Publishing this policy on the Company's website': stated by explain, and covert monitoring is refused", () => {
      expect(explained).toContain("Callers are told their call is being monitored/recorded, by this policy published on the Company's website and referred to in its Terms and Conditions and Privacy Policy");
      expect(explained).toContain("A caller who objects to being recorded: A caller consents by continuing with the call, or may terminate it");
      expect(ecs.covertMonitoring.allowed).toBe(false);
    });
  });

  describe("Procedures for Managing and Releasing Call Recordings", () => {
    it("ECS-7 access 'controlled and managed by the Data Controller or any other persons authorised to do so by the Data Controller': only they find the call and release it", async () => {
      const call = await addCall();
      const submitted = await submitRequest(t.ctx, request());
      const authorised = await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: ECS.director2, outcome: "approve" });
      // Authorised, but nobody hears it until the Data Controller (or their delegate) picks the call.
      expect(authorised.status).toBe("AWAITING_FULFILMENT");
      await t.deliver();
      expect(t.channel.to(ECS.controller, "fulfilment-needed")).toHaveLength(1);
      expect(t.channel.to(ECS.delegate, "fulfilment-needed")).toHaveLength(1);
      expect(t.channel.to(ECS.manager, "access-granted")).toHaveLength(0);
      for (const who of [ECS.director1, ECS.manager2]) await expectCode(fulfilRequest(t.ctx, { requestId: submitted.id, fulfillerEmail: who, recordingId: call.id }), "FORBIDDEN");
      expect(await refusalsOf(t, "fulfilment.refused")).toEqual([
        [ECS.director1, "FORBIDDEN"],
        [ECS.manager2, "FORBIDDEN"],
      ]);
      await expect(fulfilRequest(t.ctx, { requestId: submitted.id, fulfillerEmail: ECS.delegate, recordingId: call.id })).resolves.toMatchObject({ status: "FULFILLED" });
      await t.deliver();
      expect(t.channel.to(ECS.manager, "access-granted")).toHaveLength(1);
    });

    it("ECS-8 'reasons for requesting access must be formally authorised only by a Company Director'", async () => {
      await addCall();
      const submitted = await submitRequest(t.ctx, request({ purposeId: "training", reason: "Coaching the new starter on handling a difficult delivery query" }));
      expect(submitted.authoriserEmails.sort()).toEqual(DIRECTORS);
      for (const who of [ECS.controller, ECS.manager2, ECS.delegate]) await expectCode(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: who, outcome: "approve" }), "FORBIDDEN");
      await expectCode(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: ECS.manager, outcome: "approve" }), "SELF_APPROVAL");
      expect((await refusalsOf(t, "decision.refused")).map(([actor]) => actor)).toEqual([ECS.controller, ECS.manager2, ECS.delegate, ECS.manager]);
      // A Director's own request goes to the other Director.
      const own = await submitRequest(t.ctx, request({ requesterEmail: ECS.director1, submissionKey: "director" }));
      expect(own.authoriserEmails).toEqual([ECS.director2]);
      await expect(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: ECS.director2, outcome: "approve" })).resolves.toMatchObject({ status: "AWAITING_FULFILMENT" });
    });

    it("ECS-9 'The valid reason for the request': every purpose asks for it, and a request without one is refused", async () => {
      for (const purpose of ecs.purposes) expect(purpose.reasonPrompt).toMatch(/valid reason|Which (disciplinary procedure|enquiry)/);
      const refused = await expectCode(submitRequest(t.ctx, request({ reason: "need it" })), "REASON_TOO_SHORT");
      expect(refused.field).toBe("reason");
      expect(await t.ctx.db.recordingRequest.count()).toBe(0);
    });

    it("ECS-10 'Date and time of the call if known': without the time the whole day is searched", async () => {
      const morning = await addCall({ startedAt: daysAgo(2, 8) });
      const submitted = await submitRequest(t.ctx, request({ time: "" }));
      const row = await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: submitted.id } });
      expect([row.windowStart.toISOString(), row.windowEnd.toISOString()]).toEqual(["2026-11-18T00:00:00.000Z", "2026-11-19T00:00:00.000Z"]);
      await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: ECS.director1, outcome: "approve" });
      await expect(fulfilRequest(t.ctx, { requestId: submitted.id, fulfillerEmail: ECS.controller, recordingId: morning.id })).resolves.toMatchObject({ status: "FULFILLED" });
      // Not sure of the day either: a range of up to 7 days.
      await expect(submitRequest(t.ctx, request({ date: isoDay(daysAgo(8)), dateTo: isoDay(daysAgo(2)), time: undefined, submissionKey: "range" }))).resolves.toMatchObject({ status: "PENDING_APPROVAL" });
      expect((await expectCode(submitRequest(t.ctx, request({ date: isoDay(daysAgo(9)), dateTo: isoDay(daysAgo(2)), time: undefined })), "WINDOW_TOO_WIDE")).field).toBe("dateTo");
    });

    it("ECS-11 'Telephone extension … if known … External number involved if known': either, or neither where the parties are named", async () => {
      const onExtension = await addCall({ number: "01427 700 799", extension: "210" });
      const byExtension = await submitRequest(t.ctx, request({ number: undefined, extension: "210" }));
      await recordDecision(t.ctx, { requestId: byExtension.id, deciderEmail: ECS.director1, outcome: "approve" });
      await expect(fulfilRequest(t.ctx, { requestId: byExtension.id, fulfillerEmail: ECS.controller, recordingId: onExtension.id })).resolves.toMatchObject({ status: "FULFILLED" });
      await expect(submitRequest(t.ctx, request({ number: undefined, extension: undefined, parties: "Mr Jones of Acme Haulage and our sales desk", submissionKey: "parties" }))).resolves.toMatchObject({ status: "PENDING_APPROVAL" });
      const nothing = await expectCode(submitRequest(t.ctx, request({ number: undefined, extension: undefined })), "INVALID_INPUT");
      expect(nothing.message).toBe("Nothing in the request says which call it was: give the external number, the extension or the names of the people on the call (any one of them will do), so it can be found.");
    });

    it("ECS-12 'Where possible, the names of all parties … Any other information on the nature of the call': a call known by its day and parties alone is found by the Data Controller", async () => {
      const managersCall = await addCall({ startedAt: daysAgo(2, 10), number: "01427 700 702", extension: "211", staffEmail: ECS.manager2 });
      await addCall({ startedAt: daysAgo(2, 11), number: "01427 700 703", extension: "212" });
      const parties = "Placeholder Line Manager 2 and Mrs Green, a customer";
      const submitted = await submitRequest(t.ctx, request({ number: undefined, time: undefined, parties, reason: `${REASON}; she called about a late delivery` }));
      expect(submitted.parties).toBe(parties);
      for (const purpose of ecs.purposes) expect(purpose.reasonPrompt).toContain("nature of the call");
      const decided = await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: ECS.director2, outcome: "approve" });
      // Never matched by Callgate alone; the named manager's call is the one offered.
      expect(decided.status).toBe("AWAITING_FULFILMENT");
      expect((await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "request.awaiting-fulfilment" } })).details).toMatchObject({ candidates: 1, identifiedBy: "parties" });
      await expect(fulfilRequest(t.ctx, { requestId: submitted.id, fulfillerEmail: ECS.controller, recordingId: managersCall.id })).resolves.toMatchObject({ status: "FULFILLED" });
      expect(explained).toContain("name the people on the call instead; a request giving none of the three is refused");
    });

    it("ECS-13 'The browsing of recordings for no valid reason is not permitted': no purpose, no reason, no wide search, nothing without authorisation", async () => {
      await addCall();
      // A member of staff with no business need cannot ask at all.
      expect((await expectCode(submitRequest(t.ctx, request({ requesterEmail: ECS.staff })), "FORBIDDEN")).field).toBe("purpose");
      expect((await expectCode(submitRequest(t.ctx, request({ windowMinutes: 13 * 60 })), "WINDOW_TOO_WIDE")).field).toBe("windowMinutes");
      expect(await refusalsOf(t, "request.refused")).toEqual([
        [ECS.staff, "FORBIDDEN"],
        [ECS.manager, "WINDOW_TOO_WIDE"],
      ]);
      const pending = await submitRequest(t.ctx, request());
      await t.deliver();
      expect(pending.status).toBe("PENDING_APPROVAL");
      expect(await t.ctx.db.playbackGrant.count()).toBe(0);
      expect(ecs.playback.allowDownload).toBe(false);
    });

    const dsar = (over: Partial<LogSubjectAccessInput> = {}): LogSubjectAccessInput => ({
      actorEmail: ECS.staff,
      subjectName: "Jo Green",
      channel: "email",
      receivedOn: "20/11/2026",
      numbers: ["01427 700 701"],
      identityVerification: "customer account confirmed",
      ...over,
    });

    it("ECS-14 'retrieve information relating to one or more individuals as easily as possible': a DSAR finds the subject's calls by number", async () => {
      const theirs = await addCall();
      const another = await addCall({ startedAt: daysAgo(5), number: "01427 700 701" });
      await addCall({ number: "01427 700 999" });
      const logged = await logSubjectAccess(t.ctx, dsar());
      const view = await showSubjectAccess(t.ctx, { actorEmail: ECS.controller, reference: logged.reference });
      expect(view.items.map((i) => i.recordingId).sort()).toEqual([theirs.id, another.id].sort());
    });

    it("ECS-15 DSARs 'in writing to gdpr-compliance@ecs-uk-ltd.co.uk', assessed by the Data Controller, who arranges 'access to hear the recording'", async () => {
      await addCall();
      const written = await logSubjectAccess(t.ctx, dsar());
      expect(written).toMatchObject({ channelAdvice: null, owner: { email: ECS.controller } });
      const spoken = await logSubjectAccess(t.ctx, dsar({ channel: "phone", subjectName: "Sam Green" }));
      expect(spoken.channelAdvice).toMatch(/asks for subject access requests in writing \(letter, e-mail\)/);
      expect(explained).toContain("Requests go to: gdpr-compliance@ecs-uk-ltd.co.uk.");
      await t.deliver();
      expect(titles(t, ECS.controller)).toContain(`Subject access request ${written.reference} is yours`);
      // Subject to assessment; heard, never copied.
      await expectCode(closeSubjectAccess(t.ctx, { actorEmail: ECS.controller, reference: written.reference, outcome: "complete", outputs: ["heard-in-person"] }), "REASON_REQUIRED");
      expect((await expectCode(closeSubjectAccess(t.ctx, { actorEmail: ECS.controller, reference: written.reference, outcome: "complete", outputs: ["audio-copy"], assessment: "One call found by number" }), "INVALID_INPUT")).field).toBe("outputs");
      // Links need a prepared bundle; hearing it in person does not.
      await expectCode(closeSubjectAccess(t.ctx, { actorEmail: ECS.controller, reference: written.reference, outcome: "complete", outputs: ["links"], assessment: "One call found by number" }), "WRONG_STATE");
      const closed = await closeSubjectAccess(t.ctx, { actorEmail: ECS.controller, reference: written.reference, outcome: "complete", outputs: ["heard-in-person"], assessment: "One call found by number; the subject heard it at our office" });
      expect(closed).toMatchObject({ status: "COMPLETED", outputs: ["heard-in-person"] });
      await expectCode(closeSubjectAccess(t.ctx, { actorEmail: ECS.director1, reference: spoken.reference, outcome: "withdrawn", reason: "Subject withdrew it" }), "FORBIDDEN");
    });

    it("ECS-16 a request from an external body such as the Police is 'forwarded to the Data Controller who will complete the request'", async () => {
      const call = await addCall();
      const { disclosure, request: made } = await submitDisclosure(t.ctx, police());
      expect(disclosure).toMatchObject({ recipientEntryId: "crime-body", recipientCategory: "law-enforcement" });
      // Only the Data Controller records and decides it; a Director cannot.
      await expectCode(submitDisclosure(t.ctx, police({ requesterEmail: ECS.director1 })), "FORBIDDEN");
      await expectCode(recordDecision(t.ctx, { requestId: made.id, deciderEmail: ECS.director2, outcome: "approve" }), "FORBIDDEN");
      await recordDecision(t.ctx, { requestId: made.id, deciderEmail: ECS.controller, outcome: "approve" });
      const decided = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "request.approved" } });
      expect(decided.details).toMatchObject({ recordedAndDecidedBy: expect.any(String) });
      // "who will complete the request": the Data Controller is asked to find the call, and does.
      const asked = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "request.awaiting-fulfilment" } });
      expect((asked.details as { fulfillers: string[] }).fulfillers.sort()).toEqual([ECS.delegate, ECS.controller].sort());
      await fulfilRequest(t.ctx, { requestId: made.id, fulfillerEmail: ECS.controller, recordingId: call.id });
      await t.deliver();
      const fulfilled = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "request.fulfilled" } });
      expect(fulfilled).toMatchObject({ actor: ECS.controller, details: expect.objectContaining({ completedByRecorder: true }) });
      const released = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "disclosure.released" } });
      const oneperson = "requested by DC Sam Carter (Detective Constable), Lincolnshire Police; recorded, authorised and completed by Placeholder Data Controller";
      expect(released.details).toMatchObject({ fulfilledBy: ECS.controller, completedByRecorder: true, recordedAndAuthorisedBy: oneperson });
      expect(await t.ctx.db.disclosure.findUniqueOrThrow({ where: { requestId: made.id } })).toMatchObject({ fulfilledBy: ECS.controller });
      const [shown] = await listDisclosures(t.ctx, { actorEmail: ECS.controller });
      expect(shown).toMatchObject({ fulfilledByText: "Placeholder Data Controller", recorderActedText: "recorded, authorised and completed by Placeholder Data Controller" });
      const form = await t.ctx.db.deliveredFile.findFirstOrThrow({ where: { kind: "disclosure-form" } });
      const text = await pdfText(await storage.readFile(form.blobName));
      expect(text).toContain(`Recorded, authorised and completed by one person R${oneperson.slice(1)}, as the policy allows for a request made by an outside party`);
      expect(text).toContain("Call found and request completed by Placeholder Data Controller");
      expect(explained).toContain("may also decide it, and find the call that completes it where they are one of the people who find recordings");
    });

    it("ECS-16 (separation of duties kept elsewhere) the Data Controller never fulfils an ordinary request of their own", async () => {
      const call = await addCall();
      const own = await submitRequest(t.ctx, request({ requesterEmail: ECS.controller }));
      await recordDecision(t.ctx, { requestId: own.id, deciderEmail: ECS.director1, outcome: "approve" });
      const asked = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "request.awaiting-fulfilment" } });
      expect(asked.details).toMatchObject({ fulfillers: [ECS.delegate] });
      await expectCode(fulfilRequest(t.ctx, { requestId: own.id, fulfillerEmail: ECS.controller, recordingId: call.id }), "SELF_APPROVAL");
      expect(await refusalsOf(t, "fulfilment.refused")).toEqual([[ECS.controller, "SELF_APPROVAL"]]);
      await expect(fulfilRequest(t.ctx, { requestId: own.id, fulfillerEmail: ECS.delegate, recordingId: call.id })).resolves.toMatchObject({ status: "FULFILLED" });
    });

    it("ECS-17 disciplinary copies 'only be released with the written agreement of the Data Controller, or Company Director, who will consult with the Data Controller'", async () => {
      await addCall();
      const reason = "Disciplinary hearing for rudeness to a customer: the call must prove what was said";
      const first = await submitRequest(t.ctx, request({ purposeId: "disciplinary", reason, concernsEmail: ECS.manager2 }));
      // The Data Controller and both Directors are asked; any one of them agrees in writing.
      expect(first.authoriserEmails.sort()).toEqual([ECS.controller, ...DIRECTORS].sort());
      const noNote = await expectCode(recordDecision(t.ctx, { requestId: first.id, deciderEmail: ECS.director1, outcome: "approve" }), "INVALID_INPUT");
      expect([noNote.field, noNote.message]).toEqual(["note", expect.stringContaining("consulted the Data Controller")]);
      const byDirector = await recordDecision(t.ctx, { requestId: first.id, deciderEmail: ECS.director1, outcome: "approve", note: AGREEMENT });
      expect(byDirector.status).toBe("AWAITING_FULFILMENT");
      const approved = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "request.approved" } });
      expect(approved.details).toMatchObject({ note: AGREEMENT });

      const second = await submitRequest(t.ctx, request({ purposeId: "disciplinary", reason, submissionKey: "second" }));
      await expect(recordDecision(t.ctx, { requestId: second.id, deciderEmail: ECS.controller, outcome: "approve", note: "Written agreement of the Data Controller to release this call for the hearing" })).resolves.toMatchObject({ status: "AWAITING_FULFILMENT" });

      // About a Director: that Director is never asked and cannot agree.
      const aboutDirector = await submitRequest(t.ctx, request({ purposeId: "disciplinary", reason, concernsEmail: ECS.director2, submissionKey: "about" }));
      expect(aboutDirector.authoriserEmails.sort()).toEqual([ECS.controller, ECS.director1].sort());
      await expectCode(recordDecision(t.ctx, { requestId: aboutDirector.id, deciderEmail: ECS.director2, outcome: "approve", note: AGREEMENT }), "CONFLICT_OF_INTEREST");
    });

    it("ECS-18 'Call recordings will periodically be archived'", async () => {
      const old = await addCall({ startedAt: daysAgo(100), number: "01427 700 710" });
      const recent = await addCall({ startedAt: daysAgo(30), number: "01427 700 711" });
      expect(await archiveRecordings(t.ctx)).toEqual({ ran: true, archived: 1, failed: 0 });
      expect(await storage.recordings.tierOf(old.blobName!)).toEqual({ tier: "Archive", rehydrating: false });
      expect(await storage.recordings.tierOf(recent.blobName!)).toEqual({ tier: "Hot", rehydrating: false });
      expect(explained).toContain("After 3 months a recording's audio moves to the Archive storage tier");
    });

    it("ECS-19 'Right to Access, Right to be Forgotten and Data Portability can be complied with': by the Data Controller", async () => {
      await addCall();
      const proposed = await proposeErasure(t.ctx, { actorEmail: ECS.controller, numbers: ["01427 700 701"], reason: "Right to be forgotten request by e-mail" });
      expect(proposed.toDelete).toHaveLength(1);
      await expectCode(proposeErasure(t.ctx, { actorEmail: ECS.director1, numbers: ["01427 700 701"], reason: "Right to be forgotten request by e-mail" }), "FORBIDDEN");
      const exported = await exportSubjectData(t.ctx, { actorEmail: ECS.controller, numbers: ["01427 700 701"] });
      expect(exported.recordings).toBe(1);
      await expectCode(exportSubjectData(t.ctx, { actorEmail: ECS.manager, numbers: ["01427 700 701"] }), "FORBIDDEN");
      expect(explained).toContain("Erasure (the right to be forgotten) is proposed, confirmed or cancelled by Data Controller (Placeholder Data Controller).");
    });
  });

  describe("Infringement", () => {
    it("ECS-20 'Any infringement of this policy is … a serious offence and may result in disciplinary action': said on every playback page", async () => {
      const call = await addCall();
      const { token } = await heard(call.id);
      const opened = await openPlayback(t.ctx, { token: token!, clientIp: "127.0.0.1", userAgent: "Test Browser/1.0", browserSecret: null });
      expect(opened.outcome === "opened" ? opened.view.misuseText : "").toBe("Misuse of recordings is dealt with under the Company's disciplinary procedures: any infringement of this policy is a serious offence.");
    });

    it("ECS-21 a member of staff who 'feels they have accidentally breached the above policy' informs their line manager immediately", async () => {
      const breach = await reportBreach(t.ctx, { actorEmail: ECS.staff, description: "I played a customer's call on speaker in the open office by mistake", discoveredOn: "20/11/2026", discoveredAt: "09:30" });
      expect(breach).toMatchObject({ status: "OPEN", reportedBy: { email: ECS.staff } });
      await t.deliver();
      const expected = `Personal data breach reported (${breach.reference})`;
      expect(titles(t, ECS.manager)).toEqual([expected]);
      expect(titles(t, ECS.controller)).toEqual([expected]);
      expect(titles(t, ECS.manager2)).toEqual([]);
    });
  });
});
