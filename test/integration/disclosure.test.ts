import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { runConsole } from "../../src/commands/run-console.ts";
import { disclosureConsole } from "../../src/commands/disclosure.ts";
import { formPurposes } from "../../src/adapters/shared/presentation.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { listDisclosures } from "../../src/core/disclosure/list-disclosures.ts";
import { checkPermittedRecipient } from "../../src/core/disclosure/permitted-recipients.ts";
import { submitDisclosure } from "../../src/core/disclosure/submit-disclosure.ts";
import { AppError } from "../../src/core/errors.ts";
import { findPerson } from "../../src/core/policy/access.ts";
import { DISCLOSURE_PURPOSE_ID, policySchema } from "../../src/core/policy/schema.ts";
import { fulfilRequest } from "../../src/core/requests/fulfil-request.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { addRecording, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { expectCode } from "../support/expect-code.ts";
import { pdfText } from "../support/pdf.ts";
import { useTestStorage } from "../support/storage.ts";
import { P, testPolicy, testPolicyInput } from "../support/test-policy.ts";
import { policeDisclosure } from "../support/inputs.ts";

const CALL_AT = new Date("2026-11-18T14:32:00Z");

const policy = testPolicy({
  disclosure: {
    authoriserRoles: ["dpo", "ceo"],
    permittedRecipients: ["Police (§8)", "HM Revenue & Customs, in the investigation of offences", "Local authority designated officer (LADO)"],
  },
});

const police = policeDisclosure;

describe("the built-in disclosure purpose", () => {
  it("is never offered on the ordinary request form", () => {
    expect(policy.internalPurposes.map((p) => p.id)).toEqual([DISCLOSURE_PURPOSE_ID]);
    const dpo = findPerson(policy, P.dpo)!;
    const purposes = formPurposes({ policy } as never, findPerson(policy, P.requester)!).map((p) => p.id);
    expect(purposes).not.toContain(DISCLOSURE_PURPOSE_ID);
    expect(() => formPurposes({ policy } as never, dpo)).toThrow(AppError);
  });

  it("takes its authorisers and requesters from the policy's disclosure section", () => {
    const purpose = policy.internalPurposes[0]!;
    expect(purpose.approvals).toEqual([{ anyOf: ["dpo", "ceo"] }]);
    expect(purpose.requestableBy).toEqual(["dpo", "ceo"]);
    const own = testPolicy({ disclosure: { authoriserRoles: ["ceo"], requestableBy: ["dpo"] } });
    expect(own.internalPurposes[0]!.requestableBy).toEqual(["dpo"]);
  });

  it("refuses a policy that defines a purpose with the reserved id", () => {
    const result = policySchema.safeParse({ ...testPolicyInput, purposes: [...testPolicyInput.purposes!, { ...testPolicyInput.purposes![0]!, id: DISCLOSURE_PURPOSE_ID }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join("\n")).toContain(`"${DISCLOSURE_PURPOSE_ID}" is reserved for Callgate's built-in disclosure purpose`);
  });

  it("matches a recipient organisation against the policy's wording", () => {
    const list = policy.disclosure.permittedRecipients;
    expect(checkPermittedRecipient(list, "Thames Valley Police")).toEqual({ permitted: true, entry: "Police (§8)" });
    expect(checkPermittedRecipient(list, "HM Revenue and Customs")).toMatchObject({ permitted: true });
    expect(checkPermittedRecipient(list, "Surrey County Council LADO")).toMatchObject({ permitted: true });
    expect(checkPermittedRecipient(list, "Acme Insurance Ltd")).toEqual({ permitted: false });
    expect(checkPermittedRecipient(list, "Section 8 Investigations")).toEqual({ permitted: false });
    expect(checkPermittedRecipient([], "Anyone at all")).toEqual({ permitted: true, entry: null });
  });
});

describe.each(DATABASE_KINDS)("disclosure to a third party on %s", (kind) => {
  const t = useTestCore(kind, { policy });
  const storage = useTestStorage(t);

  it("refuses a disclosure whose recipient has not accepted the condition of use", async () => {
    const error = await expectCode(submitDisclosure(t.ctx, police({ conditionAccepted: false })), "INVALID_INPUT");
    expect(error.field).toBe("conditionAccepted");
    expect(error.message).toContain("used only for the purpose agreed");
    expect(await t.ctx.db.recordingRequest.count()).toBe(0);
    expect(await t.ctx.db.disclosure.count()).toBe(0);
  });

  it("refuses a recipient the policy does not permit, and says which it does", async () => {
    const error = await expectCode(submitDisclosure(t.ctx, police({ askingOrganisation: "Acme Insurance Ltd" })), "FORBIDDEN");
    expect(error.field).toBe("askingOrganisation");
    expect(error.message).toContain("Police (§8)");
    expect(await t.ctx.db.recordingRequest.count()).toBe(0);
  });

  it("refuses someone the policy does not let record disclosures", async () => {
    await expectCode(submitDisclosure(t.ctx, police({ requesterEmail: P.requester, siteId: "north" })), "FORBIDDEN");
    expect(await t.ctx.db.disclosure.count()).toBe(0);
  });

  it("refuses the disclosure purpose on the ordinary request form", async () => {
    await expectCode(
      submitRequest(t.ctx, { requesterEmail: P.dpo, purposeId: DISCLOSURE_PURPOSE_ID, date: "2026-11-18", time: "14:30", number: "020 7946 0001", reason: "Police asked for this call" }),
      "UNKNOWN_PURPOSE",
    );
  });

  it("records the request and the disclosure together and asks an authoriser other than the requester", async () => {
    const { request, disclosure } = await submitDisclosure(t.ctx, police({ onBehalfOf: "Crown Prosecution Service" }));
    expect(request.purposeId).toBe(DISCLOSURE_PURPOSE_ID);
    expect(request.status).toBe("PENDING_APPROVAL");
    expect(request.site).toBeNull();
    expect(request.reason).toContain("Investigation of threats made to a member of staff");
    expect(request.reason).toContain("Schedule 2 Part 1 paragraph 2 DPA 2018");
    expect(request.authoriserEmails).toEqual([P.ceo]);
    expect(disclosure).toMatchObject({ reference: request.reference, askingOrganisation: "Thames Valley Police", onBehalfOf: "Crown Prosecution Service", releaseMode: "link", disclosedAtText: null });

    const row = await t.ctx.db.disclosure.findUniqueOrThrow({ where: { requestId: request.id } });
    expect(row).toMatchObject({ conditionAccepted: true, lawfulBasis: "Schedule 2 Part 1 paragraph 2 DPA 2018 (crime and taxation)", recipientJobTitle: "Detective Constable" });
    const audit = await t.ctx.db.auditEntry.findMany({ where: { requestId: request.id }, orderBy: { seq: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["request.submitted", "disclosure.requested"]);
    const details = JSON.stringify(audit.map((a) => a.details));
    expect(details).toContain("Thames Valley Police");
    expect(details).not.toContain("7946 0001");
    expect(details).not.toContain("2079460001");

    await t.deliver();
    expect(t.channel.to(P.ceo, "approval-needed")).toHaveLength(1);
    expect(t.channel.to(P.dpo, "request-submitted")).toHaveLength(1);
    await expectCode(recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.dpo, outcome: "approve" }), "SELF_APPROVAL");
    await expectCode(recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.northHead, outcome: "approve" }), "FORBIDDEN");
  });

  it("asks for the site where a site's own head may authorise the disclosure", async () => {
    t.ctx.policy = testPolicy({ disclosure: { authoriserRoles: ["principal"], requestableBy: ["dpo"] } });
    const error = await expectCode(submitDisclosure(t.ctx, police()), "INVALID_INPUT");
    expect(error.field).toBe("siteId");
    const { request } = await submitDisclosure(t.ctx, police({ siteId: "south" }));
    expect(request.site?.id).toBe("south");
    expect(request.authoriserEmails).toEqual([P.southHead]);
  });

  it("on approval gives the requester the filled form and a playback link, and marks it disclosed", async () => {
    const recording = await addRecording(t.ctx, { startedAt: CALL_AT, siteId: "south", extension: "201" });
    const { request } = await submitDisclosure(t.ctx, police());
    const decided = await recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.ceo, outcome: "approve" });
    expect(decided.status).toBe("FULFILLED");
    await t.deliver(); // the form is made and delivered by a file job after the decision commits

    const row = await t.ctx.db.disclosure.findUniqueOrThrow({ where: { requestId: request.id } });
    expect(row.disclosedAt?.toISOString()).toBe("2026-11-20T12:00:00.000Z");
    const grant = await t.ctx.db.playbackGrant.findFirstOrThrow({ where: { requestId: request.id } });
    expect(grant).toMatchObject({ recordingId: recording.id, requesterEmail: P.dpo });

    const files = await t.ctx.db.deliveredFile.findMany({ where: { ownerEmail: P.dpo } });
    expect(files.map((f) => [f.kind, f.fileName])).toEqual([["disclosure-form", `${request.reference}-disclosure-form.pdf`]]);
    expect(files[0]!.sha256).toBe(row.formSha256);
    const text = await pdfText(await storage.readFile(files[0]!.blobName));
    for (const expected of [
      "Release of call recording to third parties",
      "Test Learning Trust",
      request.reference,
      "DC Jane Smith, Detective Constable",
      "Thames Valley Police",
      "Schedule 2 Part 1 paragraph 2 DPA 2018 (crime and taxation)",
      "Farid Khan (Chief Executive)",
      "020 7946 0001",
      "are only to be used for the purposes agreed on release",
      "20/11/2026",
    ]) {
      expect(text).toContain(expected);
    }

    await t.deliver();
    expect(t.channel.to(P.dpo, "access-granted")).toHaveLength(1);
    expect(t.channel.to(P.dpo, "file-ready")).toHaveLength(1);
    const actions = (await t.ctx.db.auditEntry.findMany({ where: { requestId: request.id }, orderBy: { seq: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["request.submitted", "disclosure.requested", "request.approved", "request.authorised", "request.fulfilled", "grant.issued", "file.delivered", "disclosure.released"]);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it("in zip mode releases the audio and the form in one zip, after a fulfiller picks the call", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT, siteId: "north" });
    const second = await addRecording(t.ctx, { startedAt: new Date(CALL_AT.getTime() + 10 * 60_000), siteId: "north" });
    await storage.putAudio(second.blobName!);
    const { request } = await submitDisclosure(t.ctx, police({ releaseMode: "zip", askingOrganisation: "HM Revenue & Customs", askingPerson: "Officer Raj Patel", recipientName: "Raj Patel", recipientJobTitle: "Fraud Investigator", lawfulBasis: "Schedule 2 Part 1 paragraph 2 DPA 2018 (crime and taxation)" }));
    const decided = await recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.ceo, outcome: "approve" });
    expect(decided.status).toBe("AWAITING_FULFILMENT");
    expect(await t.ctx.db.deliveredFile.count()).toBe(0);

    await fulfilRequest(t.ctx, { requestId: request.id, fulfillerEmail: P.it, recordingId: second.id });
    await t.deliver();
    expect(await t.ctx.db.playbackGrant.count()).toBe(0);
    const files = await t.ctx.db.deliveredFile.findMany({ where: { ownerEmail: P.dpo }, orderBy: { kind: "asc" } });
    expect(files.map((f) => f.kind)).toEqual(["disclosure-bundle", "disclosure-form"]);
    const zip = unzipSync(new Uint8Array(await storage.readFile(files[0]!.blobName)));
    expect(Object.keys(zip).sort()).toEqual([`${request.reference}-call.wav`, `${request.reference}-disclosure-form.pdf`]);
    expect(Buffer.from(zip[`${request.reference}-call.wav`]!).subarray(0, 4).toString()).toBe("RIFF");
    const text = await pdfText(zip[`${request.reference}-disclosure-form.pdf`]!);
    expect(text).toContain("Raj Patel, Fraud Investigator");
    expect(text).toContain("A zip file holding the audio file and this form");

    const released = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { requestId: request.id, action: "disclosure.released" } });
    expect(released.actor).toBe(P.it);
    expect(released.details).toMatchObject({ releaseMode: "zip", callId: second.callId, bundleFileId: files[0]!.id });
  });

  it("fails clearly, changing nothing, where there is no file storage", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const { request } = await submitDisclosure(t.ctx, police());
    t.ctx.files = undefined;
    const error = await expectCode(recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.ceo, outcome: "approve" }), "STORAGE_ERROR");
    expect(error.message).toContain(request.reference);
    expect(await t.ctx.db.decision.count()).toBe(0);
    expect(await t.ctx.db.playbackGrant.count()).toBe(0);
    expect((await t.ctx.db.disclosure.findUniqueOrThrow({ where: { requestId: request.id } })).disclosedAt).toBeNull();
  });

  it("lists disclosures to the DPO and authorisers only", async () => {
    await submitDisclosure(t.ctx, police());
    const listed = await listDisclosures(t.ctx, { actorEmail: P.ceo });
    expect(listed.map((d) => [d.askingOrganisation, d.statusText])).toEqual([["Thames Valley Police", "Waiting for authorisation"]]);
    await expectCode(listDisclosures(t.ctx, { actorEmail: P.requester }), "FORBIDDEN");
  });

  it("takes the disclosure form from the DPO console", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const session = { ctx: t.ctx, actorEmail: P.dpo, publicUrl: "https://callgate.test" };
    const line =
      'disclosure new --date 2026-11-18 --time 14:30 --number "020 7946 0001" --asking-org "Thames Valley Police" --asking-person "DC Jane Smith" --purpose "Investigation of threats made to staff" --lawful-basis "Schedule 2 Part 1 paragraph 2 DPA 2018" --recipient "DC Jane Smith" --recipient-title "Detective Constable" --condition-accepted --release link';
    const reply = await runConsole(session, line, [disclosureConsole]);
    expect(reply.title).toMatch(/^Disclosure CG-\d{6} recorded$/);
    expect(JSON.stringify(reply.blocks)).toContain("Farid Khan");

    const refused = await runConsole(session, line.replace(" --condition-accepted", ""), [disclosureConsole]);
    expect(refused.title).toBe("Nothing was changed");

    const list = await runConsole({ ...session, actorEmail: P.ceo }, "disclosure list", [disclosureConsole]);
    expect(list.title).toBe("Disclosures");
    expect(JSON.stringify(list)).toContain("Thames Valley Police");
  });
});
