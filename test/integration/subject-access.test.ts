import { strFromU8, unzipSync } from "fflate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { remindSubjectAccess } from "../../src/core/jobs/remind-subject-access.ts";
import { closeSubjectAccess } from "../../src/core/subject-access/close-subject-access.ts";
import { exportSubjectData } from "../../src/core/subject-access/export-subject-data.ts";
import { extendSubjectAccess } from "../../src/core/subject-access/extend-subject-access.ts";
import { listSubjectAccess, showSubjectAccess } from "../../src/core/subject-access/list-subject-access.ts";
import { openSubjectAccess } from "../../src/core/subject-access/open-subject-access.ts";
import { pauseSubjectAccess } from "../../src/core/subject-access/pause-subject-access.ts";
import { prepareSubjectAccessBundle } from "../../src/core/subject-access/prepare-subject-access-bundle.ts";
import { resumeSubjectAccess } from "../../src/core/subject-access/resume-subject-access.ts";
import { reviewSubjectAccessItem } from "../../src/core/subject-access/review-subject-access-item.ts";
import { OUTPUT_LETTER_TEXT } from "../../src/core/subject-access/subject-access-letter.ts";
import { complaintsRoute, icoContactDetails, icoContactLine } from "../../src/core/policy/routes.ts";
import { addRecording, testCore, useTestCore, type TestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { rawPdfText } from "../support/pdf.ts";
import { useTestStorage } from "../support/storage.ts";
import { P, testPolicy } from "../support/test-policy.ts";

const SUBJECT = "+442079460001";
const SUBJECT_2 = "+441134960002";
const OTHER = "+442079460999";
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const iso = (d: Date) => d.toISOString().slice(0, 10);

/** A letter's text with its line breaks as spaces, so sentences read whole. */
const flat = (text: string) => text.replace(/\s+/g, " ").replace(/\/ (?=\S)/g, "/");

describe.each(DATABASE_KINDS)("subject access requests on %s", (kind) => {
  const t = useTestCore(kind);
  let calls: Record<"june" | "southOld" | "tooOld" | "other" | "southRecent" | "november", { id: string; callId: string; blobName: string | null }>;

  const storage = useTestStorage();

  beforeEach(async () => {
    storage.attach(t.ctx);
    // Retention: 12 months by default, 90 days at the south site. Now is 20 Nov 2026.
    const add = async (fields: Parameters<typeof addRecording>[1]) => {
      const row = await addRecording(t.ctx, fields);
      if (row.blobName) await storage.putAudio(row.blobName);
      return row;
    };
    calls = {
      june: await add({ startedAt: new Date("2026-06-01T09:15:00Z"), number: SUBJECT_2, audio: false }),
      southOld: await add({ startedAt: new Date("2026-07-01T10:00:00Z"), siteId: "south" }), // past south's 90 days
      tooOld: await add({ startedAt: new Date("2025-10-01T10:00:00Z") }), // past 12 months
      other: await add({ startedAt: new Date("2026-11-15T10:00:00Z"), number: OTHER }),
      southRecent: await add({ startedAt: new Date("2026-10-01T11:00:00Z"), siteId: "south" }),
      november: await add({ startedAt: new Date("2026-11-10T14:30:00Z") }),
    };
  });

  const open = (more: Partial<Parameters<typeof openSubjectAccess>[1]> = {}) =>
    openSubjectAccess(t.ctx, { actorEmail: P.dpo, subjectName: "Jo Bloggs", numbers: ["020 7946 0001", "0113 496 0002"], receivedOn: "20/11/2026", identityVerification: "passport seen in person", ...more });

  it("finds only the subject's calls within retention, and holds every one of them", async () => {
    const sar = await open();
    expect(sar.reference).toBe("SAR-000001");
    expect(sar.items.map((i) => i.callId)).toEqual([calls.june.callId, calls.southRecent.callId, calls.november.callId]);
    expect(sar.counts).toMatchObject({ items: 3, recordings: 2, callLogs: 1 });
    // 20 Nov 2026 -> Sun 20 Dec -> Mon 21 Dec.
    expect(iso(sar.dueOn)).toBe("2026-12-21");
    expect(sar.dueText).toBe("21/12/2026");
    expect(sar.daysLeft).toBe(31);
    expect(sar.maskedNumbers.join(" ")).not.toMatch(/2079460001|1134960002/);

    const hold = await t.ctx.db.hold.findUniqueOrThrow({ where: { subjectAccessId: sar.id }, include: { recordings: true } });
    expect(hold).toMatchObject({ kind: "SUBJECT_ACCESS", reference: "HOLD-000001", releasedAt: null, createdBy: P.dpo });
    expect(hold.maskedNumbers).toEqual(sar.maskedNumbers);
    expect(new Set(hold.recordings.map((r) => r.recordingId))).toEqual(new Set([calls.june.id, calls.southRecent.id, calls.november.id]));
    // What retention must respect: every item is on an unreleased hold.
    const heldIds = await t.ctx.db.heldRecording.findMany({ where: { hold: { releasedAt: null } }, select: { recordingId: true } });
    expect(heldIds).toHaveLength(3);

    const entries = await t.ctx.db.auditEntry.findMany({ where: { action: { in: ["subject-access.opened", "hold.placed"] } } });
    expect(entries.map((e) => e.action).sort()).toEqual(["hold.placed", "subject-access.opened"]);
    expect(JSON.stringify(entries.map((e) => e.details))).not.toMatch(/2079460001|1134960002|Jo Bloggs/);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it("refuses invalid numbers without echoing them, and dates in the future", async () => {
    const bad = open({ numbers: ["020 7946 0001", "01632 960123"] });
    await expect(bad).rejects.toMatchObject({ code: "INVALID_NUMBER", field: "numbers" });
    await expect(bad).rejects.toThrow(/Phone number 2 \(ending 123\)/);
    await expect(bad).rejects.not.toThrow(/01632 960123/);
    await expect(open({ receivedOn: "2026-11-21" })).rejects.toMatchObject({ code: "DATE_IN_FUTURE" });
    await expect(open({ receivedOn: "31/11/2026" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await t.ctx.db.subjectAccessRequest.count()).toBe(0);
  });

  it("refuses people who are not the DPO or a subject access owner", async () => {
    await expect(open({ actorEmail: P.requester })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(open({ actorEmail: P.outsider })).rejects.toMatchObject({ code: "NOT_SET_UP" });
    const sar = await open();
    await expect(showSubjectAccess(t.ctx, { actorEmail: P.ceo, reference: sar.reference })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listSubjectAccess(t.ctx, { actorEmail: P.it })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(closeSubjectAccess(t.ctx, { actorEmail: P.northHead, reference: sar.reference, outcome: "withdrawn" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(exportSubjectData(t.ctx, { actorEmail: P.requester, numbers: ["020 7946 0001"] })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await t.ctx.db.subjectAccessRequest.count()).toBe(1);
  });

  it("opens paused without proof of identity, and the clock starts when it arrives", async () => {
    const sar = await open({ identityVerification: undefined });
    expect(sar.paused).toBe(true);
    expect(sar.pausedSinceText).toBe("20/11/2026");
    expect(sar.daysLeft).toBeNull();

    t.clock.set(new Date("2026-11-25T10:00:00Z"));
    await expect(resumeSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: "sar-1" })).rejects.toMatchObject({ code: "REASON_REQUIRED", field: "identityVerification" });
    const resumed = await resumeSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: "sar-1", identityVerification: "driving licence copy, address matches" });
    expect(resumed.paused).toBe(false);
    expect(resumed.pausedDays).toBe(5);
    // Counts from 25 Nov: Fri 25 Dec, weekend, Mon 28 Dec substitute -> Tue 29 Dec 2026.
    expect(iso(resumed.dueOn)).toBe("2026-12-29");

    await expect(pauseSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, waitingFor: "clarification", reason: "" })).rejects.toMatchObject({ code: "REASON_REQUIRED" });
    const paused = await pauseSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, waitingFor: "clarification", reason: "Asked which months the calls were in" });
    expect(paused.paused).toBe(true);
    await expect(pauseSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, waitingFor: "clarification", reason: "Again" })).rejects.toMatchObject({ code: "ALREADY_DONE" });

    t.clock.set(new Date("2026-12-05T10:00:00Z"));
    const again = await resumeSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, clarification: "September to November" });
    expect(again.pausedDays).toBe(15);
    // Counts from 5 Dec 2026: Tue 5 Jan 2027.
    expect(iso(again.dueOn)).toBe("2027-01-05");
    await expect(resumeSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference })).rejects.toMatchObject({ code: "WRONG_STATE" });
    const actions = (await t.ctx.db.auditEntry.findMany({ where: { subjectId: sar.id }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["subject-access.opened", "subject-access.resumed", "subject-access.paused", "subject-access.resumed"]);
  });

  it("extends by one or two months only while the first month runs", async () => {
    const sar = await open();
    await expect(extendSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, months: 1, reason: "" })).rejects.toMatchObject({ code: "REASON_REQUIRED" });
    await expect(extendSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, months: 3, reason: "Hundreds of calls to review" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    const one = await extendSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, months: 1, reason: "Hundreds of calls to review" });
    // 20 Nov 2026 + 2 months: Wed 20 Jan 2027.
    expect(iso(one.dueOn)).toBe("2027-01-20");
    await expect(extendSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, months: 1, reason: "Hundreds of calls to review" })).rejects.toMatchObject({ code: "ALREADY_DONE" });
    const two = await extendSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, months: 2, reason: "Third-party review of every call" });
    // + 3 months: Sat 20 Feb 2027 -> Mon 22 Feb 2027.
    expect(iso(two.dueOn)).toBe("2027-02-22");
    expect(two.extensionReason).toBe("Third-party review of every call");

    // Received 1 Oct 2026: the first month ended Mon 2 Nov 2026 (1 Nov was a Sunday).
    const late = await open({ receivedOn: "2026-10-01", numbers: ["020 7946 0999"] });
    const refused = extendSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: late.reference, months: 1, reason: "Hundreds of calls to review" });
    await expect(refused).rejects.toMatchObject({ code: "TOO_LATE" });
    await expect(refused).rejects.toThrow(/02\/11\/2026/);
    expect(late.overdue).toBe(true);
  });

  it("bundles the audio, the call list and a covering letter, leaving out what is withheld", async () => {
    const sar = await open();
    // Items: 1 June call log, 2 south recording (Oct), 3 November recording.
    await reviewSubjectAccessItem(t.ctx, { actorEmail: P.dpo, reference: sar.reference, item: "2", review: "third-party" });
    await expect(prepareSubjectAccessBundle(t.ctx, { actorEmail: P.dpo, reference: sar.reference, mode: "zip" })).rejects.toMatchObject({ code: "WRONG_STATE" });
    await expect(reviewSubjectAccessItem(t.ctx, { actorEmail: P.dpo, reference: sar.reference, item: "2", review: "withhold" })).rejects.toMatchObject({ code: "REASON_REQUIRED" });
    await expect(reviewSubjectAccessItem(t.ctx, { actorEmail: P.dpo, reference: sar.reference, item: "9", review: "release" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const reviewed = await reviewSubjectAccessItem(t.ctx, { actorEmail: P.dpo, reference: sar.reference, item: calls.southRecent.callId, review: "withhold", note: "Another parent's child is discussed throughout" });
    expect(reviewed.counts.withheld).toBe(1);

    const bundle = await prepareSubjectAccessBundle(t.ctx, { actorEmail: P.dpo, reference: sar.reference, mode: "zip" });
    expect(bundle).toMatchObject({ released: 2, withheld: 1, mode: "zip" });
    const row = await t.ctx.db.deliveredFile.findUniqueOrThrow({ where: { id: bundle.files[0]!.fileId } });
    expect(row).toMatchObject({ kind: "sar-bundle", ownerEmail: P.dpo, fileName: "SAR-000001-bundle.zip" });

    const zip = unzipSync(new Uint8Array(await storage.readFile(row.blobName)));
    const names = Object.keys(zip).sort();
    expect(names).toEqual(["calls.csv", "covering-letter.pdf", expect.stringMatching(/^recordings\/003-2026-11-10-1430-.*\.wav$/)]);
    expect(zip[names.find((n) => n.startsWith("recordings/"))!]!.length).toBeGreaterThan(44);
    const csv = strFromU8(zip["calls.csv"]!);
    expect(csv).toContain("020 7946 0001");
    expect(csv).toContain("0113 496 0002");
    expect(csv).toContain("No recording (call record only)");
    expect(csv).not.toContain(calls.southRecent.callId);
    const letter = await rawPdfText(Buffer.from(zip["covering-letter.pdf"]!));
    expect(letter).toContain("Jo Bloggs");
    expect(letter).toContain("SAR-000001");
    expect(letter).toContain("Test Learning Trust");
    expect(letter).toContain("Another parent's child is discussed throughout");

    const audit = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "subject-access.bundle-prepared" } });
    expect(audit.details).toMatchObject({ reference: "SAR-000001", mode: "zip", released: 2, withheld: 1, recordings: 1 });
    await t.deliver();
    expect(t.channel.to(P.dpo, "file-ready")).toHaveLength(1);
    expect((await t.ctx.db.subjectAccessRequest.findUniqueOrThrow({ where: { id: sar.id } })).deliveryMode).toBe("bundle");
  });

  it("delivers separate downloads when the DPO chooses links", async () => {
    const sar = await open();
    const bundle = await prepareSubjectAccessBundle(t.ctx, { actorEmail: P.dpo, reference: sar.reference, mode: "links" });
    expect(bundle.files.map((f) => f.fileName)).toEqual([
      expect.stringMatching(/^SAR-000001-002-2026-10-01-1200-.*\.wav$/),
      expect.stringMatching(/^SAR-000001-003-2026-11-10-1430-.*\.wav$/),
      "SAR-000001-calls.csv",
      "SAR-000001-covering-letter.pdf",
    ]);
    const rows = await t.ctx.db.deliveredFile.findMany({ orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => r.kind).sort()).toEqual(["sar-calls", "sar-letter", "sar-recording", "sar-recording"]);
    // Links last as long as the playback window (7 days), for the subject to use.
    expect(rows[0]!.expiresAt.getTime() - t.clock.now().getTime()).toBe(7 * 24 * 3600_000);
    await t.deliver();
    expect(t.channel.to(P.dpo, "file-ready")).toHaveLength(4);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "subject-access.bundle-prepared" } })).toBe(1);
  });

  it("will not bundle before identity is verified", async () => {
    const sar = await open({ identityVerification: undefined });
    await expect(prepareSubjectAccessBundle(t.ctx, { actorEmail: P.dpo, reference: sar.reference, mode: "zip" })).rejects.toMatchObject({ code: "WRONG_STATE" });
    expect(await t.ctx.db.deliveredFile.count()).toBe(0);
  });

  it("closes with the outcome and releases the hold in the same step", async () => {
    const sar = await open();
    await expect(closeSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, outcome: "complete" })).rejects.toMatchObject({ code: "WRONG_STATE" });
    await reviewSubjectAccessItem(t.ctx, { actorEmail: P.dpo, reference: sar.reference, item: "1", review: "withhold", note: "Part of a police investigation" });
    await expect(closeSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, outcome: "partial" })).rejects.toMatchObject({ code: "REASON_REQUIRED" });
    await prepareSubjectAccessBundle(t.ctx, { actorEmail: P.dpo, reference: sar.reference, mode: "zip" });
    await expect(closeSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, outcome: "complete" })).rejects.toMatchObject({ code: "WRONG_STATE" });

    t.clock.set(new Date("2026-12-01T09:00:00Z"));
    const closed = await closeSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, outcome: "partial", grounds: "investigation", reason: "Police reference 1234/26" });
    expect(closed.status).toBe("PARTIALLY_REFUSED");
    expect(closed.outcomeReason).toBe("Disclosure would prejudice an ongoing investigation (prevention or detection of crime): Police reference 1234/26");
    const hold = await t.ctx.db.hold.findUniqueOrThrow({ where: { subjectAccessId: sar.id } });
    expect(hold.releasedAt).toEqual(new Date("2026-12-01T09:00:00Z"));
    expect(hold.releasedBy).toBe(P.dpo);
    expect(hold.releaseReason).toBe("SAR-000001 partly refused");
    expect(await t.ctx.db.auditEntry.count({ where: { action: "hold.released", subjectId: hold.id } })).toBe(1);
    await expect(closeSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, outcome: "withdrawn" })).rejects.toMatchObject({ code: "WRONG_STATE" });
    await expect(extendSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, months: 1, reason: "Too late to ask now" })).rejects.toMatchObject({ code: "WRONG_STATE" });
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it("writes the subject a refusal letter with the grounds, their right to go to court and their right to complain to the ICO", async () => {
    const sar = await open();
    await closeSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, outcome: "refuse", grounds: "investigation", reason: "Police reference 1234/26" });
    await t.deliver();
    const row = await t.ctx.db.deliveredFile.findFirstOrThrow({ where: { kind: "sar-outcome-letter" } });
    expect(row).toMatchObject({ ownerEmail: P.dpo, fileName: "SAR-000001-refusal-letter.pdf" });
    expect(t.channel.to(P.dpo, "file-ready")).toHaveLength(1);
    const letter = flat(await rawPdfText(await storage.readFile(row.blobName)));
    expect(letter).toContain("We have decided not to give you the recordings or call records you asked for.");
    expect(letter).toContain("Our reason: Disclosure would prejudice an ongoing investigation (prevention or detection of crime): Police reference 1234/26.");
    expect(letter).toContain("you may also ask a court to order us to comply with your right of access");
    expect(letter).toContain("If you are unhappy with how we have handled this, you may complain to the Information Commissioner's Office (https://ico.org.uk/make-a-complaint/).");
    // The policy names no complaints procedure of its own.
    expect(letter).not.toContain("Complaints are handled");
    expect(letter).not.toContain("What you have been given");
    expect(await t.ctx.db.auditEntry.count({ where: { action: "subject-access.letter-prepared", subjectId: sar.id } })).toBe(1);
  });

  it("says in the closing letter what the subject was given, in words for each output, and writes none where the bundle's letter already says it", async () => {
    const text = async (reference: string) => flat(await rawPdfText(await storage.readFile((await t.ctx.db.deliveredFile.findFirstOrThrow({ where: { kind: "sar-outcome-letter", fileName: { startsWith: reference } } })).blobName)));
    // Heard in person, without a bundle (ECS: "access to hear the recording").
    const heard = await open();
    await closeSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: heard.reference, outcome: "complete", outputs: ["heard-in-person"], assessment: "Three calls found; the subject heard them at our office" });
    // A transcript where another caller's words are left out (LIFE §7, Oxford Open Learning).
    const partial = await open();
    await reviewSubjectAccessItem(t.ctx, { actorEmail: P.dpo, reference: partial.reference, item: "2", review: "withhold", note: "Another parent speaks throughout" });
    await closeSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: partial.reference, outcome: "partial", grounds: "others-rights", outputs: ["transcript"], assessment: "Three calls; one withheld, a transcript of the others" });
    // A zip with a transcript besides: the covering letter named only the audio.
    const both = await open();
    await prepareSubjectAccessBundle(t.ctx, { actorEmail: P.dpo, reference: both.reference, mode: "zip" });
    await closeSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: both.reference, outcome: "complete", outputs: ["audio-copy", "transcript"], assessment: "Three calls, sent as audio with a transcript" });
    // A zip alone, and a withdrawal: no letter beyond the bundle's.
    const zipOnly = await open();
    await prepareSubjectAccessBundle(t.ctx, { actorEmail: P.dpo, reference: zipOnly.reference, mode: "zip" });
    await closeSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: zipOnly.reference, outcome: "complete", assessment: "Three calls, all sent in the zip" });
    const withdrawn = await open();
    await closeSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: withdrawn.reference, outcome: "withdrawn", reason: "Subject withdrew by e-mail" });
    await t.deliver();

    const letters = await t.ctx.db.deliveredFile.findMany({ where: { kind: "sar-outcome-letter" }, orderBy: { fileName: "asc" } });
    expect(letters.map((l) => l.fileName)).toEqual([`${heard.reference}-response-letter.pdf`, `${partial.reference}-partial-refusal-letter.pdf`, `${both.reference}-response-letter.pdf`]);

    const heardText = await text(heard.reference);
    expect(heardText).toContain(`What you have been given • ${OUTPUT_LETTER_TEXT["heard-in-person"]}`);
    expect(OUTPUT_LETTER_TEXT["heard-in-person"]).toBe("You heard the recordings of your calls in person, played to you by a member of our staff. We have not sent you a copy of the recordings.");
    expect(heardText).toContain("We found 3 calls.");
    expect(heardText).not.toContain("ask a court");
    expect(heardText).not.toContain(OUTPUT_LETTER_TEXT["audio-copy"]);

    const partialText = await text(partial.reference);
    expect(OUTPUT_LETTER_TEXT.transcript).toBe("A written transcript of your calls, in place of the recordings themselves.");
    expect(partialText).toContain(`What you have been given • ${OUTPUT_LETTER_TEXT.transcript}`);
    expect(partialText).toContain("We have answered your request in part");
    expect(partialText).toContain("We have withheld 1 call. Our reason: Disclosure would prejudice the rights of others (third-party data).");
    expect(partialText).toContain("you may complain to the Information Commissioner's Office");
    expect(partialText).toContain("ask a court");

    const bothText = await text(both.reference);
    expect(bothText).toContain(`${OUTPUT_LETTER_TEXT["audio-copy"]} • ${OUTPUT_LETTER_TEXT.transcript}`);
  });

  it("reminds the owner exactly once at 7 days, 1 day and when overdue, and never while paused", async () => {
    const sar = await open(); // due Mon 21 Dec 2026
    await open({ identityVerification: undefined, numbers: ["020 7946 0999"] }); // paused, same nominal deadline
    const remindTwice = async () => {
      const results = await Promise.all([remindSubjectAccess(t.ctx), remindSubjectAccess(t.ctx)]);
      await remindSubjectAccess(t.ctx);
      return results.reduce((sum, r) => sum + r.reminded + r.overdue, 0);
    };
    expect(await remindTwice()).toBe(0);

    t.clock.set(new Date("2026-12-14T08:00:00Z")); // 7 days left
    expect(await remindTwice()).toBe(1);
    t.clock.set(new Date("2026-12-15T08:00:00Z")); // 6 days left: nothing new
    expect(await remindTwice()).toBe(0);
    t.clock.set(new Date("2026-12-20T08:00:00Z")); // 1 day left
    expect(await remindTwice()).toBe(1);
    t.clock.set(new Date("2026-12-21T08:00:00Z")); // due today: already reminded
    expect(await remindTwice()).toBe(0);
    t.clock.set(new Date("2026-12-22T08:00:00Z")); // overdue
    expect(await remindTwice()).toBe(1);
    t.clock.set(new Date("2026-12-30T08:00:00Z"));
    expect(await remindTwice()).toBe(0);

    await t.deliver();
    const titles = t.channel.to(P.dpo, "compliance-notice").map((n) => (n.kind === "compliance-notice" ? n.title : ""));
    expect(titles).toEqual([`Subject access request ${sar.reference} is due in 7 days`, `Subject access request ${sar.reference} is due in 1 day`, `Subject access request ${sar.reference} is overdue`]);
    const lines = t.channel.to(P.dpo, "compliance-notice").flatMap((n) => (n.kind === "compliance-notice" ? n.lines : []));
    expect(lines.join(" ")).not.toMatch(/2079460001/);
    expect(await t.ctx.db.auditEntry.count({ where: { action: { in: ["subject-access.reminded", "subject-access.overdue"] } } })).toBe(3);
  });

  it("re-arms the reminders when an extension moves the deadline", async () => {
    const sar = await open();
    t.clock.set(new Date("2026-12-14T08:00:00Z"));
    await remindSubjectAccess(t.ctx);
    await extendSubjectAccess(t.ctx, { actorEmail: P.dpo, reference: sar.reference, months: 1, reason: "Hundreds of calls to review" }); // now due 20 Jan 2027
    t.clock.set(new Date("2027-01-13T08:00:00Z"));
    expect((await remindSubjectAccess(t.ctx)).reminded).toBe(1);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "subject-access.reminded" } })).toBe(2);
  });

  it("exports everything still held for a number, in and out of retention, for portability", async () => {
    const result = await exportSubjectData(t.ctx, { actorEmail: P.dpo, numbers: ["020 7946 0001"] });
    expect(result).toMatchObject({ recordings: 4, callLogs: 0 });
    const row = await t.ctx.db.deliveredFile.findUniqueOrThrow({ where: { id: result.fileId } });
    expect(row.kind).toBe("portability");
    const zip = unzipSync(new Uint8Array(await storage.readFile(row.blobName)));
    expect(Object.keys(zip).filter((n) => n.startsWith("recordings/"))).toHaveLength(4);
    const json = JSON.parse(strFromU8(zip["calls.json"]!)) as { calls: { callId: string; number: string }[] };
    expect(json.calls.map((c) => c.callId)).toEqual([calls.tooOld.callId, calls.southOld.callId, calls.southRecent.callId, calls.november.callId]);
    expect(json.calls.every((c) => c.number === SUBJECT)).toBe(true);
    const audit = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "subject-data.exported" } });
    expect(JSON.stringify(audit.details)).not.toContain("2079460001");
    await expect(exportSubjectData(t.ctx, { actorEmail: P.dpo, numbers: ["0113 496 0999"] })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lists open requests nearest deadline first, with days left", async () => {
    const later = await open();
    const sooner = await open({ receivedOn: "2026-11-02", numbers: ["020 7946 0999"] }); // due Wed 2 Dec 2026
    const listed = await listSubjectAccess(t.ctx, { actorEmail: P.dpo });
    expect(listed.map((s) => s.reference)).toEqual([sooner.reference, later.reference]);
    expect(listed[0]!.daysLeft).toBe(12);
    expect(listed[0]!.dueText).toBe("02/12/2026");
  });

  describe("under other policies", () => {
    let u: TestCore | undefined;
    afterEach(async () => {
      await u?.close();
      u = undefined;
    });

    it("keeps the clock running without identity where the policy does not pause it, and records identity later", async () => {
      const v = (u = await testCore(kind, { policy: testPolicy({ subjectAccess: { ownerRoles: ["dpo"], pauseClockForIdentity: false } }) }));
      const sar = await openSubjectAccess(v.ctx, { actorEmail: P.dpo, subjectName: "Jo Bloggs", numbers: ["020 7946 0001"], receivedOn: "2026-11-20" });
      expect(sar.paused).toBe(false);
      expect(sar.daysLeft).toBe(31);
      await expect(pauseSubjectAccess(v.ctx, { actorEmail: P.dpo, reference: sar.reference, waitingFor: "identity", reason: "Asked for a passport copy" })).rejects.toMatchObject({ code: "WRONG_STATE" });
      const recorded = await resumeSubjectAccess(v.ctx, { actorEmail: P.dpo, reference: sar.reference, identityVerification: "passport copy, address matches" });
      expect(recorded.identityVerification).toBe("passport copy, address matches");
      expect(iso(recorded.dueOn)).toBe("2026-12-21");
    });

    it("names the policy's complaints procedure before the ICO, with the ICO contact details the policy gives, in a refusal letter", async () => {
      const policy = testPolicy({ routes: { complaints: { procedure: "Trust Complaints Procedure", handledBy: ["ceo"] }, ico: { name: "the Information Commissioner's Office", phone: "0303 123 1113", website: "https://ico.org.uk/make-a-complaint/" } } });
      const v = (u = await testCore(kind, { policy }));
      storage.attach(v.ctx);
      const sar = await openSubjectAccess(v.ctx, { actorEmail: P.dpo, subjectName: "Jo Bloggs", numbers: ["020 7946 0001"], receivedOn: "2026-11-20", identityVerification: "known to us" });
      await closeSubjectAccess(v.ctx, { actorEmail: P.dpo, reference: sar.reference, outcome: "refuse", grounds: "unfounded", reason: "The same request every week since June" });
      await v.deliver();
      const row = await v.ctx.db.deliveredFile.findFirstOrThrow({ where: { kind: "sar-outcome-letter" } });
      const letter = flat(await rawPdfText(await storage.readFile(row.blobName)));
      expect(complaintsRoute(policy)).toBe("Complaints are handled under the Trust Complaints Procedure by the Chief Executive.");
      expect(letter).toContain(`If you are unhappy with how we have handled your request, please tell us first. ${complaintsRoute(policy)}`);
      expect(letter).toContain(`You also have the right to complain to ${icoContactDetails(policy)}.`);
      expect(icoContactDetails(policy)).toBe("the Information Commissioner's Office (telephone 0303 123 1113, https://ico.org.uk/make-a-complaint/)");
      expect(letter.indexOf("Trust Complaints Procedure")).toBeLessThan(letter.indexOf("0303 123 1113"));
    });

    it("gives the ICO line the policy words where it names the ICO but no complaints procedure", async () => {
      const policy = testPolicy({ routes: { ico: { name: "the Information Commissioner's Office", phone: "0303 123 1113", website: "https://ico.org.uk/make-a-complaint/" } } });
      const v = (u = await testCore(kind, { policy }));
      storage.attach(v.ctx);
      const sar = await openSubjectAccess(v.ctx, { actorEmail: P.dpo, subjectName: "Jo Bloggs", numbers: ["020 7946 0001"], receivedOn: "2026-11-20", identityVerification: "known to us" });
      await closeSubjectAccess(v.ctx, { actorEmail: P.dpo, reference: sar.reference, outcome: "partial", grounds: "others-rights", reason: "Another caller speaks throughout", outputs: ["transcript"], assessment: "A transcript without the other caller" });
      await v.deliver();
      const letter = flat(await rawPdfText(await storage.readFile((await v.ctx.db.deliveredFile.findFirstOrThrow({ where: { kind: "sar-outcome-letter" } })).blobName)));
      expect(letter).toContain(icoContactLine(policy));
      expect(letter).not.toContain("please tell us first");
    });

    it("lets a subject access owner who is not the DPO handle a request, and reminds both", async () => {
      const v = (u = await testCore(kind, { policy: testPolicy({ subjectAccess: { ownerRoles: ["ceo"] } }) }));
      const sar = await openSubjectAccess(v.ctx, { actorEmail: P.ceo, subjectName: "Jo Bloggs", numbers: ["020 7946 0001"], receivedOn: "2026-11-20", identityVerification: "known to us" });
      expect(sar.owner).toEqual({ email: P.ceo, name: "Farid Khan" });
      await v.deliver();
      // The DPO hears that it was opened; the owner, who opened it, does not.
      expect(v.channel.to(P.dpo, "compliance-notice").map((n) => (n.kind === "compliance-notice" ? n.title : ""))).toEqual(["Subject access request SAR-000001 opened"]);
      expect(v.channel.to(P.ceo, "compliance-notice")).toHaveLength(0);
      v.clock.set(new Date("2026-12-14T08:00:00Z"));
      await remindSubjectAccess(v.ctx);
      await v.deliver();
      expect(v.channel.to(P.ceo, "compliance-notice")).toHaveLength(1);
      expect(v.channel.to(P.dpo, "compliance-notice")).toHaveLength(2);
      await expect(openSubjectAccess(v.ctx, { actorEmail: P.requester, subjectName: "Jo Bloggs", numbers: ["020 7946 0001"], receivedOn: "2026-11-20" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    });
  });
});
