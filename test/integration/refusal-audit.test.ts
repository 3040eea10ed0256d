import { describe, expect, it } from "vitest";
import { summariseAudit } from "../../src/core/audit/summarise-audit.ts";
import { listCovertAuthorisations } from "../../src/core/covert/list-covert-authorisations.ts";
import { submitDisclosure } from "../../src/core/disclosure/submit-disclosure.ts";
import { confirmErasure } from "../../src/core/erasure/confirm-erasure.ts";
import { placeHold } from "../../src/core/holds/place-hold.ts";
import { openPlayback } from "../../src/core/playback/open-playback.ts";
import { requestAccessExtension } from "../../src/core/playback/request-access-extension.ts";
import { revokeGrant } from "../../src/core/playback/revoke-grant.ts";
import type { RecordingStore } from "../../src/core/ports/recording-store.ts";
import { fulfilRequest } from "../../src/core/requests/fulfil-request.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { withdrawRequest } from "../../src/core/requests/withdraw-request.ts";
import { openSubjectAccess } from "../../src/core/subject-access/open-subject-access.ts";
import { CARD_NUMBER_MESSAGE } from "../../src/core/validation.ts";
import { addRecording, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { auditText, expectCode } from "../support/expect-code.ts";
import { P } from "../support/test-policy.ts";
import { safeguardingRequest } from "../support/inputs.ts";

const CALL_AT = new Date("2026-11-19T14:35:00Z");
/** A Visa test number: Luhn-valid, 16 digits. */
const CARD = "4111 1111 1111 1111";

const safeguarding = safeguardingRequest;

describe.each(DATABASE_KINDS)("refusals on record on %s", (kind) => {
  const t = useTestCore(kind);
  // Every test starts with each policy person's chat identity linked, and audited.
  const entries = () => t.ctx.db.auditEntry.findMany({ where: { action: { not: "identity.linked" } }, orderBy: { seq: "asc" } });
  const refusals = async () => (await entries()).filter((e) => e.action.endsWith(".refused"));

  it("records a refused submission once, with the actor, command and code, and creates nothing", async () => {
    await expectCode(submitRequest(t.ctx, safeguarding({ reason: "abc" })), "REASON_TOO_SHORT");
    expect(await t.ctx.db.recordingRequest.count()).toBe(0);
    expect((await entries()).map((e) => [e.actor, e.action, e.details])).toEqual([[P.requester, "request.refused", { command: "submit-request", code: "REASON_TOO_SHORT", field: "reason" }]]);
  });

  it("records a refused self-approval against the request, which stays undecided", async () => {
    const request = await submitRequest(t.ctx, safeguarding());
    await expectCode(recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.requester, outcome: "approve" }), "SELF_APPROVAL");
    expect(await refusals()).toMatchObject([{ actor: P.requester, action: "decision.refused", requestId: request.id, details: { command: "record-decision", code: "SELF_APPROVAL" } }]);
    expect(await t.ctx.db.decision.count()).toBe(0);
    expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("PENDING_APPROVAL");
  });

  it("records a refused fulfilment and a refused withdrawal", async () => {
    const request = await submitRequest(t.ctx, safeguarding());
    await expectCode(fulfilRequest(t.ctx, { requestId: request.id, fulfillerEmail: P.staff, notFound: true }), "FORBIDDEN");
    await expectCode(withdrawRequest(t.ctx, { requestId: request.id, requesterEmail: P.northHead }), "FORBIDDEN");
    expect((await refusals()).map((e) => [e.actor, e.action, (e.details as { code: string }).code, e.requestId])).toEqual([
      [P.staff, "fulfilment.refused", "FORBIDDEN", request.id],
      [P.northHead, "request.refused", "FORBIDDEN", request.id],
    ]);
    expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("PENDING_APPROVAL");
  });

  it("records a refused extension request and a refused revocation", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const request = await submitRequest(t.ctx, safeguarding());
    await recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.northHead, outcome: "approve" });
    await expectCode(requestAccessExtension(t.ctx, { requestId: request.id, requesterEmail: P.ceo, reason: "I need more time to listen" }), "FORBIDDEN");
    await expectCode(revokeGrant(t.ctx, { grantOrRequestId: request.reference, actorEmail: P.staff, reason: "No longer needed" }), "FORBIDDEN");
    expect((await refusals()).map((e) => [e.actor, e.action, e.details])).toEqual([
      [P.ceo, "extension.refused", { command: "request-access-extension", code: "FORBIDDEN" }],
      [P.staff, "grant.refused", { command: "revoke-grant", code: "FORBIDDEN", reference: request.reference }],
    ]);
    expect(await t.ctx.db.accessExtension.count()).toBe(0);
    expect(await t.ctx.db.playbackGrant.count({ where: { revokedAt: null } })).toBe(1);
  });

  it("records a refused subject access request, a refused erasure and refused covert monitoring", async () => {
    await expectCode(openSubjectAccess(t.ctx, { actorEmail: P.requester, subjectName: "Jo Bloggs", numbers: ["020 7946 0001"], receivedOn: "2026-11-20" }), "FORBIDDEN");
    await expectCode(confirmErasure(t.ctx, { actorEmail: P.dpo, reference: "ERA-000999" }), "NOT_FOUND");
    await expectCode(listCovertAuthorisations(t.ctx, { actorEmail: P.requester }), "FORBIDDEN");
    expect((await refusals()).map((e) => [e.actor, e.action, e.details])).toEqual([
      [P.requester, "subject-access.refused", { command: "open-subject-access", code: "FORBIDDEN" }],
      [P.dpo, "erasure.refused", { command: "confirm-erasure", code: "NOT_FOUND", reference: "ERA-000999" }],
      [P.requester, "covert.refused", { command: "list-covert-authorisations", code: "FORBIDDEN" }],
    ]);
    expect(await t.ctx.db.subjectAccessRequest.count()).toBe(0);
  });

  it("does not record a DPO-only refusal twice", async () => {
    await expectCode(placeHold(t.ctx, { actorEmail: P.ceo, numbers: ["020 7946 0001"], reason: "Tribunal claim received" }), "FORBIDDEN");
    expect((await entries()).map((e) => e.action)).toEqual(["compliance.access.refused"]);
  });

  it("records nothing for someone who is not in the policy", async () => {
    await expectCode(submitRequest(t.ctx, safeguarding({ requesterEmail: P.outsider })), "NOT_SET_UP");
    await expectCode(recordDecision(t.ctx, { requestId: "not-a-request", deciderEmail: P.outsider, outcome: "approve" }), "NOT_SET_UP");
    expect(await entries()).toHaveLength(0);
  });

  it("refuses card numbers in a reason, a note and a disclosure field, telling the person why", async () => {
    const inReason = await expectCode(submitRequest(t.ctx, safeguarding({ reason: `Parent paid by card ${CARD} and says it was misused` })), "INVALID_INPUT");
    expect([inReason.message, inReason.field]).toEqual([CARD_NUMBER_MESSAGE, "reason"]);
    const inHold = await expectCode(placeHold(t.ctx, { actorEmail: P.dpo, numbers: ["020 7946 0001"], reason: `Card 4111-1111-1111-1111 disputed` }), "INVALID_INPUT");
    expect(inHold.message).toBe(CARD_NUMBER_MESSAGE);
    const inForm = await expectCode(
      submitDisclosure(t.ctx, {
        requesterEmail: P.dpo,
        date: "2026-11-19",
        time: "14:30",
        number: "020 7946 0001",
        askingOrganisation: "Thames Valley Police",
        askingPerson: `PC Smith, card ${CARD.replace(/ /g, "")}`,
        purpose: "Investigation of a reported crime",
        lawfulBasis: "Schedule 2 Part 1 paragraph 2 DPA 2018",
        recipientName: "PC Smith",
        recipientJobTitle: "Constable",
        conditionAccepted: true,
        releaseMode: "link",
      }),
      "INVALID_INPUT",
    );
    expect([inForm.message, inForm.field]).toEqual([CARD_NUMBER_MESSAGE, "askingPerson"]);
    expect(await t.ctx.db.recordingRequest.count()).toBe(0);
    expect(await t.ctx.db.hold.count()).toBe(0);
    // Each refusal is on record, and no entry holds the card number.
    expect((await refusals()).map((e) => [e.action, (e.details as { field?: string }).field])).toEqual([
      ["request.refused", "reason"],
      ["hold.refused", "reason"],
      ["disclosure.refused", "askingPerson"],
    ]);
    expect(auditText(await entries())).not.toMatch(/4111/);
  });

  it("masks a phone number in a denial reason in the audit log and the summary, keeping it for the requester", async () => {
    const request = await submitRequest(t.ctx, safeguarding());
    await recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.northHead, outcome: "deny", reason: "Ring the parent on 01427 700700 first" });
    const denied = (await entries()).find((e) => e.action === "request.denied")!;
    expect((denied.details as { reason: string }).reason).toBe("Ring the parent on +44 •••••••700 first");
    expect(auditText(await entries())).not.toMatch(/1427/);
    expect((await t.ctx.db.decision.findFirstOrThrow()).reason).toBe("Ring the parent on 01427 700700 first");
    const summary = await summariseAudit(t.ctx, { actorEmail: P.dpo, query: "last 7 days" });
    expect(summary.denials.items[0]!.reason).toBe("Ring the parent on +44 •••••••700 first");
  });

  it("counts refusals by action and code in the summary and flags a person refused three times", async () => {
    const request = await submitRequest(t.ctx, safeguarding());
    for (let i = 0; i < 3; i++) await expectCode(recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.requester, outcome: "approve" }), "SELF_APPROVAL");
    await expectCode(withdrawRequest(t.ctx, { requestId: request.id, requesterEmail: P.northHead }), "FORBIDDEN");
    await expectCode(listCovertAuthorisations(t.ctx, { actorEmail: P.northHead }), "FORBIDDEN");

    const summary = await summariseAudit(t.ctx, { actorEmail: P.dpo, query: "last 7 days" });
    expect(summary.refused.total).toBe(5);
    expect(summary.refused.byAction).toEqual([
      { action: "decision.refused", code: "SELF_APPROVAL", count: 3 },
      { action: "covert.refused", code: "FORBIDDEN", count: 1 },
      { action: "request.refused", code: "FORBIDDEN", count: 1 },
    ]);
    expect(summary.refused.repeated.rule).toMatch(/3 or more times/);
    expect(summary.refused.repeated.items).toEqual([{ email: P.requester, name: "Ben Hughes", refusals: 3, codes: ["SELF_APPROVAL"], actions: ["decision.refused"] }]);
  });

  it("records an open of an ended link against its requester once an hour, and nothing for an unknown token", async () => {
    t.ctx.recordings = {} as RecordingStore;
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const request = await submitRequest(t.ctx, safeguarding());
    await recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.northHead, outcome: "approve" });
    await t.deliver();
    const notice = t.channel.sent.find((s) => s.notice.kind === "access-granted")!.notice;
    if (notice.kind !== "access-granted") throw new Error("unreachable");
    const token = notice.playbackUrl.split("/play/")[1]!;
    await revokeGrant(t.ctx, { grantOrRequestId: request.reference, actorEmail: P.dpo, reason: "Shared by mistake" });
    const before = (await entries()).length;

    const client = { clientIp: "203.0.113.9", userAgent: "Test", browserSecret: null };
    expect((await openPlayback(t.ctx, { token, ...client })).outcome).toBe("ended");
    expect((await openPlayback(t.ctx, { token: "B".repeat(43), ...client })).outcome).toBe("unknown");
    const after = (await entries()).slice(before);
    expect(after).toMatchObject([{ actor: P.requester, action: "playback.refused", requestId: request.id, details: { code: "LINK_ENDED", reason: "revoked" } }]);

    // Reloads within the hour are covered by that entry; the next hour's open is recorded again.
    await openPlayback(t.ctx, { token, ...client });
    expect((await entries()).slice(before)).toHaveLength(1);
    t.clock.set(new Date(t.clock.now().getTime() + 61 * 60_000));
    await openPlayback(t.ctx, { token, ...client });
    expect((await entries()).slice(before).map((e) => e.action)).toEqual(["playback.refused", "playback.refused"]);
  });
});
