/**
 * The DPO's forms through Slack, end to end: a form command typed alone
 * (`/recording-dpo sar open`) opens a modal drawn from the command's field
 * declaration; a submission runs the same core command as the typed one, as
 * whoever submits. Problems come back beside their field (Slack keeps the
 * values), success clears the modal and the answer goes to the person's DM.
 * Bolt's real receiver, signed requests, the fake Slack Web API (which
 * enforces modal limits) and a fresh database.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DPO_FORMS } from "../../src/commands/index.ts";
import { ACTIONS, COMMANDS, VIEWS } from "../../src/adapters/slack/ids.ts";
import { viewProblems } from "../support/fake-slack/block-kit-rules.ts";
import type { FakeMessage, FakeView } from "../support/fake-slack/fake-slack-server.ts";
import { viewSubmissionPayload, type FormInput } from "../support/fake-slack/payloads.ts";
import { slackTestbed, type SlackTestbed } from "../support/fake-slack/testbed.ts";
import { P, testPolicy } from "../support/test-policy.ts";

type Json = Record<string, any>;

const header = (m: FakeMessage | undefined) => (m?.blocks[0] as Json | undefined)?.text?.text as string | undefined;
const blocksText = (m: FakeMessage | undefined) => JSON.stringify(m?.blocks ?? []);
const inputIds = (view: FakeView) => (view.view.blocks as Json[]).filter((b) => b.type === "input").map((b) => b.block_id as string);
const answerOf = (response: { json(): unknown }) => response.json() as { response_action?: string; errors?: Record<string, string>; view?: Json };

const GOOD_SAR: FormInput = { name: "Jo Bloggs", number: "020 7946 0001\n0113 496 0002", received: "2026-11-18", identity: "passport seen in person" };

describe("the DPO's forms in Slack", () => {
  let t: SlackTestbed;
  const carys = () => t.user(P.dpo);
  const ben = () => t.user(P.requester);

  /** Types `/recording-dpo <words>` and returns the modal it opened. */
  async function open(user: string, words: string): Promise<FakeView> {
    const before = t.fake.lastViewFor(user)?.id;
    const response = await t.command(user, COMMANDS.dpo, words);
    expect(response.status).toBe(200);
    const view = t.fake.lastViewFor(user);
    expect(view?.id, `a modal for "${words}"`).not.toBe(before);
    return view!;
  }

  /** The answer to a submission: errors must name input blocks of the submitted view, as Slack insists. */
  function expectErrorsBesideInputs(view: FakeView, answer: ReturnType<typeof answerOf>): Record<string, string> {
    expect(answer.response_action).toBe("errors");
    for (const key of Object.keys(answer.errors ?? {})) expect(inputIds(view)).toContain(key);
    return answer.errors!;
  }

  afterEach(async () => {
    expect(t.fake.violations).toEqual([]);
    await t.close();
  });

  describe("with the test policy", () => {
    beforeEach(async () => {
      t = await slackTestbed("pglite");
    });

    it("opens the subject access form as a modal when a DPO types /recording-dpo sar open alone", async () => {
      const view = await open(carys(), "sar open");
      expect(view.view).toMatchObject({ type: "modal", callback_id: VIEWS.dpoForm, private_metadata: "sar open", submit: { text: "Open request" } });
      expect(inputIds(view)).toEqual(["name", "number", "received", "identity"]);
      const blocks = view.view.blocks as Json[];
      const byId = (id: string) => blocks.find((b) => b.block_id === id)!;
      expect(byId("name")).toMatchObject({ label: { text: "Data subject's name" }, element: { type: "plain_text_input" } });
      expect(byId("name").optional).toBeUndefined();
      expect(byId("number")).toMatchObject({ element: { type: "plain_text_input", multiline: true }, hint: { text: expect.stringContaining("(one a line)") } });
      expect(byId("received").element.type).toBe("datepicker");
      expect(byId("identity").optional).toBe(true);
      // Nothing else happened: no DM, no pointer, nothing written.
      expect(t.fake.messagesTo(carys())).toEqual([]);
      expect(t.fake.responsesTo(carys())).toEqual([]);
      expect(await t.ctx.db.subjectAccessRequest.count()).toBe(0);
    });

    it("opens each of the five forms with its own fields, whole titles and buttons within Slack's limits", async () => {
      expect([...DPO_FORMS.keys()]).toEqual(["sar open", "hold place", "erasure propose", "disclosure new", "covert authorise"]);
      for (const [command, form] of DPO_FORMS) {
        const view = await open(carys(), command);
        expect(viewProblems(view.view, "modal"), command).toEqual([]);
        expect(view.view.private_metadata).toBe(command);
        expect(inputIds(view), command).toEqual(form.fields.map((f) => f.key));
        // Nothing cut short to fit: the title, the button, the introduction and every label whole.
        expect((view.view as Json).title.text, command).toBe(form.shortTitle ?? form.title);
        expect((view.view as Json).submit.text, command).toBe(form.submit);
        expect((view.view.blocks as Json[])[0]!.text.text, command).toBe(form.intro);
        expect((view.view.blocks as Json[]).filter((b) => b.type === "input").map((b) => b.label.text), command).toEqual(form.fields.map((f) => f.label));
      }
    });

    it("opens a form from the help reply's button too", async () => {
      await t.command(carys(), COMMANDS.dpo, "help");
      const help = t.fake.messagesTo(carys())[0]!;
      expect(blocksText(help)).toContain("open a form when typed alone");
      const sarButton = (help.blocks as Json[]).find((b) => b.type === "actions" && (b.elements as Json[]).some((e) => e.value === "sar open"));
      expect(sarButton, "an Open a SAR button").toBeDefined();
      await t.click(carys(), { ...help, blocks: [{ ...sarButton!, elements: (sarButton!.elements as Json[]).filter((e) => e.value === "sar open") }] }, ACTIONS.consoleRun);
      expect(t.fake.lastViewFor(carys())?.view.private_metadata).toBe("sar open");
    });

    it("puts each problem beside its field and writes nothing", async () => {
      const view = await open(carys(), "sar open");
      // The form's own checks: every missing answer at once.
      const missing = expectErrorsBesideInputs(view, answerOf(await t.submit(carys(), {})));
      expect(missing).toEqual({ name: "Give the data subject's name.", number: "Give at least one phone number the subject uses.", received: "Give the day the request was received." });
      // The core's checks, under the core's names, land beside the form's fields.
      const badNumber = expectErrorsBesideInputs(view, answerOf(await t.submit(carys(), { ...GOOD_SAR, number: "12" })));
      expect(Object.keys(badNumber)).toEqual(["number"]);
      expect(badNumber.number).toContain("not a valid phone number");
      const future = expectErrorsBesideInputs(view, answerOf(await t.submit(carys(), { ...GOOD_SAR, received: "2026-12-25" })));
      expect(future).toEqual({ received: expect.stringContaining("cannot be after today") });
      expect(await t.ctx.db.subjectAccessRequest.count()).toBe(0);
      expect(await t.ctx.db.hold.count()).toBe(0);
      expect(await t.ctx.db.auditEntry.count({ where: { action: "subject-access.opened" } })).toBe(0);
      expect(t.fake.messagesTo(carys())).toEqual([]);
    });

    it("opens the request on a good submission: clears the modal, records it with its audit entry, and answers by DM", async () => {
      await open(carys(), "sar open");
      const answer = answerOf(await t.submit(carys(), GOOD_SAR));
      expect(answer).toEqual({ response_action: "clear" });
      const sar = await t.ctx.db.subjectAccessRequest.findFirstOrThrow();
      expect(sar).toMatchObject({ reference: "SAR-000001", subjectName: "Jo Bloggs", numbers: ["+442079460001", "+441134960002"], identityVerification: "passport seen in person", ownerEmail: P.dpo });
      expect(sar.receivedOn.toISOString().slice(0, 10)).toBe("2026-11-18");
      const opened = await t.ctx.db.auditEntry.findMany({ where: { action: "subject-access.opened" } });
      expect(opened).toHaveLength(1);
      expect(opened[0]!.actor).toBe(P.dpo);
      const [reply] = t.fake.messagesTo(carys());
      expect(reply?.channel).toBe(`D${carys().replace(/^U/, "")}`);
      expect(header(reply)).toBe("Subject access request SAR-000001 opened");
      // The numbers are shown masked, never in full.
      expect(blocksText(reply)).not.toMatch(/7946 ?0001|\+442079460001/);
      const logs = t.logLines.join("\n");
      expect(logs).not.toContain("Jo Bloggs");
      expect(logs).not.toContain("7946");
    });

    it("refuses someone who may not open requests, beside the form, on the audit log, writing nothing", async () => {
      await open(ben(), "sar open");
      const view = t.fake.lastViewFor(ben())!;
      const errors = expectErrorsBesideInputs(view, answerOf(await t.submit(ben(), GOOD_SAR)));
      expect(Object.values(errors)).toEqual(["Only the Data Protection Officer (Carys Evans) or the people who handle subject access requests can do that."]);
      expect(await t.ctx.db.subjectAccessRequest.count()).toBe(0);
      const refused = await t.ctx.db.auditEntry.findMany({ where: { action: "subject-access.refused", actor: P.requester } });
      expect(refused).toHaveLength(1);
      expect(refused[0]!.details).toMatchObject({ command: "open-subject-access", code: "FORBIDDEN" });
      expect(t.fake.messagesTo(ben())).toEqual([]);
    });

    it("refuses a submission whose form it does not know plainly, running nothing", async () => {
      const view = await open(carys(), "sar open");
      for (const forged of ["sar list", "erasure confirm ERA-000001", "__proto__", ""]) {
        const payload = viewSubmissionPayload(carys(), { ...view, view: { ...view.view, private_metadata: forged } }, GOOD_SAR);
        const response = await t.post("interaction", payload);
        expect(response.status, forged).toBe(200);
        const answer = answerOf(response);
        expect(answer.response_action, forged).toBe("update");
        expect(answer.view?.title?.text, forged).toBe("Nothing was changed");
        expect(viewProblems(answer.view, "modal"), forged).toEqual([]);
        expect(JSON.stringify(answer.view), forged).toContain("This form is out of date. Type the command again to open a new one.");
      }
      expect(await t.ctx.db.subjectAccessRequest.count()).toBe(0);
      expect(await t.ctx.db.auditEntry.count({ where: { action: { in: ["subject-access.opened", "erasure.confirmed"] } } })).toBe(0);
      expect(t.fake.messagesTo(carys())).toEqual([]);
    });

    it("places a hold from its form, an investigation when ticked, every number held", async () => {
      const view = await open(carys(), "hold place");
      expect((view.view.blocks as Json[]).find((b) => b.block_id === "investigation")?.element).toMatchObject({ type: "checkboxes" });
      const short = expectErrorsBesideInputs(view, answerOf(await t.submit(carys(), { number: "020 7946 0001" })));
      expect(short).toEqual({ reason: "Say why the recordings must be kept." });
      expect(await t.ctx.db.hold.count()).toBe(0);
      const answer = answerOf(await t.submit(carys(), { number: "020 7946 0001\n0113 496 0002", investigation: "true", reason: "Investigation into calls to the office" }));
      expect(answer).toEqual({ response_action: "clear" });
      const hold = await t.ctx.db.hold.findFirstOrThrow();
      expect(hold).toMatchObject({ reference: "HOLD-000001", kind: "INVESTIGATION", reason: "Investigation into calls to the office", createdBy: P.dpo });
      expect(hold.maskedNumbers).toHaveLength(2);
      expect(await t.ctx.db.auditEntry.count({ where: { action: "hold.placed", actor: P.dpo } })).toBe(1);
      expect(header(t.fake.messagesTo(carys())[0])).toMatch(/^Investigation HOLD-000001 placed$/);
    });

    it("proposes an erasure from its form", async () => {
      await open(carys(), "erasure propose");
      expect(answerOf(await t.submit(carys(), { number: "020 7946 0001", reason: "E-mail from the caller, 18/11/2026" }))).toEqual({ response_action: "clear" });
      expect(await t.ctx.db.auditEntry.count({ where: { action: "erasure.proposed", actor: P.dpo } })).toBe(1);
      expect(header(t.fake.messagesTo(carys())[0])).toMatch(/^Erasure ERA-\d{6} proposed$/);
    });

    it("records a disclosure request from its form: date, time, a choice and a tick", async () => {
      const view = await open(carys(), "disclosure new");
      const element = (id: string) => (view.view.blocks as Json[]).find((b) => b.block_id === id)?.element as Json;
      expect(element("time").type).toBe("timepicker");
      expect(element("release")).toMatchObject({ type: "static_select", options: [{ value: "link" }, { value: "zip" }] });
      const input: FormInput = {
        date: "2026-11-18",
        time: "14:30",
        number: "020 7946 0001",
        askingOrg: "Thames Valley Police",
        askingPerson: "DC Jane Smith",
        purpose: "Investigation of threats made to staff",
        lawfulBasis: "Schedule 2 Part 1 paragraph 2 DPA 2018",
        recipient: "DC Jane Smith",
        recipientTitle: "Detective Constable",
        release: "link",
      };
      // Without the recipient's acceptance of the condition the core refuses; nothing is recorded.
      const refused = expectErrorsBesideInputs(view, answerOf(await t.submit(carys(), input)));
      expect(Object.keys(refused)).toHaveLength(1);
      expect(await t.ctx.db.disclosure.count()).toBe(0);
      expect(answerOf(await t.submit(carys(), { ...input, conditionAccepted: "true" }))).toEqual({ response_action: "clear" });
      expect(await t.ctx.db.disclosure.count()).toBe(1);
      expect(header(t.fake.messagesTo(carys())[0])).toMatch(/^Disclosure CG-\d{6} recorded$/);
    });
  });

  describe("where the policy allows covert monitoring", () => {
    beforeEach(async () => {
      t = await slackTestbed("pglite", { policy: testPolicy({ covertMonitoring: { allowed: true, authoriserRoles: ["ceo"], reviewEvery: "1 month" } }) });
    });

    it("authorises covert monitoring from its form as the authoriser, opening the new investigation", async () => {
      const farid = t.user(P.ceo);
      const view = await open(farid, "covert authorise");
      const unlinked = expectErrorsBesideInputs(view, answerOf(await t.submit(farid, { staff: P.staff, reason: "Suspected fraud on refund calls; telling staff would let it be hidden" })));
      expect(unlinked).toEqual({ investigation: expect.stringContaining("Link the monitoring to an investigation") });
      expect(await t.ctx.db.covertAuthorisation.count()).toBe(0);
      const answer = answerOf(await t.submit(farid, { staff: P.staff, newInvestigation: "Refund fraud at South Academy", reason: "Suspected fraud on refund calls; telling staff would let it be hidden" }));
      expect(answer).toEqual({ response_action: "clear" });
      const covert = await t.ctx.db.covertAuthorisation.findFirstOrThrow();
      expect(covert).toMatchObject({ reference: "COV-000001", authorisedBy: P.ceo, staffEmails: [P.staff] });
      expect(await t.ctx.db.hold.findFirstOrThrow()).toMatchObject({ kind: "INVESTIGATION", reason: "Refund fraud at South Academy" });
      expect(await t.ctx.db.auditEntry.count({ where: { action: "covert.authorised", actor: P.ceo } })).toBe(1);
      expect(header(t.fake.messagesTo(farid)[0])).toBe("Covert monitoring COV-000001 authorised");
      // The member of staff monitored is not told.
      expect(t.fake.messagesTo(t.user(P.staff))).toEqual([]);
    });

    it("refuses the DPO, who is no covert authoriser here, and records the refusal", async () => {
      await open(carys(), "covert authorise");
      const view = t.fake.lastViewFor(carys())!;
      const errors = expectErrorsBesideInputs(view, answerOf(await t.submit(carys(), { staff: P.staff, newInvestigation: "Refund fraud at South Academy", reason: "Suspected fraud on refund calls; telling staff would let it be hidden" })));
      expect(Object.values(errors).join(" ")).toContain("Only the Chief Executive can authorise covert monitoring");
      expect(await t.ctx.db.covertAuthorisation.count()).toBe(0);
      expect(await t.ctx.db.hold.count()).toBe(0);
      expect(await t.ctx.db.auditEntry.count({ where: { action: "covert.refused", actor: P.dpo } })).toBe(1);
    });
  });
});
