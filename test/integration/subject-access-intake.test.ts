/**
 * Subject access intake as the seed policies write it: any member of staff
 * logs a request they received, by the channel it came (LIFE §7, ECS: in
 * writing, but a verbal request is still logged); it goes to the owner the
 * policy names (North Wales Housing §2.2, Oxford Open Learning "Subject
 * access"), who alone (or the DPO) closes, refuses or extends it; calls are
 * identified by number or by day, time, direction and extension (North Wales
 * Housing §2, Oxford Open Learning); a request missing them waits as
 * "awaiting information"; closing records what was given and an assessment.
 */
import { describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { addSubjectAccessInformation } from "../../src/core/subject-access/add-subject-access-information.ts";
import { closeSubjectAccess } from "../../src/core/subject-access/close-subject-access.ts";
import { extendSubjectAccess } from "../../src/core/subject-access/extend-subject-access.ts";
import { showSubjectAccess } from "../../src/core/subject-access/list-subject-access.ts";
import { logSubjectAccess, type LogSubjectAccessInput } from "../../src/core/subject-access/log-subject-access.ts";
import { resumeSubjectAccess } from "../../src/core/subject-access/resume-subject-access.ts";
import { transferSubjectAccess } from "../../src/core/subject-access/transfer-subject-access.ts";
import { addRecording, testCore, useTestCore, type TestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { P, testPolicy, testPolicyInput } from "../support/test-policy.ts";

const SUBJECT_CONTACT_PHONE = "020 7946 0123";
const SUBJECT_CONTACT_DIGITS = "2079460123";
const SUBJECT_EMAIL = "jo.bloggs@example.com";
const SUBJECT_ADDRESS = "12 Quarry Lane, Bangor LL57 1AA";
const iso = (d: Date) => d.toISOString().slice(0, 10);

/** A written-only policy like LIFE §7 and ECS, the CEO owning requests, the DPO able to close. */
const writtenPolicy = (more: Partial<NonNullable<Parameters<typeof testPolicy>[0]>["subjectAccess"]> = {}) =>
  testPolicy({
    subjectAccess: {
      ownerRoles: ["ceo", "principal"],
      channels: ["letter", "email", "web-form"],
      refusalGrounds: ["others-rights", "investigation"],
      outputs: ["audio-copy", "transcript"],
      ...more,
    },
  });

async function refusals(t: TestCore, command: string) {
  return (await t.ctx.db.auditEntry.findMany({ where: { action: "subject-access.refused" } })).filter((e) => (e.details as { command?: string }).command === command);
}

describe.each(DATABASE_KINDS)("subject access intake on %s", (kind) => {
  const t = useTestCore(kind, { policy: writtenPolicy() });

  const log = (more: Partial<LogSubjectAccessInput> = {}) =>
    logSubjectAccess(t.ctx, {
      actorEmail: P.staff,
      subjectName: "Jo Bloggs",
      channel: "phone",
      receivedOn: "20/11/2026",
      numbers: ["020 7946 0001"],
      identityVerification: "known caller, address confirmed",
      contact: { email: SUBJECT_EMAIL, phone: SUBJECT_CONTACT_PHONE, address: SUBJECT_ADDRESS },
      ...more,
    });

  it("lets any member of staff log a request by phone, records the channel, and tells them what the written-only policy asks", async () => {
    await addRecording(t.ctx, { startedAt: new Date("2026-11-10T14:30:00Z") });
    const logged = await log();
    expect(logged.reference).toBe("SAR-000001");
    expect(logged.channel).toBe("phone");
    // LIFE §7 asks for writing; the law does not: logged, and the logger told plainly.
    expect(logged.channelAdvice).toMatch(/asks for subject access requests in writing \(letter, e-mail, web form\)/);
    expect(logged.channelAdvice).toMatch(/still valid in law/);
    expect(logged.owner).toEqual({ email: P.ceo, name: "Farid Khan" });
    expect(logged.lines[0]).toBe("SAR-000001 is logged. Farid Khan owns it and has been told; pass anything more the subject sends to them.");
    expect(logged.awaitingInformation).toEqual([]);

    const row = await t.ctx.db.subjectAccessRequest.findUniqueOrThrow({ where: { reference: "SAR-000001" } });
    expect(row).toMatchObject({ channel: "phone", loggedBy: P.staff, ownerEmail: P.ceo, contactEmail: SUBJECT_EMAIL, contactPhone: "+442079460123", contactAddress: SUBJECT_ADDRESS });

    await t.deliver();
    const toOwner = t.channel.to(P.ceo, "compliance-notice");
    expect(toOwner.map((n) => (n.kind === "compliance-notice" ? n.title : ""))).toEqual(["Subject access request SAR-000001 is yours"]);
    expect(t.channel.to(P.dpo, "compliance-notice").map((n) => (n.kind === "compliance-notice" ? n.title : ""))).toEqual(["Subject access request SAR-000001 logged"]);
    expect(t.channel.to(P.staff, "compliance-notice")).toHaveLength(0);

    // The contact details stay with the case: neither the audit log nor the outbox holds them.
    const opened = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "subject-access.opened" } });
    expect(opened.details).toMatchObject({ channel: "phone", channelAskedByPolicy: false, loggedBy: P.staff, owner: P.ceo, contactRecorded: true });
    const everywhere = JSON.stringify([(await t.ctx.db.auditEntry.findMany()).map((e) => e.details), (await t.ctx.db.outboxMessage.findMany()).map((m) => m.payload)]);
    for (const secret of [SUBJECT_CONTACT_DIGITS, SUBJECT_EMAIL, "Quarry Lane", "2079460001"]) expect(everywhere).not.toContain(secret);

    const view = await showSubjectAccess(t.ctx, { actorEmail: P.ceo, reference: "SAR-000001" });
    expect(view.contact).toEqual({ email: SUBJECT_EMAIL, maskedPhone: expect.not.stringContaining(SUBJECT_CONTACT_DIGITS), address: SUBJECT_ADDRESS });
    expect(view.loggedBy).toEqual({ email: P.staff, name: "Ellie Shaw" });
    expect(view.items).toHaveLength(1);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it("takes a letter without remark, and a logger who holds an owner role owns it", async () => {
    const logged = await log({ actorEmail: P.northHead, channel: "letter" });
    expect(logged.channelAdvice).toBeNull();
    expect(logged.owner.email).toBe(P.northHead);
    await expect(log({ channel: "carrier pigeon" })).rejects.toMatchObject({ code: "INVALID_INPUT", field: "channel" });
    await expect(log({ actorEmail: P.outsider })).rejects.toMatchObject({ code: "NOT_SET_UP" });
    await expect(log({ owner: P.it })).rejects.toMatchObject({ code: "INVALID_INPUT", field: "owner" });
    await expect(log({ contact: { email: "not an address" } })).rejects.toMatchObject({ code: "INVALID_INPUT", field: "contactEmail" });
    await expect(log({ contact: { phone: "12" } })).rejects.toMatchObject({ code: "INVALID_NUMBER", field: "contactPhone" });
    expect(await t.ctx.db.subjectAccessRequest.count()).toBe(1);
  });

  it("finds calls described by day, approximate time, direction and extension, without a number", async () => {
    // 10 Nov 2026 is GMT: 14:30 local is 14:30 UTC.
    const match = await addRecording(t.ctx, { startedAt: new Date("2026-11-10T14:50:00Z"), number: "+441134960777", extension: "201", direction: "INBOUND" });
    const otherExtension = await addRecording(t.ctx, { startedAt: new Date("2026-11-10T14:40:00Z"), number: "+441134960778", extension: "202", direction: "INBOUND" });
    const outbound = await addRecording(t.ctx, { startedAt: new Date("2026-11-10T14:20:00Z"), number: "+441134960779", extension: "201", direction: "OUTBOUND" });
    const tooLate = await addRecording(t.ctx, { startedAt: new Date("2026-11-10T16:00:00Z"), number: "+441134960780", extension: "201", direction: "INBOUND" });
    const nextDay = await addRecording(t.ctx, { startedAt: new Date("2026-11-11T09:00:00Z"), number: "+441134960781", extension: "305", direction: "INBOUND" });

    const logged = await log({ numbers: [], calls: [{ on: "10/11/2026", at: "14:30", direction: "inbound", extension: "201" }] });
    const view = await showSubjectAccess(t.ctx, { actorEmail: P.ceo, reference: logged.reference });
    expect(view.items.map((i) => i.recordingId)).toEqual([match.id]);
    expect(view.items[0]!.matchedBy).toBe("description");
    expect(view.callDescriptions).toEqual(["10/11/2026 around 14:30, inbound, extension 201"]);
    const held = await t.ctx.db.heldRecording.findMany({ where: { hold: { subjectAccessId: view.id } } });
    expect(held.map((h) => h.recordingId)).toEqual([match.id]);

    // Day and extension, no time: every call that day on that extension.
    const byExtension = await log({ numbers: [], calls: [{ on: "2026-11-10", extension: "201" }] });
    const second = await showSubjectAccess(t.ctx, { actorEmail: P.ceo, reference: byExtension.reference });
    expect(new Set(second.items.map((i) => i.recordingId))).toEqual(new Set([match.id, outbound.id, tooLate.id]));
    expect(second.items.map((i) => i.recordingId)).not.toContain(otherExtension.id);
    expect(second.items.map((i) => i.recordingId)).not.toContain(nextDay.id);

    // A day alone (or with only a direction) would find other people's calls.
    await expect(log({ numbers: [], calls: [{ on: "10/11/2026", direction: "inbound" }] })).rejects.toMatchObject({ code: "INVALID_INPUT", field: "calls" });
    await expect(log({ numbers: [], calls: [{ on: "10/11/2026", at: "25:00" }] })).rejects.toMatchObject({ code: "INVALID_INPUT", field: "calls" });
    await expect(log({ numbers: [], calls: [{ on: "21/11/2026", at: "10:00" }] })).rejects.toMatchObject({ code: "DATE_IN_FUTURE", field: "calls" });
  });

  it("waits as awaiting information until the owner adds what identifies the calls, then moves on and finds them", async () => {
    const call = await addRecording(t.ctx, { startedAt: new Date("2026-11-10T14:30:00Z"), number: "+441134960777" });
    const logged = await log({ numbers: [], calls: [], channel: "email" });
    expect(logged.awaitingInformation).toEqual(["calls"]);
    expect(logged.dueText).toBeNull();
    expect(logged.lines[1]).toMatch(/awaiting information: what identifies the calls/);
    let view = await showSubjectAccess(t.ctx, { actorEmail: P.ceo, reference: logged.reference });
    expect(view.statusText).toMatch(/^Awaiting information \(what identifies the calls\)$/);
    expect(view.paused).toBe(true);
    expect(view.items).toHaveLength(0);
    await expect(resumeSubjectAccess(t.ctx, { actorEmail: P.ceo, reference: logged.reference, clarification: "none" })).rejects.toMatchObject({ code: "WRONG_STATE" });

    // Someone who does not own it cannot add to it, and the attempt is on the record.
    await expect(addSubjectAccessInformation(t.ctx, { actorEmail: P.staff, reference: logged.reference, numbers: ["0113 496 0777"] })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await refusals(t, "add-subject-access-information")).toHaveLength(1);

    t.clock.set(new Date("2026-11-25T10:00:00Z"));
    view = await addSubjectAccessInformation(t.ctx, { actorEmail: P.ceo, reference: logged.reference, numbers: ["0113 496 0777"] });
    expect(view.awaitingInformation).toEqual([]);
    expect(view.paused).toBe(false);
    expect(view.pausedDays).toBe(5);
    // Counts from 25 Nov: Fri 25 Dec, weekend, Mon 28 Dec substitute -> Tue 29 Dec 2026.
    expect(iso(view.dueOn)).toBe("2026-12-29");
    expect(view.items.map((i) => i.recordingId)).toEqual([call.id]);
    const added = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "subject-access.information-added" } });
    expect(added.details).toMatchObject({ reference: logged.reference, callsFound: 1, resumed: true, awaitingInformation: [] });
    expect(JSON.stringify(added.details)).not.toContain("1134960777");
    const hold = await t.ctx.db.hold.findUniqueOrThrow({ where: { subjectAccessId: view.id }, include: { recordings: true } });
    expect(hold.recordings.map((r) => r.recordingId)).toEqual([call.id]);
    await expect(addSubjectAccessInformation(t.ctx, { actorEmail: P.ceo, reference: logged.reference })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("waits for identity too, and a request missing both needs both", async () => {
    const logged = await log({ numbers: [], identityVerification: undefined });
    expect(logged.awaitingInformation).toEqual(["calls", "identity"]);
    let view = await addSubjectAccessInformation(t.ctx, { actorEmail: P.ceo, reference: logged.reference, calls: [{ on: "10/11/2026", at: "09:00" }] });
    expect(view.awaitingInformation).toEqual(["identity"]);
    expect(view.paused).toBe(true);
    view = await addSubjectAccessInformation(t.ctx, { actorEmail: P.ceo, reference: logged.reference, identityVerification: "passport copy" });
    expect(view.awaitingInformation).toEqual([]);
    expect(view.paused).toBe(false);
  });

  it("lets only the owner, or the DPO where the policy says so, close, refuse or extend, and audits the others", async () => {
    const logged = await log({ numbers: [] , calls: [{ on: "10/11/2026", extension: "201" }] });
    // Grace holds an owner role but does not own this request; Ben handles none.
    for (const actorEmail of [P.southHead, P.requester]) {
      await expect(extendSubjectAccess(t.ctx, { actorEmail, reference: logged.reference, months: 1, reason: "Many calls to review" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(closeSubjectAccess(t.ctx, { actorEmail, reference: logged.reference, outcome: "refuse", grounds: "investigation", assessment: "Police investigation open" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await refusals(t, "extend-subject-access")).toHaveLength(2);
    expect(await refusals(t, "close-subject-access")).toHaveLength(2);
    const extended = await extendSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: logged.reference, months: 1, reason: "Many calls to review" });
    expect(extended.extendedByMonths).toBe(1);
    expect(await t.ctx.db.subjectAccessRequest.count({ where: { status: "OPEN" } })).toBe(1);
  });

  it("sends a member of staff's request for their own calls to the employee owner the policy names (Oxford Open Learning: the HR manager)", async () => {
    const u = await testCore(kind, { policy: testPolicy({ subjectAccess: { ownerRoles: ["principal"], employeeOwnerRoles: ["ceo"] } }) });
    try {
      const base = { actorEmail: P.staff, subjectName: "Ellie Shaw", channel: "email", receivedOn: "20/11/2026", numbers: ["020 7946 0001"], identityVerification: "member of staff, known" } satisfies LogSubjectAccessInput;
      const own = await logSubjectAccess(u.ctx, { ...base, subjectIsStaff: true });
      expect(own.owner.email).toBe(P.ceo);
      const caller = await logSubjectAccess(u.ctx, { ...base, subjectName: "Jo Bloggs" });
      expect(caller.owner.email).toBe(P.northHead);
      await expect(logSubjectAccess(u.ctx, { ...base, subjectIsStaff: true, owner: P.northHead })).rejects.toMatchObject({ code: "INVALID_INPUT", field: "owner" });
      // The employee owner handles their requests like any owner.
      expect((await showSubjectAccess(u.ctx, { actorEmail: P.ceo, reference: own.reference })).owner.email).toBe(P.ceo);
      const entry = await u.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "subject-access.opened", subjectId: own.id } });
      expect(entry.details).toMatchObject({ subjectIsStaff: true, owner: P.ceo });
    } finally {
      await u.close();
    }
  });

  it("lets the owner or the DPO hand a request to another holder of an owner role, who is told and owns it from then on; refuses anyone else, on record", async () => {
    const logged = await log();
    const transfer = (actorEmail: string, toEmail: string, reason = "Farid is on leave until January") => transferSubjectAccess(t.ctx, { actorEmail, reference: logged.reference, toEmail, reason });
    // Ben handles none; Grace holds an owner role but does not own it.
    await expect(transfer(P.requester, P.southHead)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(transfer(P.southHead, P.southHead)).rejects.toThrow("Only Farid Khan, who owns SAR-000001, or the Data Protection Officer (Carys Evans) can hand it to someone else.");
    // Only to someone who owns requests under the policy, and for a reason.
    const notOwner = await transfer(P.ceo, P.it).catch((e: unknown) => e);
    expect(notOwner).toMatchObject({ code: "INVALID_INPUT", field: "toEmail" });
    expect((notOwner as Error).message).toBe(`Dev Patel does not handle subject access requests under the policy. It can go to Amara Okafor (${P.northHead}) or Grace Lee (${P.southHead}).`);
    await expect(transfer(P.ceo, "nobody@example.org")).rejects.toMatchObject({ code: "INVALID_INPUT", field: "toEmail" });
    await expect(transfer(P.ceo, P.ceo)).rejects.toMatchObject({ code: "ALREADY_DONE" });
    await expect(transfer(P.ceo, P.southHead, "leave")).rejects.toMatchObject({ code: "REASON_REQUIRED", field: "reason" });
    expect(await refusals(t, "transfer-subject-access")).toHaveLength(6);
    expect((await t.ctx.db.subjectAccessRequest.findFirstOrThrow()).ownerEmail).toBe(P.ceo);

    await t.deliver();
    t.channel.sent.length = 0;
    const moved = await transfer(P.ceo, P.southHead);
    expect(moved.owner.email).toBe(P.southHead);
    const entry = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "subject-access.transferred" } });
    expect(entry).toMatchObject({ actor: P.ceo, details: { reference: "SAR-000001", from: P.ceo, to: P.southHead, reason: "Farid is on leave until January" } });
    await t.deliver();
    const told = (email: string) => t.channel.to(email, "compliance-notice").map((n) => (n.kind === "compliance-notice" ? [n.title, ...n.lines].join(" | ") : ""));
    expect(told(P.southHead)).toEqual(["Subject access request SAR-000001 is yours | Farid Khan handed it to you: Farid is on leave until January | You own it now: the reminders come to you, and you close it. | It is due by 21/12/2026."]);
    expect(told(P.dpo)).toEqual(["Subject access request SAR-000001 handed to Grace Lee | Farid Khan handed it to Grace Lee: Farid is on leave until January | It is due by 21/12/2026."]);
    expect(told(P.ceo)).toEqual([]);
    // The new owner closes it; the old one no longer can.
    await expect(extendSubjectAccess(t.ctx, { actorEmail: P.ceo, reference: logged.reference, months: 1, reason: "Many calls to review" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await extendSubjectAccess(t.ctx, { actorEmail: P.southHead, reference: logged.reference, months: 1, reason: "Many calls to review" })).extendedByMonths).toBe(1);
    // The DPO may hand it on too; the previous owner hears of it.
    await transferSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: logged.reference, toEmail: P.northHead, reason: "Grace has a conflict of interest" });
    await t.deliver();
    expect(told(P.southHead).at(-1)).toBe("Subject access request SAR-000001 handed to Amara Okafor | Carys Evans (Data Protection Officer) handed it from Grace Lee to Amara Okafor: Grace has a conflict of interest | It is due by 20/01/2027.");
    await closeSubjectAccess(t.ctx, { actorEmail: P.northHead, reference: logged.reference, outcome: "withdrawn", reason: "Subject withdrew by e-mail" });
    await expect(transferSubjectAccess(t.ctx, { actorEmail: P.northHead, reference: logged.reference, toEmail: P.ceo, reason: "Back from leave now" })).rejects.toMatchObject({ code: "WRONG_STATE" });
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it("hands a member of staff's request for their own calls only to another employee owner", async () => {
    const u = await testCore(kind, { policy: testPolicy({ subjectAccess: { ownerRoles: ["principal"], employeeOwnerRoles: ["ceo", "dpo"] } }) });
    try {
      const own = await logSubjectAccess(u.ctx, { actorEmail: P.staff, subjectName: "Ellie Shaw", channel: "email", receivedOn: "20/11/2026", numbers: ["020 7946 0001"], identityVerification: "member of staff, known", subjectIsStaff: true });
      expect(own.owner.email).toBe(P.ceo);
      const refused = await transferSubjectAccess(u.ctx, { actorEmail: P.ceo, reference: own.reference, toEmail: P.northHead, reason: "Conflict of interest in HR" }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: "INVALID_INPUT", field: "toEmail", message: `Amara Okafor does not handle staff members' requests for their own calls under the policy. It can go to Carys Evans (${P.dpo}).` });
      expect((await transferSubjectAccess(u.ctx, { actorEmail: P.ceo, reference: own.reference, toEmail: P.dpo, reason: "Conflict of interest in HR" })).owner.email).toBe(P.dpo);
    } finally {
      await u.close();
    }
  });

  it("keeps the DPO out where the policy does not let them close", async () => {
    const u = await testCore(kind, { policy: writtenPolicy({ dpoMayClose: false }) });
    try {
      const logged = await logSubjectAccess(u.ctx, { actorEmail: P.staff, subjectName: "Jo Bloggs", channel: "letter", receivedOn: "20/11/2026", numbers: ["020 7946 0001"], identityVerification: "known caller" });
      await expect(closeSubjectAccess(u.ctx, { actorEmail: P.dpo, reference: logged.reference, outcome: "withdrawn", reason: "Subject withdrew by e-mail" })).rejects.toThrow("Only Farid Khan, who owns SAR-000001, can do that.");
      const closed = await closeSubjectAccess(u.ctx, { actorEmail: P.ceo, reference: logged.reference, outcome: "withdrawn", reason: "Subject withdrew by e-mail" });
      expect(closed.status).toBe("WITHDRAWN");
    } finally {
      await u.close();
    }
  });
  it("records what was given and the assessment on closing, and refuses only on the policy's grounds", async () => {
    const call = await addRecording(t.ctx, { startedAt: new Date("2026-11-10T14:30:00Z") });
    const other = await addRecording(t.ctx, { startedAt: new Date("2026-11-11T10:30:00Z") });
    const logged = await log();
    expect((await showSubjectAccess(t.ctx, { actorEmail: P.ceo, reference: logged.reference })).items.map((i) => i.recordingId)).toEqual([call.id, other.id]);
    const close = (more: Partial<Parameters<typeof closeSubjectAccess>[1]>) => closeSubjectAccess(t.ctx, { actorEmail: P.ceo, reference: logged.reference, outcome: "partial", grounds: "others-rights", ...more });

    await expect(close({ outputs: ["transcript"] })).rejects.toMatchObject({ code: "REASON_REQUIRED", field: "assessment" });
    await expect(close({ outputs: ["links"], assessment: "Two calls found, one names another caller" })).rejects.toMatchObject({ code: "INVALID_INPUT", field: "outputs" });
    // LIFE §7 names two grounds: others' rights and an investigation. "Unfounded" is not the policy's.
    await expect(close({ grounds: "unfounded", assessment: "Two calls found, one names another caller" })).rejects.toMatchObject({ code: "INVALID_INPUT", field: "grounds" });
    await expect(close({ grounds: undefined, reason: "A long enough reason here", assessment: "Two calls found" })).rejects.toMatchObject({ code: "REASON_REQUIRED", field: "grounds" });
    await expect(closeSubjectAccess(t.ctx, { actorEmail: P.ceo, reference: logged.reference, outcome: "refuse", grounds: "investigation", outputs: ["transcript"], assessment: "Police investigation open" })).rejects.toMatchObject({ code: "INVALID_INPUT", field: "outputs" });
    expect(await t.ctx.db.subjectAccessRequest.count({ where: { status: "OPEN" } })).toBe(1);

    const closed = await close({ outputs: ["transcript", "audio-copy"], assessment: "Two calls found; the second names another caller, so only a transcript of it" });
    expect(closed.status).toBe("PARTIALLY_REFUSED");
    expect(closed.outputs).toEqual(["transcript", "audio-copy"]);
    expect(closed.assessment).toBe("Two calls found; the second names another caller, so only a transcript of it");
    expect(closed.refusalGround).toBe("others-rights");
    const entry = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "subject-access.closed" } });
    expect(entry.details).toMatchObject({ outputs: ["transcript", "audio-copy"], assessment: closed.assessment, grounds: "others-rights" });
  });

  it("asks for the assessment on a complete answer too, and accepts a refusal on the policy's other ground", async () => {
    const nothing = await log({ numbers: ["0113 496 0999"] }); // no calls held for this number
    await expect(closeSubjectAccess(t.ctx, { actorEmail: P.ceo, reference: nothing.reference, outcome: "complete" })).rejects.toMatchObject({ code: "REASON_REQUIRED", field: "assessment" });
    const done = await closeSubjectAccess(t.ctx, { actorEmail: P.ceo, reference: nothing.reference, outcome: "complete", assessment: "Searched by number: no calls held within retention" });
    expect(done).toMatchObject({ status: "COMPLETED", outputs: [], assessment: "Searched by number: no calls held within retention" });

    const second = await log();
    const refused = await closeSubjectAccess(t.ctx, { actorEmail: P.ceo, reference: second.reference, outcome: "refuse", grounds: "investigation", reason: "Police reference 1234/26" });
    expect(refused).toMatchObject({ status: "REFUSED", refusalGround: "investigation", outputs: [] });
    expect(refused.assessment).toBe("Police reference 1234/26");
  });
});

describe("the subject access policy fields", () => {
  it("default to every channel, ground and output, with the DPO able to close", () => {
    const policy = testPolicy();
    expect(policy.subjectAccess).toMatchObject({ channels: ["letter", "email", "phone", "in-person", "web-form"], dpoMayClose: true, refusalGrounds: ["others-rights", "investigation", "unfounded", "excessive", "other"], outputs: ["audio-copy", "transcript", "links", "heard-in-person"] });
  });

  it("refuse an unknown channel", () => {
    expect(() => testPolicy({ subjectAccess: { ...testPolicyInput.subjectAccess, channels: ["fax" as never] } })).toThrow();
  });
});
