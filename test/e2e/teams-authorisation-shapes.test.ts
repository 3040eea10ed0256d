/**
 * The authorisation shapes through Teams, in the Agents Playground: the
 * approval card's Approve panel asks the policy's prompt for a note, a short
 * note comes back beside the field with what was typed, and the note reaches
 * the requester; the request form offers the member of staff a request
 * concerns and refuses, beside that field, one whose naming leaves nobody to
 * authorise it; a request the requester's own role decides says so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERBS } from "../../src/adapters/teams/ids.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { authorisationShapesPolicy, NOTE_PROMPT } from "../support/authorisation-shapes-policy.ts";
import { addRecording } from "../support/core.ts";
import { controlsOf, elementsWithId, visibleText } from "../support/playground/playground-client.ts";
import { teamsTestbed, type TeamsTestbed } from "../support/playground/testbed.ts";
import { P } from "../support/test-policy.ts";

const FORM = { date: "2026-11-19", time: "14:30", windowMinutes: "30", direction: "inbound", number: "020 7946 0001", siteId: "north", type: "recording" };
const NOTE = "Written agreement of the Data Controller, e-mail of 18/11/2026";

type Json = Record<string, unknown>;


describe("Teams authorisation shapes in the Agents Playground", () => {
  let t: TeamsTestbed;
  const u = (email: string) => t.client.user(email);

  const cardAbout = (email: string, reference: string) => t.client.cardAbout(email, reference);

  /** Ben's request form submitted with these values; the answer card. */
  async function submit(values: Record<string, string>): Promise<Json> {
    const before = (await t.client.messagesTo(t.client.current)).length;
    await t.client.say(t.client.current, "request recording");
    const form = await t.client.until(async () => (await t.client.messagesTo(t.client.current)).slice(before).find((m) => visibleText(m.card).includes("Request a call recording")), "the form");
    return t.client.click(t.client.current, form, VERBS.submitRequest, { ...FORM, ...values });
  }

  async function request(values: Record<string, string>): Promise<{ id: string; reference: string }> {
    const answer = await submit(values);
    const reference = /CG-\d{6}/.exec(visibleText(answer))?.[0];
    if (!reference) throw new Error(`not submitted: ${visibleText(answer)}`);
    await t.deliver();
    const row = await t.ctx.db.recordingRequest.findFirstOrThrow({ where: { reference } });
    return { id: row.id, reference };
  }

  beforeAll(async () => {
    t = await teamsTestbed("pglite", { policy: authorisationShapesPolicy() });
    for (const email of [P.northHead, P.southHead, P.ceo, P.dpo, P.it]) await t.client.install(u(email));
    await t.client.until(async () => (await t.ctx.db.chatIdentity.count()) >= 5, "installs");
  });
  afterAll(async () => {
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    await t?.close();
  });

  it("asks the policy's prompt in the Approve panel, keeps a short note beside the field and shows the note to the requester", async () => {
    await addRecording(t.ctx, { startedAt: new Date("2026-11-19T14:35:00Z") });
    const { id, reference } = await request({ purposeId: "disciplinary-release", reason: "Disciplinary hearing 12/2026 about this call" });
    const card = await cardAbout(P.ceo, reference);
    const [field] = elementsWithId(card.card, "note");
    expect(field).toMatchObject({ type: "Input.Text", label: NOTE_PROMPT, isRequired: true });
    expect(controlsOf(card.card)).toEqual(expect.arrayContaining(["Approve", "Approve the request", "Deny"]));

    const short = await t.client.click(u(P.ceo), card, VERBS.approve, { note: "agreed" });
    expect(visibleText(short)).toContain("you wrote 6");
    expect(elementsWithId(short, "note")[0]).toMatchObject({ value: "agreed", label: NOTE_PROMPT });
    expect(elementsWithId(short, "noteError")[0]?.text).toContain("at least 15 characters");
    expect(await t.ctx.db.decision.count({ where: { requestId: id } })).toBe(0);

    const done = await t.client.click(u(P.ceo), card, VERBS.approve, { note: NOTE });
    expect(visibleText(done)).toContain(`You approved ${reference}.`);
    expect((await t.ctx.db.decision.findFirstOrThrow({ where: { requestId: id } })).note).toBe(NOTE);
    await t.deliver();
    const toRequester = (await t.client.messagesTo(t.client.current)).map((m) => visibleText(m.card)).join("\n");
    expect(toRequester).toContain("Note with the approval");
    expect(toRequester).toContain(`“${NOTE}”`);
  });

  it("offers the member of staff a request concerns, refuses one whose naming leaves nobody to authorise it, and shows them to the authoriser", async () => {
    const conflicted = await submit({ purposeId: "ceo-only-investigation", reason: "Suspected breach of the code of conduct", concernsEmail: P.ceo });
    expect(elementsWithId(conflicted, "concernsEmailError")[0]?.text).toContain("Nobody could authorise this request");
    expect(elementsWithId(conflicted, "concernsEmail")[0]).toMatchObject({ type: "Input.ChoiceSet", value: P.ceo });
    expect(await t.ctx.db.recordingRequest.count({ where: { purposeId: "ceo-only-investigation" } })).toBe(0);

    const missing = await submit({ purposeId: "staff-investigation", reason: "Suspected breach of the code of conduct" });
    expect(elementsWithId(missing, "concernsEmailError")[0]?.text).toContain("must name the member of staff they concern");
    expect(elementsWithId(missing, "concernsEmail")[0]).toMatchObject({ isRequired: true });

    const { reference } = await request({ purposeId: "staff-investigation", reason: "Suspected breach of the code of conduct", concernsEmail: P.northHead });
    expect((await t.client.messagesTo(u(P.northHead))).some((m) => visibleText(m.card).includes(reference))).toBe(false);
    const ceoCard = await cardAbout(P.ceo, reference);
    expect(JSON.stringify(ceoCard.card)).toContain('{"title":"Member of staff this concerns","value":"Amara Okafor"}');
  });

  it("tells the requester their own role's decision authorised a request, and asks nobody", async () => {
    // A call no recording fits, so the IT Manager is asked to find it.
    const answer = await submit({ purposeId: "slt-decision", time: "10:00", reason: "Complaint from a parent about this call" });
    expect(visibleText(answer)).toContain("Authorised by your own decision, as Senior Leadership Team");
    const reference = /CG-\d{6}/.exec(visibleText(answer))![0];
    await t.deliver();
    const mine = (await t.client.messagesTo(t.client.current)).find((m) => visibleText(m.card).includes(`Request ${reference} authorised`));
    expect(mine).toBeDefined();
    for (const email of [P.northHead, P.southHead, P.ceo, P.dpo]) {
      expect((await t.client.messagesTo(u(email))).some((m) => visibleText(m.card).includes(reference)), email).toBe(false);
    }
    expect(visibleText((await cardAbout(P.it, reference)).card)).toContain("Authorised by the requester's own decision, as Senior Leadership Team");
  });
});
