/**
 * The DPO's forms through the real Teams adapter and the Microsoft 365
 * Agents Playground: a form command typed alone (`dpo sar open`) answers with
 * an Adaptive Card drawn from the command's field declaration; submitting it
 * (Action.Execute dpoFormSubmit) runs the same core command as the typed one,
 * as whoever submits. Problems come back in the card beside their field with
 * every value kept; success replaces the card with the answer; anyone the
 * core refuses is told in the card and the refusal is on the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DPO_FORMS } from "../../src/commands/index.ts";
import { CARD_BUDGET, sizeOf } from "../../src/adapters/teams/cards/console-reply.ts";
import { VERBS } from "../../src/adapters/teams/ids.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { findExecute, GROUP_CHAT_ID, visibleText, type BotMessage } from "../support/playground/playground-client.ts";
import { teamsTestbed, type TeamsTestbed } from "../support/playground/testbed.ts";
import { P, testPolicy } from "../support/test-policy.ts";

type Json = Record<string, any>;

const GOOD_SAR = { name: "Jo Bloggs", number: "020 7946 0001\n0113 496 0002", received: "2026-11-18", identity: "passport seen in person" };
const COVERT_REASON = "Suspected fraud on refund calls; telling staff would let it be hidden";

/** The card's body elements in order (the form is one level deep). */
const bodyOf = (card: Json | undefined): Json[] => (card?.body as Json[] | undefined) ?? [];
const inputsOf = (card: Json | undefined) => bodyOf(card).filter((e) => String(e.type).startsWith("Input."));
const byId = (card: Json | undefined, id: string) => bodyOf(card).find((e) => e.id === id);
/** What a text element shows: a TextBlock's text or a RichTextBlock's runs. */
const textOf = (e: Json | undefined): string | undefined => (e ? ((e.text as string | undefined) ?? (e.inlines as Json[] | undefined)?.map((r) => r.text).join("")) : undefined);
/** The error drawn straight after a field's input, if any. */
const errorAfter = (card: Json | undefined, key: string): string | undefined => {
  const body = bodyOf(card);
  const at = body.findIndex((e) => e.id === key);
  const next = body[at + 1];
  return next?.id === `${key}Error` ? textOf(next) : undefined;
};

describe("the DPO's forms in Teams", () => {
  let t: TeamsTestbed;
  const u = (email: string) => t.client.user(email);

  /** Types `text` as `email` and waits for the bot's first new message in their personal chat. */
  async function ask(email: string, text: string, what = "a reply"): Promise<BotMessage> {
    const before = (await t.client.messagesTo(u(email))).length;
    await t.client.say(u(email), text);
    return t.client.until(async () => (await t.client.messagesTo(u(email)))[before], `${what} to "${text}"`, 15_000);
  }

  /** Fills in the form card as `email` and submits it; returns the card the bot answered with. */
  function submit(email: string, form: BotMessage, inputs: Record<string, string>): Promise<Json> {
    return t.client.click(u(email), form, VERBS.dpoFormSubmit, inputs);
  }

  beforeAll(async () => {
    t = await teamsTestbed("pglite", { policy: testPolicy({ covertMonitoring: { allowed: true, authoriserRoles: ["ceo"], reviewEvery: "1 month" } }) });
    for (const email of [P.dpo, P.it, P.ceo]) {
      await t.client.install(u(email));
      await t.client.until(async () => (await t.client.messagesTo(u(email))).length >= 1, `${email}'s welcome`);
    }
  });
  afterAll(async () => {
    if (t) expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    await t?.close();
  });

  it("answers `dpo sar open` with the form as a card: its fields, required ones marked, and one submit button", async () => {
    const form = await ask(P.dpo, "dpo sar open", "the form");
    const card = form.card as Json;
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.5" });
    expect(visibleText(card)).toContain("Open a subject access request");
    expect(inputsOf(card).map((i) => [i.id, i.type, i.isRequired ?? false])).toEqual([
      ["name", "Input.Text", true],
      ["number", "Input.Text", true],
      ["received", "Input.Date", true],
      ["identity", "Input.Text", false],
    ]);
    expect(byId(card, "number")).toMatchObject({ isMultiline: true, label: "Their phone numbers (one a line)" });
    expect(findExecute(card, VERBS.dpoFormSubmit)).toMatchObject({ title: "Open request", data: { command: "sar open" } });
    expect(await t.ctx.db.subjectAccessRequest.count()).toBe(0);
  });

  it("answers each of the five form commands with its own fields", async () => {
    for (const [command, spec] of DPO_FORMS) {
      const form = await ask(P.dpo, `dpo ${command}`, `the ${command} form`);
      expect(inputsOf(form.card).map((i) => i.id), command).toEqual(spec.fields.map((f) => f.key));
      expect(findExecute(form.card, VERBS.dpoFormSubmit)?.data, command).toEqual({ command });
      expect(sizeOf(form.card as never), command).toBeLessThanOrEqual(CARD_BUDGET);
    }
  });

  it("tells a DPO in `dpo help` that a form command typed alone opens its form", async () => {
    const help = visibleText((await ask(P.dpo, "dpo help", "the help")).card);
    expect(help).toContain("The commands marked (form) open a form when typed alone.");
    expect(help).toMatch(/sar open \(form\): /);
  });

  it("puts each problem beside its field, keeps every value, and writes nothing", async () => {
    const form = await ask(P.dpo, "dpo sar open", "the form");
    const empty = await submit(P.dpo, form, {});
    expect(errorAfter(empty, "name")).toBe("Give the data subject's name.");
    expect(errorAfter(empty, "number")).toBe("Give at least one phone number the subject uses.");
    expect(errorAfter(empty, "received")).toBe("Give the day the request was received.");
    expect(errorAfter(empty, "identity")).toBeUndefined();
    expect(textOf(byId(empty, "formError"))).toBe("Please check the form: an answer needs changing.");

    // The core's check, under its own name (numbers), lands beside the field; the other answers stay as typed.
    const bad = await submit(P.dpo, form, { ...GOOD_SAR, number: "12" });
    expect(errorAfter(bad, "number")).toContain("not a valid phone number");
    expect(errorAfter(bad, "name")).toBeUndefined();
    expect(byId(bad, "name")?.value).toBe("Jo Bloggs");
    expect(byId(bad, "number")?.value).toBe("12");
    expect(byId(bad, "received")?.value).toBe("2026-11-18");
    expect(byId(bad, "identity")?.value).toBe("passport seen in person");
    expect(findExecute(bad, VERBS.dpoFormSubmit)?.data).toEqual({ command: "sar open" });
    expect(await t.ctx.db.subjectAccessRequest.count()).toBe(0);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "subject-access.opened" } })).toBe(0);
  });

  it("opens the request on a good submission and replaces the form with the answer", async () => {
    const form = await ask(P.dpo, "dpo sar open", "the form");
    const answer = await submit(P.dpo, form, GOOD_SAR);
    expect(visibleText(answer)).toContain("Subject access request SAR-000001 opened");
    expect(inputsOf(answer)).toEqual([]);
    expect(findExecute(answer, VERBS.dpoFormSubmit)).toBeUndefined();
    expect(visibleText(answer)).not.toMatch(/7946 ?0001|\+442079460001/);
    const sar = await t.ctx.db.subjectAccessRequest.findFirstOrThrow({ where: { reference: "SAR-000001" } });
    expect(sar).toMatchObject({ subjectName: "Jo Bloggs", numbers: ["+442079460001", "+441134960002"], ownerEmail: P.dpo });
    expect(await t.ctx.db.auditEntry.count({ where: { action: "subject-access.opened", actor: P.dpo } })).toBe(1);
    // The Playground shows the person the answer in place of the form.
    await t.client.until(() => form.updates > 0 && visibleText(form.card).includes("SAR-000001 opened"), "the form replaced by the answer");
  });

  it("refuses someone who may not open requests in the form, and records the refusal", async () => {
    const form = await ask(P.it, "dpo sar open", "the form");
    const answer = await submit(P.it, form, { ...GOOD_SAR, name: "Sam Jones" });
    expect(textOf(byId(answer, "formError"))).toBe("Only the Data Protection Officer (Carys Evans) or the people who handle subject access requests can do that.");
    expect(byId(answer, "name")?.value).toBe("Sam Jones");
    expect(await t.ctx.db.subjectAccessRequest.count({ where: { subjectName: "Sam Jones" } })).toBe(0);
    const refused = await t.ctx.db.auditEntry.findMany({ where: { action: "subject-access.refused", actor: P.it } });
    expect(refused).toHaveLength(1);
    expect(refused[0]!.details).toMatchObject({ command: "open-subject-access", code: "FORBIDDEN" });
  });

  it("refuses a submission naming a form it does not know plainly, running nothing", async () => {
    const form = await ask(P.dpo, "dpo hold place", "the form");
    const holds = await t.ctx.db.hold.count();
    for (const command of ["hold release", "erasure confirm ERA-000001", "__proto__"]) {
      const answer = (await t.client.invoke(u(P.dpo), form, VERBS.dpoFormSubmit, { command, number: "020 7946 0456", reason: "A forged form" })) as Json;
      expect(visibleText(answer), command).toContain("This form is out of date. Type the command again (for example `dpo sar open`) to open a new one.");
    }
    expect(await t.ctx.db.hold.count()).toBe(holds);
  });

  it("runs nothing for a form submitted from a group chat", async () => {
    const count = t.client.messagesIn(GROUP_CHAT_ID).length;
    await t.client.sayInGroupChat(u(P.it), "help");
    const inGroup = await t.client.until(() => t.client.messagesIn(GROUP_CHAT_ID)[count], "a card in the group chat");
    const answer = (await t.client.invoke(u(P.dpo), inGroup, VERBS.dpoFormSubmit, { command: "hold place", number: "020 7946 0456", reason: "Placed from a group chat" })) as Json;
    expect(visibleText(answer)).toContain("Callgate only answers that in your personal chat with it.");
    expect(await t.ctx.db.hold.count({ where: { reason: "Placed from a group chat" } })).toBe(0);
    for (const m of t.client.messagesIn(GROUP_CHAT_ID)) expect(visibleText(m.card)).not.toContain("Placed from a group chat");
  });

  it("places a hold from its form, an investigation when toggled on", async () => {
    const form = await ask(P.dpo, "dpo hold place", "the form");
    expect(byId(form.card as Json, "investigation")).toMatchObject({ type: "Input.Toggle", valueOn: "true", valueOff: "false", value: "false" });
    const missing = await submit(P.dpo, form, { number: "020 7946 0777", investigation: "true" });
    expect(errorAfter(missing, "reason")).toBe("Say why the recordings must be kept.");
    // The toggle stays as it was set.
    expect(byId(missing, "investigation")?.value).toBe("true");
    const answer = await submit(P.dpo, form, { number: "020 7946 0777", investigation: "true", reason: "Investigation into calls to the office" });
    expect(visibleText(answer)).toMatch(/Investigation HOLD-\d{6} placed/);
    const hold = await t.ctx.db.hold.findFirstOrThrow({ where: { reason: "Investigation into calls to the office" } });
    expect(hold).toMatchObject({ kind: "INVESTIGATION", createdBy: P.dpo, maskedNumbers: ["+44 •••••••777"] });
  });

  it("authorises covert monitoring from its form as the authoriser, and refuses the DPO on the record", async () => {
    const refusedForm = await ask(P.dpo, "dpo covert authorise", "the form");
    const refused = await submit(P.dpo, refusedForm, { staff: P.staff, newInvestigation: "Refund fraud at South Academy", reason: COVERT_REASON });
    expect(textOf(byId(refused, "formError"))).toContain("Only the Chief Executive can authorise covert monitoring");
    expect(await t.ctx.db.auditEntry.count({ where: { action: "covert.refused", actor: P.dpo } })).toBe(1);
    expect(await t.ctx.db.covertAuthorisation.count()).toBe(0);

    const form = await ask(P.ceo, "dpo covert authorise", "the form");
    const unlinked = await submit(P.ceo, form, { staff: P.staff, reason: COVERT_REASON });
    expect(errorAfter(unlinked, "investigation")).toContain("Link the monitoring to an investigation");
    const answer = await submit(P.ceo, form, { staff: P.staff, newInvestigation: "Refund fraud at South Academy", reason: COVERT_REASON });
    expect(visibleText(answer)).toContain("Covert monitoring COV-000001 authorised");
    expect(await t.ctx.db.covertAuthorisation.findFirstOrThrow()).toMatchObject({ authorisedBy: P.ceo, staffEmails: [P.staff] });
    expect(await t.ctx.db.auditEntry.count({ where: { action: "covert.authorised", actor: P.ceo } })).toBe(1);
  });
});
