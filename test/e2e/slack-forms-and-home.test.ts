/**
 * The request form's field errors, the consent and fulfilment steps, the
 * `/recordings` replies and the App Home, through Slack end to end.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACTIONS, COMMANDS } from "../../src/adapters/slack/ids.ts";
import { addRecording } from "../support/core.ts";
import { hasAction } from "../support/fake-slack/payloads.ts";
import { OUTSIDER, slackTestbed, type SlackTestbed } from "../support/fake-slack/testbed.ts";
import { P } from "../support/test-policy.ts";

const CALL_AT = new Date("2026-11-19T14:35:00Z");
const REASON = "Parent reported an abusive call to the office";

describe("Slack forms, consent, fulfilment and App Home on pglite", () => {
  let t: SlackTestbed;
  const u = (email: string) => t.user(email);
  const ben = () => u(P.requester);
  beforeEach(async () => {
    t = await slackTestbed("pglite");
  });
  afterEach(async () => {
    expect(t.fake.violations).toEqual([]);
    await t.close();
  });

  const errorsOf = (answer: { json(): unknown }) => (answer.json() as { response_action: string; errors: Record<string, string> }).errors;

  it("puts each core error beside its field in the form", async () => {
    await t.command(ben(), COMMANDS.requestRecording, "19/11/2026 14:30");
    expect(errorsOf(await t.submit(ben(), { number: "12", reason: REASON }))).toEqual({ number: expect.stringContaining("not a valid phone number") });
    expect(errorsOf(await t.submit(ben(), { number: "020 7946 0001", reason: "short" }))).toEqual({ reason: expect.stringContaining("at least 10 characters (you wrote 5)") });
    expect(errorsOf(await t.submit(ben(), { number: "020 7946 0001", date: "2026-12-25", reason: REASON }))).toEqual({ date: "That date and time are in the future." });
    expect(errorsOf(await t.submit(ben(), { reason: REASON }))).toEqual({ number: expect.stringContaining("Give the external number or the extension") });
    expect(await t.ctx.db.recordingRequest.count()).toBe(0);
  });

  it("shows the employee field only for a purpose needing consent, then asks that employee", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    await t.command(ben(), COMMANDS.requestRecording, "19/11/2026 14:30 020 7946 0001");
    const blockIds = () => ((t.fake.lastViewFor(ben())!.view.blocks as Array<{ block_id?: string }>) ?? []).map((b) => b.block_id);
    expect(blockIds()).not.toContain("employeeEmail");
    await t.chooseInModal(ben(), "purpose", "training", { reason: "Kept while the form changes" });
    expect(blockIds()).toContain("employeeEmail");
    const view = t.fake.lastViewFor(ben())!.view as { blocks: Array<{ block_id?: string; hint?: { text: string }; element?: { initial_value?: string } }> };
    const reasonBlock = view.blocks.find((b) => b.block_id === "reason");
    expect(reasonBlock?.hint?.text).toBe("What will it teach?");
    expect(reasonBlock?.element?.initial_value).toBe("Kept while the form changes");

    expect(errorsOf(await t.submit(ben(), { reason: "Induction training for new office staff" }))).toEqual({ employeeEmail: expect.stringContaining("needs the recorded employee's consent") });
    const sent = await t.submit(ben(), { reason: "Induction training for new office staff", employeeEmail: u(P.staff) });
    expect((sent.json() as { response_action: string }).response_action).toBe("update");
    await t.deliver();
    await t.click(u(P.northHead), t.fake.messagesTo(u(P.northHead))[0]!, ACTIONS.approve);
    await t.deliver();
    const ask = t.fake.messagesTo(u(P.staff))[0]!;
    expect(hasAction(ask, ACTIONS.consentGive)).toBe(true);
    await t.click(u(P.staff), ask, ACTIONS.consentGive);
    await t.deliver();
    expect((await t.ctx.db.recordingRequest.findFirstOrThrow()).status).toBe("FULFILLED");
    expect(hasAction(t.fake.messagesTo(u(P.staff))[0]!, ACTIONS.consentGive)).toBe(false);
    expect(t.fake.messagesTo(ben()).some((m) => JSON.stringify(m.blocks).includes("/play/"))).toBe(true);
  });

  it("lets the fulfiller pick between matching calls by metadata, with masked numbers", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    await addRecording(t.ctx, { startedAt: new Date("2026-11-19T14:50:00Z") });
    await t.command(ben(), COMMANDS.requestRecording, "19/11/2026 14:30 020 7946 0001");
    await t.submit(ben(), { reason: REASON });
    await t.deliver();
    await t.click(u(P.ceo), t.fake.messagesTo(u(P.ceo))[0]!, ACTIONS.approve);
    await t.deliver();
    const pick = t.fake.messagesTo(u(P.it))[0]!;
    expect(JSON.stringify(pick.blocks)).toMatch(/\+44 •+001/);
    // The fulfiller matches the call; the reason for wanting it is none of their business.
    expect(JSON.stringify(pick.blocks)).not.toContain("abusive");
    expect(JSON.stringify(pick.blocks)).not.toContain("7946");
    await t.click(u(P.it), pick, ACTIONS.fulfilChoose, { optionIndex: 1 });
    expect(String(t.fake.responsesTo(u(P.it)).at(-1)?.text)).toMatch(/is matched to the call you chose/);
    const request = await t.ctx.db.recordingRequest.findFirstOrThrow();
    expect(request.status).toBe("FULFILLED");
    const chosen = await t.ctx.db.recording.findUniqueOrThrow({ where: { id: request.recordingId! } });
    expect(chosen.startedAt.toISOString()).toBe("2026-11-19T14:50:00.000Z");
    await t.deliver();
    expect(hasAction(t.fake.messagesTo(u(P.it))[0]!, ACTIONS.fulfilChoose)).toBe(false);
  });

  it("answers /recordings help, mine and pending privately", async () => {
    await t.command(ben(), COMMANDS.recordings, "help");
    expect(String(t.fake.responsesTo(ben()).at(-1)?.text)).toBe("How to use Callgate");
    await t.command(ben(), COMMANDS.requestRecording, "19/11/2026 14:30 020 7946 0001");
    await t.submit(ben(), { reason: REASON });
    await t.command(ben(), COMMANDS.recordings, "mine");
    const mine = t.fake.responsesTo(ben()).at(-1)!;
    expect(mine.response_type).toBe("ephemeral");
    expect(JSON.stringify(mine.blocks)).toMatch(/CG-\d{6}\* · Safeguarding · asked Fri 20 Nov 2026, 12:00\\nWaiting for authorisation/);
    // Lists can show in a channel (ephemerally): no number or reason in them.
    expect(JSON.stringify(mine)).not.toMatch(/7946|abusive/);
    await t.command(u(P.ceo), COMMANDS.recordings, "pending");
    const pending = t.fake.responsesTo(u(P.ceo)).at(-1)!;
    expect(JSON.stringify(pending.blocks)).toContain("*To authorise* (1)");
    expect(JSON.stringify(pending.blocks)).toContain("from Ben Hughes");
  });

  it("publishes the App Home with the person's requests and what waits for them", async () => {
    await t.command(ben(), COMMANDS.requestRecording, "19/11/2026 14:30 020 7946 0001");
    await t.submit(ben(), { reason: REASON });
    await t.openHome(u(P.ceo));
    const home = JSON.stringify(t.fake.homes.get(u(P.ceo)));
    expect(home).toContain("Hello Farid Khan");
    expect(home).toContain("*To authorise* (1)");
    await t.openHome(OUTSIDER);
    expect(JSON.stringify(t.fake.homes.get(OUTSIDER))).toContain("You are not set up in Callgate yet");
  });
});
