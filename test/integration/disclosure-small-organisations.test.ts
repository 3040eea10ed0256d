/**
 * Disclosure as the seeds write it: a sole DPO or data controller records an
 * outside party's request and decides it (Vision Academy; ECS "forwarded to
 * the Data Controller who will complete the request"), while larger
 * organisations keep separation of duties; recipients matched by category,
 * alias and lawful basis (LIFE §8, OOL "Access by other parties", North Wales
 * Housing Appendix 1); and the North Wales Housing request form's fields.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { disclosureConsole } from "../../src/commands/disclosure.ts";
import { runConsole } from "../../src/commands/run-console.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { submitDisclosure } from "../../src/core/disclosure/submit-disclosure.ts";
import { chasePendingRequests } from "../../src/core/jobs/chase-pending-requests.ts";
import { fulfilRequest } from "../../src/core/requests/fulfil-request.ts";
import { listPendingActions } from "../../src/core/requests/list-pending-actions.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { parsePolicy } from "../../src/core/policy/load-policy.ts";
import type { PolicyInput } from "../../src/core/policy/schema.ts";
import { addRecording, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { auditText, expectCode } from "../support/expect-code.ts";
import { pdfText } from "../support/pdf.ts";
import { policeDisclosure } from "../support/inputs.ts";
import { useTestStorage } from "../support/storage.ts";
import { P, testPolicy } from "../support/test-policy.ts";

const CALL_AT = new Date("2026-11-18T14:32:00Z");

const recipients: NonNullable<PolicyInput["disclosure"]>["permittedRecipients"] = [
  { id: "police", label: "Police forces", category: "law-enforcement", matches: ["police", "constabulary"], lawfulBasis: "DPA 2018 Schedule 2 Part 1 paragraph 2 (crime and taxation)" },
  { id: "hmrc", label: "HM Revenue and Customs", category: "tax-authority", aliases: ["HMRC", "Her Majesty's Revenue and Customs", "His Majesty's Revenue and Customs"], lawfulBasis: "DPA 2018 Schedule 2 Part 1 paragraph 2 (crime and taxation)" },
  { id: "investigators", label: "Service providers who reasonably need access", category: "service-provider", matches: ["investigations", "investigators"] },
  { id: "legal-obligation", label: "Any body the organisation is legally obliged to share with", category: "legal-obligation", anyOrganisation: true, lawfulBasis: "UK GDPR Article 6(1)(c) (legal obligation)" },
];

/** One DPO, who alone records and authorises (Vision Academy, ECS). */
const soleDpo = testPolicy({ disclosure: { authoriserRoles: ["dpo"], recorderMayAuthorise: true, permittedRecipients: recipients } });
/** Several authorisers, separation of duties kept (the default). */
const separated = testPolicy({ disclosure: { authoriserRoles: ["dpo", "ceo", "it-manager"], permittedRecipients: recipients } });

const sgtJones = (over: Parameters<typeof policeDisclosure>[0] = {}) =>
  policeDisclosure({
    askingOrganisation: "North Wales Police",
    askingPerson: "Sgt Alun Jones",
    askingRole: "Custody Sergeant",
    askingContact: "alun.jones@police.example",
    recipientName: "Sgt Alun Jones",
    recipientJobTitle: "Custody Sergeant",
    lawfulBasis: undefined,
    ...over,
  });

describe.each(DATABASE_KINDS)("disclosure in a small organisation on %s", (kind) => {
  const t = useTestCore(kind, { policy: soleDpo });
  const storage = useTestStorage(t);

  it("lets the sole DPO record a police request and authorise it, and every record says so", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const { request, disclosure } = await submitDisclosure(t.ctx, sgtJones({ requestReceivedOn: "16/11/2026" }));
    expect(request.status).toBe("PENDING_APPROVAL");
    expect(disclosure).toMatchObject({ requestedByText: "Sgt Alun Jones (Custody Sergeant), North Wales Police", recorderMayDecide: true, recipientText: "Police forces (law enforcement)", authoriserEmails: [P.dpo] });
    await t.deliver();
    expect(t.channel.to(P.dpo, "approval-needed")).toHaveLength(1);
    expect(disclosure.lawfulBasis).toBe("DPA 2018 Schedule 2 Part 1 paragraph 2 (crime and taxation)");

    const decided = await recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.dpo, outcome: "approve" });
    expect(decided.status).toBe("FULFILLED");
    await t.deliver();

    const audit = await t.ctx.db.auditEntry.findMany({ where: { requestId: request.id }, orderBy: { seq: "asc" } });
    const approved = audit.find((a) => a.action === "request.approved")!;
    expect(approved.actor).toBe(P.dpo);
    expect(approved.details).toMatchObject({ recordedAndDecidedBy: "requested by Sgt Alun Jones (Custody Sergeant), North Wales Police; recorded and authorised by Carys Evans" });
    const requested = audit.find((a) => a.action === "disclosure.requested")!;
    expect(requested.details).toMatchObject({ requesterKind: "outside-party", recordedBy: P.dpo, recorderMayAuthorise: true, recipientEntryId: "police", recipientCategory: "law-enforcement", requestReceivedOn: "2026-11-16", agreedPurpose: "Investigation of threats made to a member of staff" });
    const released = audit.find((a) => a.action === "disclosure.released")!;
    expect(released.details).toMatchObject({ agreedPurpose: "Investigation of threats made to a member of staff", recipientCategory: "law-enforcement", recordedAndAuthorisedBy: expect.stringContaining("recorded and authorised by Carys Evans") });
    // The contact is on the form, never in the audit log.
    expect(auditText(audit)).not.toContain("alun.jones@police.example");

    const file = await t.ctx.db.deliveredFile.findFirstOrThrow({ where: { ownerEmail: P.dpo, kind: "disclosure-form" } });
    const text = await pdfText(await storage.readFile(file.blobName));
    for (const expected of [
      "Custody Sergeant",
      "alun.jones@police.example",
      "Police forces (law enforcement)",
      "Date of request 16/11/2026",
      "Purpose agreed on release Investigation of threats made to a member of staff",
      "Requested by Sgt Alun Jones (Custody Sergeant), North Wales Police; recorded and authorised by Carys Evans",
    ]) {
      expect(text).toContain(expected);
    }
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it("lets the sole DPO who recorded and authorised a police request find the call and complete it too, and every record says so (ECS: 'the Data Controller who will complete the request')", async () => {
    t.ctx.policy = testPolicy({ disclosure: { authoriserRoles: ["dpo"], recorderMayAuthorise: true, permittedRecipients: recipients }, fulfilment: { mode: "fulfiller", roles: ["dpo", "it-manager"] } });
    const call = await addRecording(t.ctx, { startedAt: CALL_AT });
    const { request } = await submitDisclosure(t.ctx, sgtJones());
    const waiting = async () => {
      const pending = await listPendingActions(t.ctx, { email: P.dpo });
      return { toAuthorise: pending.toAuthorise.map((r) => r.id), toFulfil: pending.toFulfil.map((r) => r.id) };
    };
    // `pending` lists it for the DPO who recorded it, though it is their own request.
    expect(await waiting()).toEqual({ toAuthorise: [request.id], toFulfil: [] });
    await recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.dpo, outcome: "approve" });
    expect(await waiting()).toEqual({ toAuthorise: [], toFulfil: [request.id] });
    await t.deliver();
    expect(t.channel.to(P.dpo, "fulfilment-needed")).toHaveLength(1);
    await expect(fulfilRequest(t.ctx, { requestId: request.id, fulfillerEmail: P.dpo, recordingId: call.id })).resolves.toMatchObject({ status: "FULFILLED" });
    await t.deliver();
    const fulfilled = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { requestId: request.id, action: "request.fulfilled" } });
    expect(fulfilled).toMatchObject({ actor: P.dpo, details: expect.objectContaining({ completedByRecorder: true }) });
    const released = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { requestId: request.id, action: "disclosure.released" } });
    expect(released.details).toMatchObject({ fulfilledBy: P.dpo, completedByRecorder: true, recordedAndAuthorisedBy: "requested by Sgt Alun Jones (Custody Sergeant), North Wales Police; recorded, authorised and completed by Carys Evans" });
    const file = await t.ctx.db.deliveredFile.findFirstOrThrow({ where: { ownerEmail: P.dpo, kind: "disclosure-form" } });
    const text = await pdfText(await storage.readFile(file.blobName));
    expect(text).toContain("Recorded, authorised and completed by one person Requested by Sgt Alun Jones (Custody Sergeant), North Wales Police; recorded, authorised and completed by Carys Evans");
    expect(text).toContain("Call found and request completed by Carys Evans");
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it("lets the sole DPO refuse it too, saying who recorded and refused it", async () => {
    const { request } = await submitDisclosure(t.ctx, sgtJones());
    const denied = await recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.dpo, outcome: "deny", reason: "No lawful basis shown for this call" });
    expect(denied.status).toBe("DENIED");
    const entry = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { requestId: request.id, action: "request.denied" } });
    expect(entry.details).toMatchObject({ recordedAndDecidedBy: expect.stringContaining("recorded and refused by Carys Evans") });
  });

  it("reminds the sole DPO of a disclosure they recorded and have not decided", async () => {
    const { request } = await submitDisclosure(t.ctx, sgtJones());
    t.clock.advance(25 * 60 * 60_000);
    expect((await chasePendingRequests(t.ctx)).reminded).toBe(1);
    const entry = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { requestId: request.id, action: "request.reminded" } });
    expect(entry.details).toMatchObject({ reminded: [P.dpo] });
  });

  it("takes the request form's fields from the DPO console and tells the sole DPO they may decide it", async () => {
    const session = { ctx: t.ctx, actorEmail: P.dpo, publicUrl: "https://callgate.test" };
    const line =
      'disclosure new --date 2026-11-18 --time 14:30 --number "020 7946 0001" --asking-org "North Wales Police" --asking-person "Sgt Alun Jones" --asking-role "Custody Sergeant" --asking-contact "alun.jones@police.example" --received 16/11/2026 --purpose "Investigation of threats made to staff" --recipient "Sgt Alun Jones" --recipient-title "Custody Sergeant" --condition-accepted --release link';
    const reply = await runConsole(session, line, [disclosureConsole]);
    expect(reply.title).toMatch(/^Disclosure CG-\d{6} recorded$/);
    const shown = JSON.stringify(reply.blocks);
    expect(shown).toContain("Sgt Alun Jones (Custody Sergeant), North Wales Police");
    expect(shown).toContain("Police forces (law enforcement)");
    expect(shown).toContain("Waiting for authorisation by you.");
    expect(shown).toContain("the records will say you recorded and decided it");
    const row = await t.ctx.db.disclosure.findFirstOrThrow();
    expect(row).toMatchObject({ askingRole: "Custody Sergeant", askingContact: "alun.jones@police.example", lawfulBasis: "DPA 2018 Schedule 2 Part 1 paragraph 2 (crime and taxation)" });
    expect(row.requestReceivedOn?.toISOString().slice(0, 10)).toBe("2026-11-16");

    const wrong = await runConsole(session, line.replace("16/11/2026", "32/11/2026"), [disclosureConsole]);
    expect(wrong.title).toBe("Nothing was changed");
    expect(JSON.stringify(wrong.blocks)).toContain("--received");
  });

  it("refuses, changing nothing, a request from a member of staff that only the DPO could decide", async () => {
    const error = await expectCode(submitDisclosure(t.ctx, sgtJones({ requestedByEmail: P.requester })), "FORBIDDEN");
    expect(error.field).toBe("purpose");
    expect(await t.ctx.db.disclosure.count()).toBe(0);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "disclosure.refused" } })).toBe(1);
  });

  it("refuses a date of request in the future or not a date, naming the field", async () => {
    expect((await expectCode(submitDisclosure(t.ctx, sgtJones({ requestReceivedOn: "21/11/2026" })), "INVALID_INPUT")).field).toBe("requestReceivedOn");
    expect((await expectCode(submitDisclosure(t.ctx, sgtJones({ requestReceivedOn: "31/02/2026" })), "INVALID_INPUT")).field).toBe("requestReceivedOn");
    expect(await t.ctx.db.recordingRequest.count()).toBe(0);
  });
});

describe.each(DATABASE_KINDS)("separation of duties in a larger organisation on %s", (kind) => {
  const t = useTestCore(kind, { policy: separated });

  it("never lets the recorder decide when the policy keeps duties apart", async () => {
    const { request, disclosure } = await submitDisclosure(t.ctx, sgtJones());
    expect(disclosure.recorderMayDecide).toBe(false);
    expect(request.authoriserEmails.sort()).toEqual([P.it, P.ceo].sort());
    await expectCode(recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.dpo, outcome: "approve" }), "SELF_APPROVAL");
    expect(await t.ctx.db.decision.count()).toBe(0);
  });

  it("never lets the member of staff who asked authorise, nor the recorder of a staff request", async () => {
    t.ctx.policy = testPolicy({ disclosure: { authoriserRoles: ["dpo", "ceo", "it-manager"], recorderMayAuthorise: true, permittedRecipients: recipients } });
    const { request, disclosure } = await submitDisclosure(t.ctx, sgtJones({ requestedByEmail: P.ceo }));
    expect(disclosure.requestedByText).toBe("Farid Khan (staff) for Sgt Alun Jones (Custody Sergeant), North Wales Police");
    expect(disclosure.authoriserEmails).toEqual([P.it]);
    await t.deliver();
    expect(t.channel.to(P.ceo, "approval-needed")).toHaveLength(0);
    expect(t.channel.to(P.it, "approval-needed")).toHaveLength(1);
    const asked = await expectCode(recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.ceo, outcome: "approve" }), "SELF_APPROVAL");
    expect(asked.message).toContain("You asked for this disclosure");
    await expectCode(recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.dpo, outcome: "approve" }), "SELF_APPROVAL");
    const refusals = await t.ctx.db.auditEntry.findMany({ where: { action: "decision.refused" } });
    expect(refusals.map((r) => r.actor).sort()).toEqual([P.ceo, P.dpo].sort());
    t.clock.advance(25 * 60 * 60_000);
    await chasePendingRequests(t.ctx);
    const reminded = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { requestId: request.id, action: "request.reminded" } });
    expect(reminded.details).toMatchObject({ reminded: [P.it] });
    const decided = await recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.it, outcome: "deny", reason: "Police to use a production order" });
    expect(decided.status).toBe("DENIED");
  });

  it("refuses a member of staff the policy does not list", async () => {
    expect((await expectCode(submitDisclosure(t.ctx, sgtJones({ requestedByEmail: P.outsider })), "INVALID_INPUT")).field).toBe("requestedByEmail");
  });
});

describe.each(DATABASE_KINDS)("who finds the call for a disclosure on %s", (kind) => {
  const t = useTestCore(kind, { policy: separated });
  const storage = useTestStorage(t);

  it("never lets the recorder find the call for a disclosure they recorded, where the policy keeps duties apart or a member of staff asked", async () => {
    const fulfilment = { mode: "fulfiller" as const, roles: ["dpo", "it-manager"] };
    for (const [policy, over] of [
      [testPolicy({ disclosure: { authoriserRoles: ["dpo", "ceo", "it-manager"], permittedRecipients: recipients }, fulfilment }), {}],
      [testPolicy({ disclosure: { authoriserRoles: ["dpo", "ceo", "it-manager"], recorderMayAuthorise: true, permittedRecipients: recipients }, fulfilment }), { requestedByEmail: P.staff }],
    ] as const) {
      t.ctx.policy = policy;
      const call = await addRecording(t.ctx, { startedAt: CALL_AT });
      const { request } = await submitDisclosure(t.ctx, sgtJones(over));
      expect((await listPendingActions(t.ctx, { email: P.dpo })).toAuthorise.map((r) => r.id)).not.toContain(request.id);
      await recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.ceo, outcome: "approve" });
      expect((await listPendingActions(t.ctx, { email: P.dpo })).toFulfil.map((r) => r.id)).not.toContain(request.id);
      const asked = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { requestId: request.id, action: "request.awaiting-fulfilment" } });
      expect(asked.details).toMatchObject({ fulfillers: [P.it] });
      await expectCode(fulfilRequest(t.ctx, { requestId: request.id, fulfillerEmail: P.dpo, recordingId: call.id }), "SELF_APPROVAL");
      await fulfilRequest(t.ctx, { requestId: request.id, fulfillerEmail: P.it, recordingId: call.id });
      const fulfilled = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { requestId: request.id, action: "request.fulfilled" } });
      expect(fulfilled.details).not.toHaveProperty("completedByRecorder");
    }
  });
});

describe.each(DATABASE_KINDS)("recipients by category and lawful basis on %s", (kind) => {
  const t = useTestCore(kind, { policy: separated });

  it("matches HMRC by any of its names, ignoring case and punctuation, and takes the policy's lawful basis", async () => {
    for (const name of ["H.M. Revenue & Customs", "HMRC Fraud Investigation Service", "His Majesty’s Revenue and Customs"]) {
      const { disclosure } = await submitDisclosure(t.ctx, sgtJones({ askingOrganisation: name }));
      expect(disclosure).toMatchObject({ recipientEntryId: "hmrc", recipientCategory: "tax-authority", lawfulBasis: "DPA 2018 Schedule 2 Part 1 paragraph 2 (crime and taxation)" });
    }
  });

  it("admits investigators as service providers (LIFE §8), needing a lawful basis where the policy gives none", async () => {
    const missing = await expectCode(submitDisclosure(t.ctx, sgtJones({ askingOrganisation: "Acorn Investigations Ltd" })), "INVALID_INPUT");
    expect(missing.field).toBe("lawfulBasis");
    const { disclosure } = await submitDisclosure(t.ctx, sgtJones({ askingOrganisation: "Acorn Investigations Ltd", lawfulBasis: "UK GDPR Article 6(1)(f), the school's investigation of a complaint" }));
    expect(disclosure).toMatchObject({ recipientEntryId: "investigators", recipientCategory: "service-provider" });
  });

  it("refuses an organisation no entry names, saying which ground could be chosen, and admits it under the legal obligation chosen by id", async () => {
    const refused = await expectCode(submitDisclosure(t.ctx, sgtJones({ askingOrganisation: "Acme Insurance Ltd" })), "FORBIDDEN");
    expect(refused.field).toBe("askingOrganisation");
    expect(refused.message).toContain("Police forces (law enforcement)");
    expect(refused.message).toContain("legal-obligation");
    expect(await t.ctx.db.disclosure.count()).toBe(0);

    const unknown = await expectCode(submitDisclosure(t.ctx, sgtJones({ askingOrganisation: "Acme Insurance Ltd", recipientId: "insurers" })), "INVALID_INPUT");
    expect(unknown.field).toBe("recipientId");

    const { disclosure } = await submitDisclosure(t.ctx, sgtJones({ askingOrganisation: "Acme Insurance Ltd", recipientId: "legal-obligation" }));
    expect(disclosure).toMatchObject({ recipientCategory: "legal-obligation", lawfulBasis: "UK GDPR Article 6(1)(c) (legal obligation)" });
    const entry = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "disclosure.requested" } });
    expect(entry.details).toMatchObject({ recipientEntryId: "legal-obligation", recipientChosen: true, lawfulBasis: "UK GDPR Article 6(1)(c) (legal obligation)" });
  });

  it("refuses choosing a specific entry whose names the organisation does not carry", async () => {
    const error = await expectCode(submitDisclosure(t.ctx, sgtJones({ askingOrganisation: "Acme Insurance Ltd", recipientId: "police" })), "FORBIDDEN");
    expect(error.field).toBe("recipientId");
  });
});

describe.each(DATABASE_KINDS)("the ECS preset: a request from an external body goes to the Data Controller, who completes it, on %s", (kind) => {
  const ecs = parsePolicy(readFileSync("policies/ecs.yml", "utf8"), "ecs.yml");
  const t = useTestCore(kind, { policy: ecs });
  const controller = "data.controller@ecs.example";

  it("lets the Data Controller record a police request and authorise it", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const { request } = await submitDisclosure(t.ctx, sgtJones({ requesterEmail: controller, lawfulBasis: "DPA 2018 Schedule 2 Part 1 paragraph 2 (crime and taxation)" }));
    expect(request.authoriserEmails).toEqual([]); // the ordinary view leaves the requester out; the disclosure's own view does not
    await expectCode(recordDecision(t.ctx, { requestId: request.id, deciderEmail: "director.one@ecs.example", outcome: "approve" }), "FORBIDDEN");
    const decided = await recordDecision(t.ctx, { requestId: request.id, deciderEmail: controller, outcome: "approve" });
    expect(decided.status).not.toBe("PENDING_APPROVAL");
    const approved = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { requestId: request.id, action: "request.approved" } });
    expect(approved.details).toMatchObject({ recordedAndDecidedBy: expect.stringMatching(/^requested by Sgt Alun Jones \(Custody Sergeant\), North Wales Police; recorded and authorised by /) });
  });
});
