/**
 * The authorisation shapes through Slack (Bolt's receiver, the fake Web
 * API): Approve asks the policy's prompt for a note and refuses a short one
 * beside the field; the note reaches the requester; the request form asks
 * for the member of staff a request concerns where the purpose names one,
 * and refuses, beside that field, a person whose naming leaves nobody to
 * authorise it; a request the requester's own role decides says so.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACTIONS, COMMANDS, VIEWS } from "../../src/adapters/slack/ids.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { authorisationShapesPolicy, NOTE_PROMPT } from "../support/authorisation-shapes-policy.ts";
import { addRecording } from "../support/core.ts";
import type { FakeMessage } from "../support/fake-slack/fake-slack-server.ts";
import { hasAction } from "../support/fake-slack/payloads.ts";
import { slackTestbed, type SlackTestbed } from "../support/fake-slack/testbed.ts";
import { P } from "../support/test-policy.ts";

const CALL_AT = new Date("2026-11-19T14:35:00Z");
const NOTE = "Written agreement of the Data Controller, e-mail of 18/11/2026";

describe.each(["pglite", "postgresql"] as const)("Slack authorisation shapes on %s", (kind) => {
  let t: SlackTestbed;
  const u = (email: string) => t.user(email);
  const dm = (email: string): FakeMessage => {
    const m = t.fake.messagesTo(u(email))[0];
    if (!m) throw new Error(`${email} has no DM`);
    return m;
  };
  const openView = (email: string) => t.fake.lastViewFor(u(email))!.view as { callback_id?: string; title?: { text: string }; blocks: Array<Record<string, unknown>> };

  beforeEach(async () => {
    t = await slackTestbed(kind, { policy: authorisationShapesPolicy() });
  });
  afterEach(async () => {
    expect(t.fake.violations).toEqual([]);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    await t.close();
  });

  /** Opens the request form for Ben with a call's details and chooses the purpose; the form is left open. */
  async function openForm(purpose: string): Promise<void> {
    await t.command(u(P.requester), COMMANDS.requestRecording, "19/11/2026 14:30 020 7946 0001 inbound");
    await t.chooseInModal(u(P.requester), "purpose", purpose);
  }

  it("asks the policy's prompt on Approve, refuses a short note beside the field and shows the note to the requester", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    await openForm("disciplinary-release");
    const sent = await t.submit(u(P.requester), { reason: "Disciplinary hearing 12/2026 about this call" });
    expect((sent.json() as { response_action: string }).response_action, sent.text).toBe("update");
    await t.deliver();
    const id = (await t.ctx.db.recordingRequest.findFirstOrThrow()).id;
    expect(JSON.stringify(dm(P.ceo).blocks)).toContain(`Approving asks for a note: ${NOTE_PROMPT}.`);

    await t.click(u(P.ceo), dm(P.ceo), ACTIONS.approve);
    const form = openView(P.ceo);
    expect(form.callback_id).toBe(VIEWS.approveNote);
    const field = form.blocks.find((b) => b.block_id === "note") as { label: { text: string } } | undefined;
    expect(field?.label.text).toBe(NOTE_PROMPT);
    expect(await t.ctx.db.decision.count()).toBe(0);

    const short = await t.submit(u(P.ceo), { note: "agreed" });
    expect(short.json()).toEqual({ response_action: "errors", errors: { note: expect.stringContaining("at least 15 characters; you wrote 6") } });
    expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id } })).status).toBe("PENDING_APPROVAL");
    expect(await t.ctx.db.decision.count()).toBe(0);

    const done = await t.submit(u(P.ceo), { note: NOTE });
    const answer = done.json() as { response_action: string; view: { blocks: unknown[] } };
    expect(answer.response_action).toBe("update");
    expect(JSON.stringify(answer.view.blocks)).toContain("The requester has been told.");
    expect((await t.ctx.db.decision.findFirstOrThrow()).note).toBe(NOTE);
    expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id } })).status).toBe("FULFILLED");

    await t.deliver();
    const toRequester = t.fake.messagesTo(u(P.requester)).map((m) => JSON.stringify(m.blocks)).join("\n");
    expect(toRequester).toContain(`Note with the approval: “${NOTE}”`);
    expect(JSON.stringify(dm(P.ceo).blocks)).toContain(`Note with the approval: “${NOTE}”`);
    expect(hasAction(dm(P.ceo), ACTIONS.approve)).toBe(false);
  });

  it("asks for the member of staff a request concerns, refuses one whose naming leaves nobody to authorise it, and shows them to the authoriser", async () => {
    await openForm("staff-investigation");
    const concerns = openView(P.requester).blocks.find((b) => b.block_id === "concernsEmail") as { label: { text: string }; optional?: boolean; element: { type: string } } | undefined;
    expect(concerns?.label.text).toBe("Member of staff this concerns");
    expect(concerns?.element.type).toBe("users_select");
    expect(concerns?.optional).toBeUndefined();
    const missing = await t.submit(u(P.requester), { reason: "Suspected breach of the code of conduct" });
    expect(missing.json()).toEqual({ response_action: "errors", errors: { concernsEmail: expect.stringContaining("must name the member of staff they concern") } });

    await t.chooseInModal(u(P.requester), "purpose", "ceo-only-investigation");
    expect((openView(P.requester).blocks.find((b) => b.block_id === "concernsEmail") as { optional?: boolean }).optional).toBe(true);
    const conflicted = await t.submit(u(P.requester), { reason: "Suspected breach of the code of conduct", concernsEmail: u(P.ceo) });
    expect(conflicted.json()).toEqual({ response_action: "errors", errors: { concernsEmail: expect.stringContaining("Nobody could authorise this request") } });
    expect(await t.ctx.db.recordingRequest.count()).toBe(0);
    expect((await t.ctx.db.auditEntry.findMany({ where: { action: "request.refused" } })).map((e) => (e.details as { code?: string }).code)).toContain("CONFLICT_OF_INTEREST");

    await t.chooseInModal(u(P.requester), "purpose", "staff-investigation");
    const sent = await t.submit(u(P.requester), { reason: "Suspected breach of the code of conduct", concernsEmail: u(P.northHead) });
    expect((sent.json() as { response_action: string }).response_action, sent.text).toBe("update");
    expect((await t.ctx.db.recordingRequest.findFirstOrThrow()).concernsEmail).toBe(P.northHead);
    await t.deliver();
    // The member of staff concerned is never asked; the other authoriser sees who it concerns.
    expect(t.fake.messagesTo(u(P.northHead))).toHaveLength(0);
    expect(JSON.stringify(dm(P.ceo).blocks)).toContain("Member of staff this concerns");
    expect(JSON.stringify(dm(P.ceo).blocks)).toContain("Amara Okafor");
  });

  it("tells the requester their own role's decision authorised a request, and nobody is asked", async () => {
    await openForm("slt-decision");
    const sent = await t.submit(u(P.requester), { reason: "Complaint from a parent about this call" });
    const answer = sent.json() as { response_action: string; view: { title: { text: string }; blocks: unknown[] } };
    expect(answer.view.title.text).toBe("Request authorised");
    expect(JSON.stringify(answer.view.blocks)).toContain("Authorised by your own decision, as Senior Leadership Team");
    await t.deliver();
    const first = t.fake.messagesTo(u(P.requester))[0]!;
    expect(first.text).toContain("is authorised by your own decision");
    for (const email of [P.northHead, P.southHead, P.ceo, P.dpo]) expect(t.fake.messagesTo(u(email)), email).toHaveLength(0);
    const fulfiller = dm(P.it);
    expect(JSON.stringify(fulfiller.blocks)).toContain("Authorised by the requester's own decision, as Senior Leadership Team");
  });
});
