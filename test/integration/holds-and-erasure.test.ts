/**
 * Holds (legal, investigation) and the right to erasure, in the core and
 * through the DPO console, against Azurite and both databases.
 */
import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { runConsole, type ConsoleSession } from "../../src/commands/run-console.ts";
import type { CoreContext } from "../../src/core/context.ts";
import { cancelErasure } from "../../src/core/erasure/cancel-erasure.ts";
import { confirmErasure } from "../../src/core/erasure/confirm-erasure.ts";
import { readListedIds } from "../../src/core/erasure/erasure-view.ts";
import { proposeErasure } from "../../src/core/erasure/propose-erasure.ts";
import { listHolds } from "../../src/core/holds/list-holds.ts";
import { placeHold } from "../../src/core/holds/place-hold.ts";
import { releaseHold } from "../../src/core/holds/release-hold.ts";
import { normalisePhoneNumber } from "../../src/core/phone.ts";
import { NOW, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { useTestStorage } from "../support/storage.ts";
import { P, testPolicy, testPolicyInput } from "../support/test-policy.ts";

const SECOND_DPO = "dana@trust.example";
const policy = () => testPolicy({ people: [...testPolicyInput.people, { email: SECOND_DPO, name: "Dana Price", roles: ["dpo"], sites: [] }] });
const SUBJECT = "020 7946 0100";
const E164 = normalisePhoneNumber(SUBJECT);

const storage = useTestStorage();

const stillThere = async (ctx: CoreContext, row: { id: string; blobName: string | null }) =>
  (await ctx.db.recording.count({ where: { id: row.id } })) === 1 && (row.blobName === null || (await storage.recordings.exists(row.blobName)));

const bigintSafe = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v));

describe.each(DATABASE_KINDS)("holds on %s", (kind) => {
  const t = useTestCore(kind, () => ({ policy: policy() }));
  beforeEach(async () => {
    storage.attach(t.ctx);
  });

  it("holds every recording for the numbers and the calls named, with a reference and an audit entry that masks the number", async () => {
    const a = await storage.addRecording(t.ctx, { startedAt: new Date("2026-01-01T10:00:00Z"), number: SUBJECT });
    const b = await storage.addRecording(t.ctx, { startedAt: new Date("2026-02-01T10:00:00Z"), number: SUBJECT });
    const c = await storage.addRecording(t.ctx, { startedAt: new Date("2026-03-01T10:00:00Z"), number: "0113 496 0001" });
    await storage.addRecording(t.ctx, { startedAt: new Date("2026-03-02T10:00:00Z"), number: "0113 496 0002" });

    const hold = await placeHold(t.ctx, { actorEmail: P.dpo, numbers: [SUBJECT, "+44 20 7946 0100"], callIds: [c.callId], reason: "Employment tribunal claim" });

    expect(hold).toMatchObject({ reference: "HOLD-000001", kind: "LEGAL", recordingCount: 3, released: false, maskedNumbers: ["+44 •••••••100"] });
    const held = await t.ctx.db.heldRecording.findMany({ where: { holdId: hold.id } });
    expect(held.map((h) => h.recordingId).sort()).toEqual([a.id, b.id, c.id].sort());
    const audit = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "hold.placed" } });
    expect(audit).toMatchObject({ actor: P.dpo, subjectId: hold.id });
    expect(audit.details).toMatchObject({ reference: "HOLD-000001", kind: "LEGAL", recordings: 3, callIds: [c.callId] });
    expect(bigintSafe(audit)).not.toContain("7946");
  });

  it("refuses a hold from anyone but a DPO, without a reason, with a bad number or an unknown call", async () => {
    await storage.addRecording(t.ctx, { startedAt: new Date("2026-01-01T10:00:00Z"), number: SUBJECT });
    await expect(placeHold(t.ctx, { actorEmail: P.ceo, numbers: [SUBJECT], reason: "Tribunal claim" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(placeHold(t.ctx, { actorEmail: P.outsider, numbers: [SUBJECT], reason: "Tribunal claim" })).rejects.toMatchObject({ code: "NOT_SET_UP" });
    await expect(placeHold(t.ctx, { actorEmail: P.dpo, numbers: [SUBJECT], reason: "  " })).rejects.toMatchObject({ code: "REASON_REQUIRED", field: "reason" });
    await expect(placeHold(t.ctx, { actorEmail: P.dpo, numbers: ["01632 960001"], reason: "Tribunal claim" })).rejects.toMatchObject({ code: "INVALID_NUMBER" });
    await expect(placeHold(t.ctx, { actorEmail: P.dpo, callIds: ["no-such-call"], reason: "Tribunal claim" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(placeHold(t.ctx, { actorEmail: P.dpo, reason: "Tribunal claim" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await t.ctx.db.hold.count()).toBe(0);
  });

  it("releases a hold with a reason, once, and only by a DPO", async () => {
    await storage.addRecording(t.ctx, { startedAt: new Date("2026-01-01T10:00:00Z"), number: SUBJECT });
    const hold = await placeHold(t.ctx, { actorEmail: P.dpo, numbers: [SUBJECT], reason: "Insurance claim" });
    await expect(releaseHold(t.ctx, { actorEmail: P.northHead, reference: hold.reference, reason: "Claim settled" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(releaseHold(t.ctx, { actorEmail: P.dpo, reference: hold.reference, reason: "" })).rejects.toMatchObject({ code: "REASON_REQUIRED" });
    await expect(releaseHold(t.ctx, { actorEmail: P.dpo, reference: "HOLD-000099", reason: "Claim settled" })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const { hold: released, endedCovert } = await releaseHold(t.ctx, { actorEmail: SECOND_DPO, reference: "hold-1", reason: "Claim settled" });

    expect(released).toMatchObject({ released: true, releaseReason: "Claim settled", releasedBy: { email: SECOND_DPO, name: "Dana Price" } });
    expect(endedCovert).toEqual([]);
    await expect(releaseHold(t.ctx, { actorEmail: P.dpo, reference: hold.reference, reason: "Again" })).rejects.toMatchObject({ code: "ALREADY_DONE" });
    expect(await t.ctx.db.auditEntry.count({ where: { action: "hold.released" } })).toBe(1);
  });

  it("ends every active covert monitoring authorisation when its investigation is released, and tells each authoriser", async () => {
    const investigation = await placeHold(t.ctx, { actorEmail: P.dpo, kind: "INVESTIGATION", reason: "Suspected fraud in the finance office" });
    expect(investigation).toMatchObject({ kind: "INVESTIGATION", recordingCount: 0 });
    const covert = (reference: string, status: "ACTIVE" | "ENDED") =>
      t.ctx.db.covertAuthorisation.create({
        data: { reference, authorisedBy: P.ceo, authoriserRole: "ceo", extensions: ["102"], staffEmails: [], reason: "Fraud", startsAt: NOW, reviewOn: new Date("2026-12-20"), investigationId: investigation.id, status, createdAt: NOW },
      });
    await covert("COV-000001", "ACTIVE");
    await covert("COV-000002", "ACTIVE");
    await covert("COV-000003", "ENDED");

    const { endedCovert } = await releaseHold(t.ctx, { actorEmail: P.dpo, reference: investigation.reference, reason: "Investigation concluded" });

    expect(endedCovert).toEqual(["COV-000001", "COV-000002"]);
    const rows = await t.ctx.db.covertAuthorisation.findMany({ orderBy: { reference: "asc" } });
    expect(rows.map((r) => [r.reference, r.status, r.endReason])).toEqual([
      ["COV-000001", "ENDED", "investigation closed"],
      ["COV-000002", "ENDED", "investigation closed"],
      ["COV-000003", "ENDED", null],
    ]);
    expect(rows[0]).toMatchObject({ endedBy: P.dpo, endedAt: NOW });
    expect(await t.ctx.db.auditEntry.count({ where: { action: "covert.ended" } })).toBe(2);
    await t.deliver();
    const notices = t.channel.to(P.ceo, "compliance-notice");
    expect(notices).toHaveLength(2);
    expect(notices[0]).toMatchObject({ title: "Covert monitoring COV-000001 has ended" });
  });

  it("will not release a subject access hold while its request is open", async () => {
    const sar = await t.ctx.db.subjectAccessRequest.create({
      data: { reference: "SAR-000001", subjectName: "A Person", numbers: [E164], receivedOn: new Date("2026-11-20"), dueOn: new Date("2026-12-21"), ownerEmail: P.dpo, openedAt: NOW },
    });
    await t.ctx.db.hold.create({ data: { reference: "HOLD-000050", kind: "SUBJECT_ACCESS", reason: "SAR-000001", maskedNumbers: [], createdBy: P.dpo, createdAt: NOW, subjectAccessId: sar.id } });
    await expect(releaseHold(t.ctx, { actorEmail: P.dpo, reference: "HOLD-000050", reason: "Not needed" })).rejects.toMatchObject({ code: "WRONG_STATE" });
  });

  it("lists holds in force, and released ones on request", async () => {
    await storage.addRecording(t.ctx, { startedAt: new Date("2026-01-01T10:00:00Z"), number: SUBJECT });
    const first = await placeHold(t.ctx, { actorEmail: P.dpo, numbers: [SUBJECT], reason: "First hold" });
    await placeHold(t.ctx, { actorEmail: P.dpo, kind: "INVESTIGATION", reason: "Second hold" });
    await releaseHold(t.ctx, { actorEmail: P.dpo, reference: first.reference, reason: "Done with it" });
    await expect(listHolds(t.ctx, { actorEmail: P.requester })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await listHolds(t.ctx, { actorEmail: P.dpo })).map((h) => h.reference)).toEqual(["HOLD-000002"]);
    expect((await listHolds(t.ctx, { actorEmail: P.dpo, includeReleased: true })).map((h) => h.reference).sort()).toEqual(["HOLD-000001", "HOLD-000002"]);
  });
});

describe.each(DATABASE_KINDS)("erasure on %s", (kind) => {
  const t = useTestCore(kind, () => ({ policy: policy() }));
  beforeEach(async () => {
    storage.attach(t.ctx);
  });

  it("proposes an erasure listing what would be deleted and what is kept, keeping the number only as a hash", async () => {
    const a = await storage.addRecording(t.ctx, { startedAt: new Date("2026-01-01T10:00:00Z"), number: SUBJECT });
    const log = await storage.addRecording(t.ctx, { startedAt: new Date("2026-01-02T10:00:00Z"), number: SUBJECT, audio: false });
    const held = await storage.addRecording(t.ctx, { startedAt: new Date("2026-01-03T10:00:00Z"), number: SUBJECT });
    await storage.addRecording(t.ctx, { startedAt: new Date("2026-01-04T10:00:00Z"), number: "0113 496 0001" });
    await placeHold(t.ctx, { actorEmail: P.dpo, callIds: [held.callId], reason: "Complaint being investigated" });

    const { erasure, toDelete, kept } = await proposeErasure(t.ctx, { actorEmail: P.dpo, numbers: [SUBJECT], reason: "Erasure request by letter, 18 Nov 2026" });

    expect(erasure).toMatchObject({ reference: "ERA-000001", status: "PROPOSED", maskedNumbers: ["+44 •••••••100"], listedCount: 2, heldCount: 1 });
    expect(toDelete.map((l) => l.recordingId)).toEqual([a.id, log.id]);
    expect(toDelete[1]!.text).toContain("call log only");
    expect(kept).toEqual([expect.objectContaining({ recordingId: held.id, keptBecause: ["hold HOLD-000001 (legal)"] })]);
    const row = await t.ctx.db.erasureRequest.findUniqueOrThrow({ where: { reference: "ERA-000001" }, omit: { recordingIds: true } });
    expect(row.numberHashes).toEqual([createHash("sha256").update(E164).digest("hex")]);
    expect((await readListedIds(t.ctx.db, row.id)).sort()).toEqual([a.id, log.id].sort());
    expect(bigintSafe(row)).not.toContain("7946");
    const audit = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "erasure.proposed" } });
    expect(audit.details).toMatchObject({ wouldDelete: 2, kept: 1 });
    expect(bigintSafe(audit)).not.toContain("7946");
    // Nothing is deleted by a proposal.
    expect(await stillThere(t.ctx, a)).toBe(true);
    await expect(proposeErasure(t.ctx, { actorEmail: P.requester, numbers: [SUBJECT], reason: "Erasure request" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("deletes on confirmation by another DPO exactly the listed recordings not held by then, with deletion records", async () => {
    const a = await storage.addRecording(t.ctx, { startedAt: new Date("2026-01-01T10:00:00Z"), number: SUBJECT });
    const b = await storage.addRecording(t.ctx, { startedAt: new Date("2026-01-02T10:00:00Z"), number: SUBJECT });
    const heldLater = await storage.addRecording(t.ctx, { startedAt: new Date("2026-01-03T10:00:00Z"), number: SUBJECT });
    const { erasure } = await proposeErasure(t.ctx, { actorEmail: P.dpo, numbers: [SUBJECT], reason: "Erasure request by e-mail" });
    // After the proposal: a new call for the number (not listed), and a hold on a listed one.
    const newer = await storage.addRecording(t.ctx, { startedAt: new Date("2026-11-19T10:00:00Z"), number: SUBJECT });
    await placeHold(t.ctx, { actorEmail: P.dpo, callIds: [heldLater.callId], reason: "Claim just arrived" });

    const result = await confirmErasure(t.ctx, { actorEmail: SECOND_DPO, reference: erasure.reference });

    expect(result).toMatchObject({ deleted: 2, heldNow: 1, alreadyGone: 0 });
    expect(result.erasure).toMatchObject({ status: "CONFIRMED", deletedCount: 2, heldCount: 1, decidedBy: { email: SECOND_DPO } });
    expect(await stillThere(t.ctx, a)).toBe(false);
    expect(await stillThere(t.ctx, b)).toBe(false);
    expect(await storage.recordings.exists(a.blobName!)).toBe(false);
    expect(await stillThere(t.ctx, heldLater)).toBe(true);
    expect(await stillThere(t.ctx, newer)).toBe(true);
    const records = await t.ctx.db.deletionRecord.findMany({ orderBy: { callId: "asc" } });
    expect(records.map((r) => [r.callId, r.rule, r.deletedBy, r.runId])).toEqual(
      [a, b].map((r) => [r.callId, "erasure:ERA-000001", SECOND_DPO, erasure.id]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
    expect(await t.ctx.db.auditEntry.count({ where: { action: "erasure.deleted" } })).toBe(1);
    await t.deliver();
    expect(t.channel.to(P.dpo, "compliance-notice")).toEqual([expect.objectContaining({ title: "Erasure ERA-000001 confirmed" })]);

    await expect(confirmErasure(t.ctx, { actorEmail: P.dpo, reference: erasure.reference })).rejects.toMatchObject({ code: "ALREADY_DONE" });
  });

  it("deletes nothing when cancelled, and a cancelled erasure cannot be confirmed", async () => {
    const a = await storage.addRecording(t.ctx, { startedAt: new Date("2026-01-01T10:00:00Z"), number: SUBJECT });
    const { erasure } = await proposeErasure(t.ctx, { actorEmail: P.dpo, numbers: [SUBJECT], reason: "Erasure request by phone" });
    const cancelled = await cancelErasure(t.ctx, { actorEmail: P.dpo, reference: erasure.reference, reason: "Identity not verified" });
    expect(cancelled.status).toBe("CANCELLED");
    await expect(confirmErasure(t.ctx, { actorEmail: P.dpo, reference: erasure.reference })).rejects.toMatchObject({ code: "WRONG_STATE" });
    await expect(cancelErasure(t.ctx, { actorEmail: P.dpo, reference: erasure.reference })).rejects.toMatchObject({ code: "ALREADY_DONE" });
    expect(await stillThere(t.ctx, a)).toBe(true);
    expect(await t.ctx.db.deletionRecord.count()).toBe(0);
  });

  it("deletes once when two DPOs confirm at the same moment", async () => {
    for (let i = 0; i < 6; i++) await storage.addRecording(t.ctx, { startedAt: new Date(Date.UTC(2026, 0, 1 + i, 10)), number: SUBJECT });
    const { erasure } = await proposeErasure(t.ctx, { actorEmail: P.dpo, numbers: [SUBJECT], reason: "Erasure request by letter" });

    const outcomes = await Promise.allSettled([
      confirmErasure(t.ctx, { actorEmail: P.dpo, reference: erasure.reference }),
      confirmErasure(t.ctx, { actorEmail: SECOND_DPO, reference: erasure.reference }),
    ]);

    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === "rejected");
    expect(refused?.status === "rejected" && (refused.reason as { code: string }).code).toMatch(/CONFLICT|ALREADY_DONE/);
    expect(await t.ctx.db.deletionRecord.count()).toBe(6);
    expect(await t.ctx.db.recording.count()).toBe(0);
  });
});

describe.each(DATABASE_KINDS)("DPO console for holds, erasure and retention on %s", (kind) => {
  const t = useTestCore(kind, () => ({ policy: policy() }));
  let session: (email: string) => ConsoleSession;
  beforeEach(async () => {
    storage.attach(t.ctx);
    session = (email) => ({ ctx: t.ctx, actorEmail: email, publicUrl: "https://callgate.test" });
  });

  it("places, lists and releases a hold", async () => {
    await storage.addRecording(t.ctx, { startedAt: new Date("2026-01-01T10:00:00Z"), number: SUBJECT });
    const placed = await runConsole(session(P.dpo), `hold place --number "${SUBJECT}" --number "0113 496 0001" --reason "Tribunal claim received"`);
    expect(placed.title).toBe("Legal hold HOLD-000001 placed");
    expect(JSON.stringify(placed)).toContain("+44 •••••••100");
    expect(JSON.stringify(placed)).not.toContain("7946 0100");

    const investigation = await runConsole(session(P.dpo), `hold place --investigation --reason "Fraud investigation"`);
    expect(investigation.title).toBe("Investigation HOLD-000002 placed");

    const listed = await runConsole(session(P.dpo), "hold list");
    expect(listed.blocks).toContainEqual(expect.objectContaining({ kind: "list", items: [expect.stringContaining("HOLD-000002"), expect.stringContaining("HOLD-000001")] }));

    const released = await runConsole(session(P.dpo), `hold release HOLD-000001 --reason "Claim withdrawn"`);
    expect(released.title).toBe("Legal hold HOLD-000001 released");
    expect((await t.ctx.db.hold.findUniqueOrThrow({ where: { reference: "HOLD-000001" } })).releaseReason).toBe("Claim withdrawn");
  });

  it("refuses holds to anyone but a DPO, and says what is missing", async () => {
    const refused = await runConsole(session(P.ceo), `hold place --number "${SUBJECT}" --reason "Tribunal claim"`);
    expect(refused.title).toBe("Nothing was changed");
    expect(JSON.stringify(refused)).toContain("Only the Data Protection Officer");
    const noReason = await runConsole(session(P.dpo), `hold place --number "${SUBJECT}"`);
    expect(noReason.title).toBe("Nothing was changed");
    expect(JSON.stringify(noReason)).toContain("Say why the recordings must be kept (--reason).");
    expect(await t.ctx.db.hold.count()).toBe(0);
  });

  it("proposes an erasure with a danger button that confirms it, and a cancel button", async () => {
    const a = await storage.addRecording(t.ctx, { startedAt: new Date("2026-01-01T10:00:00Z"), number: SUBJECT });
    const held = await storage.addRecording(t.ctx, { startedAt: new Date("2026-01-02T10:00:00Z"), number: SUBJECT });
    await placeHold(t.ctx, { actorEmail: P.dpo, callIds: [held.callId], reason: "Complaint open" });

    const proposed = await runConsole(session(P.dpo), `erasure propose --number "${SUBJECT}" --reason "Erasure request by letter"`);

    expect(proposed.title).toBe("Erasure ERA-000001 proposed");
    expect(proposed.blocks).toContainEqual(expect.objectContaining({ kind: "list", items: [expect.stringContaining("audio")] }));
    expect(proposed.blocks).toContainEqual(expect.objectContaining({ kind: "list", items: [expect.stringContaining("hold HOLD-000001 (legal)")] }));
    expect(proposed.actions).toEqual([
      { label: "Delete 1 recording", command: "erasure confirm ERA-000001", style: "danger", confirm: "Delete 1 recording for +44 •••••••100? This cannot be undone." },
      { label: "Cancel", command: "erasure cancel ERA-000001" },
    ]);
    expect(JSON.stringify(proposed)).not.toContain("7946 0100");

    // The button runs its command as whoever clicks it: another DPO here.
    const confirmed = await runConsole(session(SECOND_DPO), proposed.actions![0]!.command);
    expect(confirmed.title).toBe("Erasure ERA-000001 confirmed");
    expect(await stillThere(t.ctx, a)).toBe(false);
    expect(await stillThere(t.ctx, held)).toBe(true);

    const again = await runConsole(session(P.dpo), "erasure cancel ERA-000001");
    expect(again.title).toBe("Nothing was changed");
  });

  it("previews the retention sweep by rule without deleting anything", async () => {
    const old = await storage.addRecording(t.ctx, { startedAt: new Date("2025-01-01T10:00:00Z"), number: SUBJECT });
    await storage.addRecording(t.ctx, { startedAt: new Date("2026-07-01T10:00:00Z"), siteId: "south" });
    await storage.addRecording(t.ctx, { startedAt: new Date("2026-11-01T10:00:00Z") });
    await placeHold(t.ctx, { actorEmail: P.dpo, callIds: [old.callId], reason: "Keep this one" });

    const preview = await runConsole(session(P.dpo), "retention preview");

    expect(preview.title).toBe("Retention preview (dry run)");
    expect(preview.blocks[0]).toEqual({ kind: "fields", rows: [["Past retention", "2"], ["Kept (hold or open request)", "1"], ["Would be deleted", "1"]] });
    expect(preview.blocks).toContainEqual({ kind: "list", items: ["retention:default:12 months: 0 to delete, 1 kept", "retention:site:south:90 days: 1 to delete"] });
    expect(await t.ctx.db.recording.count()).toBe(3);
    expect((await runConsole(session(P.requester), "retention preview")).title).toBe("Nothing was changed");
  });
});
