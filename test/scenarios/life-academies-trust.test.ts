/**
 * LIFE Academies Trust, "Call Recording" policy (seed 001, index 23, V1):
 * each rule in the document's order (LIFE-1 … LIFE-26 in
 * docs/policy-coverage.md), Given/When/Then through the core commands with
 * the real preset policies/life-academies-trust.yml, on PGlite and
 * PostgreSQL, against Azurite. Rules the phone system or other procedures
 * carry out are checked in what `policy explain` says.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { authoriseCovertMonitoring, type AuthoriseCovertMonitoringInput } from "../../src/core/covert/authorise-covert-monitoring.ts";
import { disclosureConsole } from "../../src/commands/disclosure.ts";
import { runConsole } from "../../src/commands/run-console.ts";
import { summariseAudit } from "../../src/core/audit/summarise-audit.ts";
import { listDisclosures } from "../../src/core/disclosure/list-disclosures.ts";
import { submitDisclosure, type SubmitDisclosureInput } from "../../src/core/disclosure/submit-disclosure.ts";
import { proposeErasure } from "../../src/core/erasure/propose-erasure.ts";
import { preserveRecording } from "../../src/core/holds/preserve-recording.ts";
import { releaseHold } from "../../src/core/holds/release-hold.ts";
import { sweepRetention } from "../../src/core/jobs/sweep-retention.ts";
import { openPlayback } from "../../src/core/playback/open-playback.ts";
import { explainPolicy } from "../../src/core/policy/explain-policy.ts";
import { loadPolicyFile } from "../../src/core/policy/load-policy.ts";
import { reviewDue, reviewPolicy } from "../../src/core/policy/review-policy.ts";
import { fulfilRequest } from "../../src/core/requests/fulfil-request.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest, type SubmitRequestInput } from "../../src/core/requests/submit-request.ts";
import { closeSubjectAccess } from "../../src/core/subject-access/close-subject-access.ts";
import { exportSubjectData } from "../../src/core/subject-access/export-subject-data.ts";
import { showSubjectAccess } from "../../src/core/subject-access/list-subject-access.ts";
import { logSubjectAccess, type LogSubjectAccessInput } from "../../src/core/subject-access/log-subject-access.ts";
import { renderPlayer } from "../../src/infra/http/playback/render.ts";
import { NOW, useTestCore, type TestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { expectCode, refusalsOf } from "../support/expect-code.ts";
import { pdfText } from "../support/pdf.ts";
import { type TestStorage, useTestStorage } from "../support/storage.ts";

const policy = await loadPolicyFile("policies/life-academies-trust.yml");
const explained = explainPolicy(policy).replace(/\s+/g, " ");

/** The preset's placeholder people, by the job title the document names. */
const LIFE = {
  ceo: "ceo@life-academies.example",
  principalA: "principal.academy-a@life-academies.example",
  principalB: "principal.academy-b@life-academies.example",
  seniorA: "senior.leader.academy-a@life-academies.example",
  techSupport: "tech.support@life-academies.example",
  dpo: "dpo@life-academies.example",
} as const;

const DAY = 86_400_000;
/** 18/11/2026 14:32 (GMT, so UTC too); the test clock is 20/11/2026 12:00. */
const CALL_AT = new Date("2026-11-18T14:32:00Z");
const NECESSARY = "A parent says the call was abusive; the recording is needed to decide what action to take";

const ask = (over: Partial<SubmitRequestInput> = {}): SubmitRequestInput => ({
  requesterEmail: LIFE.seniorA,
  purposeId: "staff-protection",
  date: "2026-11-18",
  time: "14:30",
  windowMinutes: 30,
  direction: "inbound",
  number: "020 7946 0001",
  reason: "A caller shouted at the receptionist and threatened to come to the school",
  ...over,
});

const disclosure = (over: Partial<SubmitDisclosureInput> = {}): SubmitDisclosureInput => ({
  requesterEmail: LIFE.ceo,
  date: "2026-11-18",
  time: "14:30",
  number: "020 7946 0001",
  siteId: "academy-a",
  askingOrganisation: "West Mercia Police",
  askingPerson: "DC Sam Patel",
  purpose: "Investigation of threats made to a member of staff",
  lawfulBasis: "DPA 2018 Schedule 2 Part 1 paragraph 2 (crime and taxation)",
  recipientName: "DC Sam Patel",
  recipientJobTitle: "Detective Constable",
  conditionAccepted: true,
  releaseMode: "link",
  ...over,
});

const covert = (over: Partial<AuthoriseCovertMonitoringInput> = {}): AuthoriseCovertMonitoringInput => ({
  actorEmail: LIFE.principalA,
  staffEmails: [LIFE.seniorA],
  ground: "serious-misconduct",
  reason: "Reports that confidential pupil information is being given out over the phone",
  newInvestigation: "Suspected disclosure of pupil information, Academy A",
  ...over,
});

const sar = (over: Partial<LogSubjectAccessInput> = {}): LogSubjectAccessInput => ({
  actorEmail: LIFE.seniorA,
  subjectName: "Jo Bloggs",
  channel: "letter",
  receivedOn: "20/11/2026",
  numbers: ["020 7946 0001"],
  identityVerification: "parent, known to the school office",
  ...over,
});

const audit = async (t: TestCore, action: string) => t.ctx.db.auditEntry.findMany({ where: { action }, orderBy: { seq: "asc" } });

const storage = useTestStorage();

describe.each(DATABASE_KINDS)("LIFE Academies Trust, Call Recording policy, on %s", (kind) => {
  const t = useTestCore(kind, { policy });
  beforeEach(() => storage.attach(t.ctx));

  const addCall = (fields: Partial<Parameters<TestStorage["addRecording"]>[1]> = {}) =>
    storage.addRecording(t.ctx, { startedAt: CALL_AT, number: "020 7946 0001", extension: "110", siteId: "academy-a", direction: "INBOUND", ...fields });

  /** Asked, approved by `approver` with a note saying why it is necessary, found by Technical Support: the request and the requester's playback token. */
  async function delivered(over: Partial<SubmitRequestInput> = {}, approver: string = LIFE.principalA) {
    const recording = await addCall();
    const submitted = await submitRequest(t.ctx, ask(over));
    const approved = await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: approver, outcome: "approve", note: NECESSARY });
    expect(approved.status).toBe("AWAITING_FULFILMENT");
    await fulfilRequest(t.ctx, { requestId: submitted.id, fulfillerEmail: LIFE.techSupport, recordingId: recording.id });
    await t.deliver();
    const [granted] = t.channel.to(submitted.requester.email, "access-granted");
    const token = granted?.kind === "access-granted" ? granted.playbackUrl.split("/play/")[1]! : "";
    return { submitted, recording, token };
  }
  const play = (token: string, browser = "Test Browser/1.0", ip = "127.0.0.1") => openPlayback(t.ctx, { token, clientIp: ip, userAgent: browser, browserSecret: null });

  describe("Document Detail", () => {
    it("LIFE-1 'Approved 21/05/18 … Approved by CEO … Next Review date 21/05/21': passed, so policy check warns", () => {
      expect(reviewDue(policy)?.toISOString().slice(0, 10)).toBe("2021-05-21");
      const review = reviewPolicy(policy, NOW);
      expect(review.contradictions).toEqual([]);
      expect(review.warnings).toContain("The written policy was due for review on 21/05/2021; ask for the current version and update this file from it.");
      expect(reviewPolicy(policy, new Date("2021-05-01T12:00:00Z")).warnings.join("\n")).not.toContain("due for review");
      expect(explained).toContain("Written policy: adopted 21/05/2018; next review due 21/05/2021; Approved by the CEO 21/05/18 (V1); Next Review date 21/05/21.");
    });
  });

  describe("1. Introduction", () => {
    const purposes: [string, string, string][] = [
      ["LIFE-2", "staff-protection", "Protecting staff from aggressive, abusive or nuisance calls"],
      ["LIFE-3", "service-quality", "Improving the quality of the service provided"],
      ["LIFE-4", "training", "Identifying staff training needs and supporting effective training"],
    ];
    it.each(purposes)("%s §1 '%s': a purpose recordings may be asked for, authorised by the CEO or the call's principal", async (_id, purposeId, label) => {
      const submitted = await submitRequest(t.ctx, ask({ purposeId }));
      expect(submitted).toMatchObject({ status: "PENDING_APPROVAL", purposeLabel: label });
      expect(submitted.authoriserEmails.sort()).toEqual([LIFE.ceo, LIFE.principalA].sort());
      // §1 lists these three; §8 adds discipline and grievance; nothing else may be asked for.
      expect(policy.purposes.map((p) => p.id)).toEqual(["staff-protection", "service-quality", "training", "discipline-grievance"]);
      await expectCode(submitRequest(t.ctx, ask({ purposeId: "marketing" })), "UNKNOWN_PURPOSE");
      expect(await refusalsOf(t, "request.refused")).toEqual([[LIFE.seniorA, "UNKNOWN_PURPOSE"]]);
    });
  });

  describe("2. Which calls will be recorded?", () => {
    it("LIFE-5 'Telephone calls received or made by staff at any Academy … are all recorded': outside Callgate, and policy explain says so", () => {
      expect(explained).toContain("Which calls are recorded (by the phone system, not by Callgate)");
      expect(explained).toContain("Recorded: All telephone calls received or made by staff at any Academy under LIFE Academies Trust (§2)");
    });

    it("LIFE-6 'only be listened to if the CEO …, or the relevant Academy Principal/Head of Setting, determines it to be necessary': one of them approves, saying why", async () => {
      await addCall();
      const submitted = await submitRequest(t.ctx, ask());
      expect(submitted.approvalNote).toEqual({ prompt: "Why is it necessary to listen to this recording? (§2: the CEO or the relevant Principal/Head of Setting determines it to be necessary)", minLength: 20 });
      await t.deliver();
      for (const email of [LIFE.ceo, LIFE.principalA]) expect(t.channel.to(email, "approval-needed")).toHaveLength(1);
      for (const email of [LIFE.principalB, LIFE.techSupport, LIFE.dpo]) expect(t.channel.to(email, "approval-needed")).toHaveLength(0);

      // Another academy's principal, Technical Support and the DPO cannot determine it; nor can the requester.
      for (const deciderEmail of [LIFE.principalB, LIFE.techSupport, LIFE.dpo]) {
        await expectCode(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail, outcome: "approve", note: NECESSARY }), "FORBIDDEN");
      }
      await expectCode(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: LIFE.seniorA, outcome: "approve", note: NECESSARY }), "SELF_APPROVAL");
      // The principal must say why listening is necessary.
      const bare = await expectCode(recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: LIFE.principalA, outcome: "approve" }), "INVALID_INPUT");
      expect(bare.field).toBe("note");
      expect(bare.message).toContain("Why is it necessary to listen to this recording?");
      expect((await refusalsOf(t, "decision.refused")).map(([actor]) => actor)).toEqual([LIFE.principalB, LIFE.techSupport, LIFE.dpo, LIFE.seniorA, LIFE.principalA]);
      expect(await t.ctx.db.playbackGrant.count()).toBe(0);

      const approved = await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: LIFE.principalA, outcome: "approve", note: NECESSARY });
      expect(approved.decisions[0]).toMatchObject({ email: LIFE.principalA, outcome: "APPROVED", note: NECESSARY });
      const [entry] = await audit(t, "request.approved");
      expect(entry).toMatchObject({ actor: LIFE.principalA, details: expect.objectContaining({ note: NECESSARY }) });

      // A principal's own request is determined by the CEO, never by themselves.
      const own = await submitRequest(t.ctx, ask({ requesterEmail: LIFE.principalA, submissionKey: "own" }));
      expect(own.authoriserEmails).toEqual([LIFE.ceo]);
      expect(explained).toContain('Each approval must carry a note: "Why is it necessary to listen to this recording?');
    });

    it("LIFE-6 (a dead end of the rule) when the CEO asks about a call the principal took part in, neither may determine it: policy check warns, and the request is refused plainly, sending them to the DPO", async () => {
      // policy check: a warning (not a failure: most calls are fine) naming the purpose and whose request can never be authorised.
      const { warnings, contradictions } = reviewPolicy(policy, NOW);
      expect(contradictions).toEqual([]);
      // Purposes with the same dead ends share one warning.
      const staffProtection = warnings.find((w) => w.startsWith('"Protecting staff from aggressive, abusive or nuisance calls", "Improving the quality of the service provided" and "Identifying staff training needs and supporting effective training" can never be authorised'));
      expect(staffProtection).toContain("for Placeholder Chief Executive asking about a call Placeholder Principal A took part in (calls at Placeholder Academy A)");
      expect(staffProtection).toContain("for Placeholder Principal A asking about a call Placeholder Chief Executive took part in (calls at Placeholder Academy A)");
      expect(staffProtection).toContain("the Data Protection Officer must be asked");
      expect(warnings.find((w) => w.startsWith('"Discipline and grievance procedures"'))).toContain("or that concerns Placeholder Principal A");

      // At submit: who could not authorise, why, and whom to ask; nothing is written but the audited refusal.
      const refused = await expectCode(submitRequest(t.ctx, ask({ requesterEmail: LIFE.ceo, siteId: "academy-a", parties: "Placeholder Principal A and a parent" })), "CONFLICT_OF_INTEREST");
      expect(refused.field).toBe("parties");
      expect(refused.message).toBe(
        'Nobody could authorise this request: "Protecting staff from aggressive, abusive or nuisance calls" requests for Placeholder Academy A are authorised only by Placeholder Chief Executive or Placeholder Principal A: you cannot authorise your own request; Placeholder Principal A was a party to the call. Nobody may authorise their own request, one about themselves, or a call they took part in. Ask the Data Protection Officer (Placeholder Data Protection Officer) how it can be authorised.',
      );
      const aboutThem = await expectCode(submitRequest(t.ctx, ask({ requesterEmail: LIFE.ceo, siteId: "academy-a", purposeId: "discipline-grievance", reason: "Grievance raised by a parent about how this call was handled", concernsEmail: LIFE.principalA })), "CONFLICT_OF_INTEREST");
      expect([aboutThem.field, aboutThem.message]).toEqual(["concernsEmail", expect.stringContaining(": you cannot authorise your own request; the request concerns Placeholder Principal A.")]);
      expect(await refusalsOf(t, "request.refused")).toEqual([
        [LIFE.ceo, "CONFLICT_OF_INTEREST"],
        [LIFE.ceo, "CONFLICT_OF_INTEREST"],
      ]);
      expect(await t.ctx.db.recordingRequest.count()).toBe(0);
    });
  });

  describe("3. Notification", () => {
    it("LIFE-7 'A pre-recorded message … Placing a notice on the Trust and related Academies websites': outside Callgate, and policy explain says so; callers are told, so covert monitoring is a separate, exceptional step", () => {
      expect(explained).toContain("Callers hear a pre-recorded message that calls may be monitored and recorded, played before the call is answered, and a notice is placed on the Trust and Academies websites (§3)");
    });
  });

  describe("4. Covert monitoring", () => {
    it("LIFE-8 'good cause to suspect that an illegal or unauthorised action(s) … or … grounds to suspect serious misconduct': each authorisation names one of §4's grounds", async () => {
      const none = await expectCode(authoriseCovertMonitoring(t.ctx, covert({ ground: undefined })), "INVALID_INPUT");
      expect(none.field).toBe("ground");
      expect(none.message).toContain('"illegal-or-unauthorised" (Good cause to suspect that an illegal or unauthorised action is taking place (§4))');
      const other = await expectCode(authoriseCovertMonitoring(t.ctx, covert({ ground: "poor-performance" })), "INVALID_INPUT");
      expect(other.field).toBe("ground");
      expect(await t.ctx.db.covertAuthorisation.count()).toBe(0);
      for (const ground of ["illegal-or-unauthorised", "serious-misconduct"]) {
        const view = await authoriseCovertMonitoring(t.ctx, covert({ ground, newInvestigation: `Investigation on ${ground}` }));
        expect(view.reference).toMatch(/^COV-/);
      }
      expect((await audit(t, "covert.authorised")).map((e) => (e.details as { ground?: string }).ground)).toEqual(["illegal-or-unauthorised", "serious-misconduct"]);
    });

    it("LIFE-9 'Where notifying the individuals about the monitoring would seriously prejudice the reason for making the recording'", async () => {
      await authoriseCovertMonitoring(t.ctx, covert({ ground: "notice-would-prejudice" }));
      const [entry] = await audit(t, "covert.authorised");
      expect(entry?.details).toMatchObject({ ground: "notice-would-prejudice", groundLabel: "Notifying the individuals about the monitoring would seriously prejudice the reason for making the recording (§4)" });
      // The member of staff monitored is never told.
      await t.deliver();
      expect(t.channel.to(LIFE.seniorA, "compliance-notice")).toHaveLength(0);
      expect(t.channel.to(LIFE.dpo, "compliance-notice").map((n) => (n.kind === "compliance-notice" ? n.title : ""))).toEqual([expect.stringMatching(/^Covert monitoring authorised \(COV-/)]);
    });

    it("LIFE-10 'authorisation must be obtained from the CEO / relevant Academy Principal/Head of Setting'", async () => {
      for (const actorEmail of [LIFE.seniorA, LIFE.techSupport, LIFE.dpo, LIFE.principalB]) {
        await expectCode(authoriseCovertMonitoring(t.ctx, covert({ actorEmail, staffEmails: [LIFE.seniorA] })), "FORBIDDEN");
      }
      // Nobody authorises monitoring of themselves.
      await expectCode(authoriseCovertMonitoring(t.ctx, covert({ actorEmail: LIFE.principalA, staffEmails: [LIFE.principalA] })), "FORBIDDEN");
      expect((await refusalsOf(t, "covert.refused")).map(([actor]) => actor)).toEqual([LIFE.seniorA, LIFE.techSupport, LIFE.dpo, LIFE.principalB, LIFE.principalA]);
      const byPrincipal = await authoriseCovertMonitoring(t.ctx, covert());
      const byCeo = await authoriseCovertMonitoring(t.ctx, covert({ actorEmail: LIFE.ceo, staffEmails: [LIFE.principalB], newInvestigation: "Suspected misconduct, Academy B" }));
      expect((await t.ctx.db.covertAuthorisation.findMany({ orderBy: { reference: "asc" } })).map((c) => [c.reference, c.authorisedBy, c.authoriserRole])).toEqual([
        [byPrincipal.reference, LIFE.principalA, "principal"],
        [byCeo.reference, LIFE.ceo, "ceo"],
      ]);
    });

    it("LIFE-11 'Covert monitoring must cease following completion of an investigation': closing the investigation ends it", async () => {
      const view = await authoriseCovertMonitoring(t.ctx, covert());
      const investigation = await t.ctx.db.hold.findFirstOrThrow({ where: { kind: "INVESTIGATION" } });
      const { endedCovert } = await releaseHold(t.ctx, { actorEmail: LIFE.dpo, reference: investigation.reference, reason: "Investigation completed; no further action" });
      expect(endedCovert).toEqual([view.reference]);
      expect(await t.ctx.db.covertAuthorisation.findUniqueOrThrow({ where: { reference: view.reference } })).toMatchObject({ status: "ENDED" });
      const [ended] = await audit(t, "covert.ended");
      expect(ended?.details).toMatchObject({ reference: view.reference, investigation: investigation.reference, reason: "investigation closed" });
      // It cannot be tied to the closed investigation again.
      const again = await expectCode(authoriseCovertMonitoring(t.ctx, covert({ newInvestigation: undefined, investigation: investigation.reference })), "WRONG_STATE");
      expect(again.field).toBe("investigation");
    });
  });

  describe("5. Storage and retention", () => {
    it("LIFE-12 'The Trust typically retains call recordings for 12 months': older calls cannot be asked for, and the sweep deletes them", async () => {
      const old = await addCall({ startedAt: new Date("2025-11-18T10:00:00Z"), number: "020 7946 0099" });
      const young = await addCall({ startedAt: new Date("2025-11-22T10:00:00Z"), number: "020 7946 0098" });
      const tooOld = await expectCode(submitRequest(t.ctx, ask({ date: "2025-11-18" })), "DATE_TOO_OLD");
      expect(tooOld.field).toBe("date");
      expect(await sweepRetention(t.ctx)).toMatchObject({ deleted: 1 });
      expect(await t.ctx.db.recording.count({ where: { id: old.id } })).toBe(0);
      expect(await t.ctx.db.recording.count({ where: { id: young.id } })).toBe(1);
      expect(reviewPolicy(policy, NOW).warnings.some((w) => w.startsWith("retention.default is assumed") && w.includes('"typically"'))).toBe(true);
    });

    it("LIFE-13 'read-only access is granted to the authorised person(s) for a period of 7 days after which access automatically expires'", async () => {
      const { submitted, token } = await delivered();
      const grant = await t.ctx.db.playbackGrant.findFirstOrThrow({ where: { requestId: submitted.id } });
      expect(grant.expiresAt.getTime() - NOW.getTime()).toBe(7 * DAY);
      expect((await play(token)).outcome).toBe("opened");
      t.clock.set(new Date(NOW.getTime() + 7 * DAY + 60_000));
      expect(await play(token)).toMatchObject({ outcome: "ended", reason: "expired" });
    });

    it("LIFE-14 'Recordings cannot be downloaded from this location' / 'configured to deny requests to download'", async () => {
      expect(policy.playback.allowDownload).toBe(false);
      expect(explained).toContain("Recordings can never be downloaded.");
      const { token } = await delivered();
      const opened = await play(token);
      if (opened.outcome !== "opened") throw new Error("expected the player");
      const page = renderPlayer(opened.view, "/play/audio").html;
      expect(page).toContain("controlsList=\"nodownload");
      expect(page).not.toMatch(/<a [^>]*download/);
    });
  });

  describe("6. Access to call recordings", () => {
    it("LIFE-15 'restricted to those staff authorised to listen to them, and will not be made more widely available'", async () => {
      const { submitted, token } = await delivered();
      expect((await t.ctx.db.playbackGrant.findMany()).map((g) => g.requesterEmail)).toEqual([LIFE.seniorA]);
      for (const email of [LIFE.ceo, LIFE.principalA, LIFE.techSupport, LIFE.dpo]) expect(t.channel.to(email, "access-granted")).toHaveLength(0);
      expect((await play(token)).outcome).toBe("opened");
      // A forwarded link does not play in another browser.
      expect(await play(token, "Other Browser/2.0", "127.0.0.2")).toMatchObject({ outcome: "refused", code: "OTHER_BROWSER" });
      const [refused] = await audit(t, "playback.refused");
      expect(refused).toMatchObject({ requestId: submitted.id, details: expect.objectContaining({ code: "OTHER_BROWSER" }) });
    });

    it("LIFE-16 'Direct access to the dedicated server machine … restricted to the Technical Support Department': only they find the recording, from its details", async () => {
      const recording = await addCall();
      const submitted = await submitRequest(t.ctx, ask());
      await recordDecision(t.ctx, { requestId: submitted.id, deciderEmail: LIFE.ceo, outcome: "approve", note: NECESSARY });
      await t.deliver();
      expect(t.channel.to(LIFE.techSupport, "fulfilment-needed")).toHaveLength(1);
      for (const fulfillerEmail of [LIFE.ceo, LIFE.principalA, LIFE.seniorA, LIFE.dpo]) {
        expect(t.channel.to(fulfillerEmail, "fulfilment-needed")).toHaveLength(0);
        await expectCode(fulfilRequest(t.ctx, { requestId: submitted.id, fulfillerEmail, recordingId: recording.id }), "FORBIDDEN");
      }
      expect((await refusalsOf(t, "fulfilment.refused")).map(([actor]) => actor)).toEqual([LIFE.ceo, LIFE.principalA, LIFE.seniorA, LIFE.dpo]);
      await expect(fulfilRequest(t.ctx, { requestId: submitted.id, fulfillerEmail: LIFE.techSupport, recordingId: recording.id })).resolves.toMatchObject({ status: "FULFILLED" });
      expect(await t.ctx.db.playbackGrant.count({ where: { requesterEmail: LIFE.techSupport } })).toBe(0);
      expect(explained).toContain("Technical Support Department (Placeholder Technical Support Officer) always picks the recording from the call details");
    });

    it("LIFE-17 'deleted … usually annually unless a specific request is received from the CEO/Principal/Head of setting'", async () => {
      const keptByPrincipal = await addCall({ startedAt: new Date("2026-01-10T10:00:00Z"), number: "020 7946 0010" });
      const keptByCeo = await addCall({ startedAt: new Date("2026-01-11T10:00:00Z"), number: "020 7946 0011", siteId: "academy-b" });
      const notKept = await addCall({ startedAt: new Date("2026-01-12T10:00:00Z"), number: "020 7946 0012" });
      const hold = await preserveRecording(t.ctx, { actorEmail: LIFE.principalA, callIds: [keptByPrincipal.callId], classId: "specific-request", reason: "The parent's complaint may go to the governors" });
      expect(hold).toMatchObject({ kind: "PRESERVATION", createdBy: { email: LIFE.principalA }, preservation: { classId: "specific-request", keepUntilText: null, reviewOnText: "20/11/2027" } });
      await preserveRecording(t.ctx, { actorEmail: LIFE.ceo, callIds: [keptByCeo.callId], classId: "specific-request", reason: "Needed for a claim against the trust" });
      // Another academy's principal, a senior leader and Technical Support cannot ask for it.
      await expectCode(preserveRecording(t.ctx, { actorEmail: LIFE.principalB, callIds: [notKept.callId], classId: "specific-request", reason: "Please keep this call" }), "FORBIDDEN");
      for (const actorEmail of [LIFE.seniorA, LIFE.techSupport]) {
        await expectCode(preserveRecording(t.ctx, { actorEmail, callIds: [notKept.callId], classId: "specific-request", reason: "Please keep this call" }), "FORBIDDEN");
      }
      expect((await refusalsOf(t, "hold.refused")).map(([actor, code]) => [actor, code])).toEqual([
        [LIFE.principalB, "FORBIDDEN"],
        [LIFE.seniorA, "FORBIDDEN"],
        [LIFE.techSupport, "FORBIDDEN"],
      ]);

      t.clock.set(new Date("2027-01-20T12:00:00Z")); // all three are now past 12 months
      await sweepRetention(t.ctx);
      expect(await t.ctx.db.recording.count({ where: { id: { in: [keptByPrincipal.id, keptByCeo.id] } } })).toBe(2);
      expect(await t.ctx.db.recording.count({ where: { id: notKept.id } })).toBe(0);
      expect(explained).toContain("Kept at a specific request of the CEO/Principal/Head of setting (§6): kept until released, reviewed every 12 months");
    });
  });

  describe("7. Subject access requests", () => {
    it("LIFE-18 'Individuals have the right to request access to call recordings relating to themselves': any member of staff logs it, and the CEO owns it", async () => {
      await addCall();
      const logged = await logSubjectAccess(t.ctx, sar());
      expect(logged.owner.email).toBe(LIFE.ceo);
      await t.deliver();
      expect(t.channel.to(LIFE.ceo, "compliance-notice").map((n) => (n.kind === "compliance-notice" ? n.title : ""))).toContain(`Subject access request ${logged.reference} is yours`);
      const view = await showSubjectAccess(t.ctx, { actorEmail: LIFE.ceo, reference: logged.reference });
      expect(view.items).toHaveLength(1);
      // Nobody else owns it.
      await expect(logSubjectAccess(t.ctx, sar({ owner: LIFE.principalA, subjectName: "Sam Jones" }))).rejects.toMatchObject({ code: "INVALID_INPUT", field: "owner" });
    });

    it("LIFE-19 'made in writing using the SAR request form to the CEO': a request made otherwise is logged, the logger told; only the CEO decides it", async () => {
      const written = await logSubjectAccess(t.ctx, sar());
      expect(written.channelAdvice ?? null).toBeNull();
      const byPhone = await logSubjectAccess(t.ctx, sar({ channel: "phone", subjectName: "Sam Jones" }));
      expect(byPhone.channelAdvice).toMatch(/asks for subject access requests in writing \(letter, e-mail, web form\)/);
      // The DPO, whom the document does not name, cannot close it; the CEO can.
      await expectCode(closeSubjectAccess(t.ctx, { actorEmail: LIFE.dpo, reference: written.reference, outcome: "withdrawn", reason: "Subject withdrew by letter" }), "FORBIDDEN");
      await expectCode(closeSubjectAccess(t.ctx, { actorEmail: LIFE.principalA, reference: written.reference, outcome: "withdrawn", reason: "Subject withdrew by letter" }), "FORBIDDEN");
      expect((await refusalsOf(t, "subject-access.refused")).map(([actor]) => actor)).toEqual([LIFE.dpo, LIFE.principalA]);
      await expect(closeSubjectAccess(t.ctx, { actorEmail: LIFE.ceo, reference: written.reference, outcome: "withdrawn", reason: "Subject withdrew by letter" })).resolves.toMatchObject({ status: "WITHDRAWN" });
      expect(explained).toContain("Requests go to: In writing, using the SAR request form, to the CEO of LIFE Academies Trust (§7)");
    });

    it("LIFE-20 'provide sufficient information to enable recordings relating to them to be identified. For example, date and time of call.'", async () => {
      const wanted = await addCall({ number: "020 7946 0050" });
      await addCall({ startedAt: new Date("2026-11-18T09:05:00Z"), number: "020 7946 0051" });
      const logged = await logSubjectAccess(t.ctx, sar({ numbers: [], calls: [{ on: "18/11/2026", at: "14:30" }] }));
      const view = await showSubjectAccess(t.ctx, { actorEmail: LIFE.ceo, reference: logged.reference });
      expect(view.items.map((i) => [i.recordingId, i.matchedBy])).toEqual([[wanted.id, "description"]]);
    });

    it("LIFE-21 'refuse access … where this would prejudice the legal rights of other individuals or jeopardise an on-going investigation': only on those two grounds", async () => {
      await addCall();
      const first = await logSubjectAccess(t.ctx, sar());
      const unfounded = await expectCode(closeSubjectAccess(t.ctx, { actorEmail: LIFE.ceo, reference: first.reference, outcome: "refuse", grounds: "unfounded", reason: "The subject asks every week" }), "INVALID_INPUT");
      expect(unfounded.field).toBe("grounds");
      expect(unfounded.message).toContain("others-rights");
      const refused = await closeSubjectAccess(t.ctx, { actorEmail: LIFE.ceo, reference: first.reference, outcome: "refuse", grounds: "investigation", reason: "Police investigation 1234/26 is on-going" });
      expect(refused).toMatchObject({ status: "REFUSED", refusalGround: "investigation" });
      const second = await logSubjectAccess(t.ctx, sar({ subjectName: "Sam Jones" }));
      const partial = await closeSubjectAccess(t.ctx, { actorEmail: LIFE.ceo, reference: second.reference, outcome: "partial", grounds: "others-rights", outputs: ["transcript"], assessment: "One call found; another parent speaks in it, so a transcript without their words" });
      expect(partial).toMatchObject({ status: "PARTIALLY_REFUSED", refusalGround: "others-rights" });
      expect((await audit(t, "subject-access.closed")).map((e) => (e.details as { grounds?: string }).grounds)).toEqual(["investigation", "others-rights"]);
    });

    it("LIFE-18 and LIFE-19 (assumed from §7) the CEO (besides the DPO) erases a person's recordings and exports them; a principal cannot", async () => {
      await addCall();
      await expectCode(proposeErasure(t.ctx, { actorEmail: LIFE.principalA, numbers: ["020 7946 0001"], reason: "Erasure request received in writing" }), "FORBIDDEN");
      const proposed = await proposeErasure(t.ctx, { actorEmail: LIFE.ceo, numbers: ["020 7946 0001"], reason: "Erasure request received in writing" });
      expect(proposed.toDelete).toHaveLength(1);
      await expectCode(exportSubjectData(t.ctx, { actorEmail: LIFE.principalA, numbers: ["020 7946 0001"] }), "FORBIDDEN");
      expect(await refusalsOf(t, "erasure.refused")).toEqual([[LIFE.principalA, "FORBIDDEN"]]);
      await expect(exportSubjectData(t.ctx, { actorEmail: LIFE.ceo, numbers: ["020 7946 0001"] })).resolves.toMatchObject({ fileName: expect.stringMatching(/\.zip$/) });
      // The DPO always may too (compliance-roles.ts), and explain says exactly that.
      await expect(proposeErasure(t.ctx, { actorEmail: LIFE.dpo, numbers: ["020 7946 0001"], reason: "Erasure request received in writing" })).resolves.toMatchObject({ toDelete: [expect.anything()] });
      expect(explained).toContain("Erasure (the right to be forgotten) is proposed, confirmed or cancelled by Data Protection Officer (Placeholder Data Protection Officer) or Chief Executive Officer (Placeholder Chief Executive).");
      expect(explained).toContain("A subject's data is exported (data portability) by Data Protection Officer (Placeholder Data Protection Officer) or Chief Executive Officer (Placeholder Chief Executive).");
    });
  });

  describe("8. Access to and disclosure of call recordings to third parties", () => {
    it("LIFE-22 'no disclosure … other than to authorised personnel, such as the Police and service providers … (e.g. investigators)'", async () => {
      const police = await submitDisclosure(t.ctx, disclosure());
      expect(police.disclosure).toMatchObject({ recipientEntryId: "police", recipientCategory: "law-enforcement" });
      // The CEO recorded it, so the academy's principal decides.
      expect(police.disclosure.authoriserEmails).toEqual([LIFE.principalA]);
      const investigators = await submitDisclosure(t.ctx, disclosure({ askingOrganisation: "Acorn Investigations Ltd", askingPerson: "Alex Reed", recipientName: "Alex Reed", recipientJobTitle: "Investigator", lawfulBasis: "UK GDPR Article 6(1)(e), the trust's investigation of a complaint", submissionKey: "acorn" }));
      expect(investigators.disclosure).toMatchObject({ recipientEntryId: "service-providers", recipientCategory: "service-provider" });
      const press = await expectCode(submitDisclosure(t.ctx, disclosure({ askingOrganisation: "The Evening Gazette" })), "FORBIDDEN");
      expect(press.field).toBe("askingOrganisation");
      // Nobody outside the CEO, the principals and the DPO records one.
      await expectCode(submitDisclosure(t.ctx, disclosure({ requesterEmail: LIFE.seniorA })), "FORBIDDEN");
      expect(await t.ctx.db.disclosure.count()).toBe(2);
    });

    it("LIFE-23 'assessed using the school's Third Party Request for Information policy': each authorisation records that assessment", async () => {
      await addCall();
      const { request: made } = await submitDisclosure(t.ctx, disclosure());
      const bare = await expectCode(recordDecision(t.ctx, { requestId: made.id, deciderEmail: LIFE.principalA, outcome: "approve" }), "INVALID_INPUT");
      expect(bare.field).toBe("note");
      expect(bare.message).toContain("Record your assessment of the request under the school's Third Party Request for Information policy");
      await expectCode(recordDecision(t.ctx, { requestId: made.id, deciderEmail: LIFE.ceo, outcome: "approve", note: "Meets the policy: crime prevention" }), "SELF_APPROVAL");
      const assessment = "Assessed under the Third Party Request for Information policy: police request in writing, crime prevention exemption applies";
      const decided = await recordDecision(t.ctx, { requestId: made.id, deciderEmail: LIFE.principalA, outcome: "approve", note: assessment });
      expect(decided.status).toBe("AWAITING_FULFILMENT");
      const [approved] = await audit(t, "request.approved");
      expect(approved).toMatchObject({ actor: LIFE.principalA, requestId: made.id, details: expect.objectContaining({ note: assessment }) });
      expect(explained).toContain("A third party's request is assessed under the school's Third Party Request for Information policy: each authorisation must carry a note of that assessment");

      // A later reader sees the assessment wherever the decision shows: the filled form, the disclosure's view and list, the audit summary.
      const call = await t.ctx.db.recording.findFirstOrThrow();
      await fulfilRequest(t.ctx, { requestId: made.id, fulfillerEmail: LIFE.techSupport, recordingId: call.id });
      await t.deliver();
      const form = await t.ctx.db.deliveredFile.findFirstOrThrow({ where: { kind: "disclosure-form" } });
      const text = await pdfText(await storage.readFile(form.blobName));
      expect(text).toContain(`Assessment under the school's Third Party Request for Information policy ${assessment}`);
      const [shown] = await listDisclosures(t.ctx, { actorEmail: LIFE.dpo });
      expect(shown!.decisions).toEqual([expect.objectContaining({ name: "Placeholder Principal A", outcome: "APPROVED", note: assessment })]);
      const listed = await runConsole({ ctx: t.ctx, actorEmail: LIFE.dpo, publicUrl: "https://callgate.test" }, "disclosure list", [disclosureConsole]);
      expect(JSON.stringify(listed)).toContain(`authorised by Placeholder Principal A, Fri 20 Nov 2026, 12:00: ${assessment}`);
      const summary = await summariseAudit(t.ctx, { actorEmail: LIFE.dpo });
      expect(summary.approvalNotes.items).toEqual([expect.objectContaining({ reference: made.reference, purpose: "Disclosure to a third party", decider: expect.objectContaining({ name: "Placeholder Principal A" }), note: assessment })]);
    });

    it("LIFE-24 'may be used within the school's discipline and grievance procedures … subject to the usual confidentiality requirements'", async () => {
      const reason = "Grievance raised by a colleague about comments made on this call to a parent";
      const { submitted, token } = await delivered({ requesterEmail: LIFE.principalA, purposeId: "discipline-grievance", reason, concernsEmail: LIFE.seniorA }, LIFE.ceo);
      expect(submitted).toMatchObject({ purposeLabel: "Discipline and grievance procedures", concerns: { email: LIFE.seniorA } });
      expect(submitted.authoriserEmails).toEqual([LIFE.ceo]);
      // The member of staff it concerns never authorises, nor is given the recording.
      expect(await t.ctx.db.playbackGrant.count({ where: { requesterEmail: LIFE.seniorA } })).toBe(0);
      const opened = await play(token);
      if (opened.outcome !== "opened") throw new Error("expected the player");
      const page = renderPlayer(opened.view, "/play/audio").html;
      expect(page).toContain("<strong>Confidential.</strong> This recording was released to Placeholder Principal A alone, for discipline and grievance procedures");
      // A request from the person it concerns, about themselves, is never decided by them.
      const aboutPrincipal = await submitRequest(t.ctx, ask({ purposeId: "discipline-grievance", reason, concernsEmail: LIFE.principalA, submissionKey: "about-principal" }));
      expect(aboutPrincipal.authoriserEmails).toEqual([LIFE.ceo]);
      await expectCode(recordDecision(t.ctx, { requestId: aboutPrincipal.id, deciderEmail: LIFE.principalA, outcome: "approve", note: NECESSARY }), "CONFLICT_OF_INTEREST");
    });
  });

  describe("9. Complaints and 10. Breaches", () => {
    it("LIFE-25 'Complaints will be dealt with in accordance with the Complaints Procedure.'", () => {
      expect(policy.routes.complaints).toMatchObject({ procedure: "Complaints Procedure" });
      expect(explained).toContain("- Complaints: Complaints Procedure.");
    });

    it("LIFE-26 'Any breach of this policy may result in action being taken under the Trust Disciplinary policy.'", async () => {
      expect(explained).toContain("- Misuse is dealt with under the Trust Disciplinary policy.");
      const { token } = await delivered();
      const opened = await play(token);
      expect(opened.outcome === "opened" ? opened.view.misuseText : "").toBe("Misuse of recordings is dealt with under the Trust Disciplinary policy.");
    });
  });
});
