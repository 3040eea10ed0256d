/**
 * After the link: asking for more time when access has expired, the
 * authorisers' decision on it, and revoking access from chat (the Revoke
 * button on an authoriser's message, and the DPO's `/recordings revoke`).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACTIONS, COMMANDS, VIEWS } from "../../src/adapters/slack/ids.ts";
import { renderNotice } from "../../src/adapters/slack/render/notice.ts";
import { renderContextFor } from "../../src/adapters/slack/render/render-context.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { expireGrants } from "../../src/core/jobs/expire-grants.ts";
import type { ExtensionView } from "../../src/core/notify/notices.ts";
import { built, requestView } from "../contract/notice-fixtures.ts";
import { addRecording } from "../support/core.ts";
import { messageProblems } from "../support/fake-slack/block-kit-rules.ts";
import type { FakeMessage } from "../support/fake-slack/fake-slack-server.ts";
import { hasAction } from "../support/fake-slack/payloads.ts";
import { slackTestbed, type SlackTestbed } from "../support/fake-slack/testbed.ts";
import { P, testPolicy } from "../support/test-policy.ts";

const CALL_AT = new Date("2026-11-19T14:35:00Z");
const DAY = 24 * 3600_000;

type ModalAnswer = { response_action?: string; errors?: Record<string, string>; view?: { title: { text: string }; blocks: Array<{ text?: { text: string } }> } };

describe("Slack: more time and revocation on pglite", () => {
  let t: SlackTestbed;
  const u = (email: string) => t.user(email);
  const lastReply = (email: string) => String(t.fake.responsesTo(u(email)).at(-1)?.text ?? "");
  const lastDm = (email: string): FakeMessage => {
    const m = t.fake.messagesTo(u(email)).at(-1);
    if (!m) throw new Error(`${email} has no DM`);
    return m;
  };
  const shows = (m: FakeMessage) => JSON.stringify(m.blocks);
  const linkIn = (m: FakeMessage | undefined) => (m ? /https:\/\/callgate\.test\/play\/[\w-]+/.exec(shows(m))?.[0] : undefined);
  const links = (email: string) => t.fake.messagesTo(u(email)).map(linkIn).filter(Boolean);

  beforeEach(async () => {
    t = await slackTestbed("pglite");
  });
  afterEach(async () => {
    expect(t.fake.violations).toEqual([]);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    await t.close();
  });

  /** A safeguarding request approved by Farid, matched automatically, its link in Ben's DMs. */
  async function deliveredRecording(): Promise<{ id: string; reference: string }> {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    await t.command(u(P.requester), COMMANDS.requestRecording, "19/11/2026 14:30 020 7946 0001 inbound");
    await t.submit(u(P.requester), { reason: "Parent reported an abusive call to the office" });
    await t.deliver();
    expect(hasAction(lastDm(P.ceo), ACTIONS.revokeAccess), "no Revoke before anything is delivered").toBe(false);
    await t.click(u(P.ceo), lastDm(P.ceo), ACTIONS.approve);
    await t.deliver();
    const request = await t.ctx.db.recordingRequest.findFirstOrThrow();
    expect(request.status).toBe("FULFILLED");
    expect(links(P.requester)).toHaveLength(1);
    return { id: request.id, reference: request.reference };
  }

  /** The link's time runs out and the job tells Ben. */
  async function expire(): Promise<FakeMessage> {
    t.clock.advance(8 * DAY);
    expect(await expireGrants(t.ctx)).toBe(1);
    await t.deliver();
    const ended = lastDm(P.requester);
    expect(ended.text).toMatch(/has expired/);
    return ended;
  }

  async function askForMoreTime(ended: FakeMessage, reason: string): Promise<ModalAnswer> {
    await t.click(u(P.requester), ended, ACTIONS.askMoreTime);
    expect(t.fake.lastViewFor(u(P.requester))?.view.callback_id).toBe(VIEWS.moreTimeReason);
    return (await t.submit(u(P.requester), { reason })).json() as ModalAnswer;
  }

  it("sends the requester's ask for more time to the authorisers, and an approval brings a new link", async () => {
    const { reference } = await deliveredRecording();
    const ended = await expire();

    await t.click(u(P.requester), ended, ACTIONS.askMoreTime);
    const tooShort = (await t.submit(u(P.requester), { reason: "please" })).json() as ModalAnswer;
    expect(tooShort).toEqual({ response_action: "errors", errors: { reason: expect.stringContaining("Please say why you need more time") } });
    const sent = (await t.submit(u(P.requester), { reason: "The investigation meeting moved to next week" })).json() as ModalAnswer;
    expect(sent.response_action).toBe("update");
    expect(sent.view?.title.text).toBe("Asked for more time");

    await t.deliver();
    const prompts = [P.northHead, P.ceo].map((who) => lastDm(who));
    for (const prompt of prompts) {
      expect(hasAction(prompt, ACTIONS.approveExtension) && hasAction(prompt, ACTIONS.refuseExtension)).toBe(true);
      expect(shows(prompt)).toContain("Ben Hughes* asked for more time with the recording on Sat 28 Nov 2026, 12:00");
      expect(shows(prompt)).toContain("The investigation meeting moved to next week");
      expect(shows(prompt)).toContain("020 7946 0001");
      // Lock screens show the fallback text: no reason, no number.
      expect(prompt.text).toBe(`Ben Hughes asks for more time with a call recording (${reference}). Please approve or refuse.`);
    }
    expect(t.fake.messagesTo(u(P.requester)).some((m) => hasAction(m, ACTIONS.approveExtension))).toBe(false);

    // Ben replays an authoriser's button: he cannot decide his own extension.
    await t.click(u(P.requester), prompts[1]!, ACTIONS.approveExtension);
    expect(lastReply(P.requester)).toBe("Nothing was changed. You cannot decide your own request for more time.");

    const stale = prompts[0]!.blocks;
    await t.click(u(P.ceo), prompts[1]!, ACTIONS.approveExtension);
    expect(lastReply(P.ceo)).toBe("You gave more time. The requester gets a new link by direct message, and the other authorisers have been told.");
    await t.deliver();

    const bens = t.fake.messagesTo(u(P.requester));
    const outcome = bens.find((m) => m.text.includes("given more time"));
    expect(outcome && shows(outcome)).toContain("Farid Khan gave you more time with the recording on Sat 28 Nov 2026, 12:00. A new link follows in a separate message.");
    const [first, second] = links(P.requester);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(await t.ctx.db.playbackGrant.count()).toBe(2);

    for (const prompt of prompts) {
      expect(prompt.updates).toBeGreaterThan(0);
      expect(hasAction(prompt, ACTIONS.approveExtension) || hasAction(prompt, ACTIONS.refuseExtension)).toBe(false);
      expect(shows(prompt)).toContain("Approved by Farid Khan on Sat 28 Nov 2026, 12:00");
    }
    // A click on Amara's message as it looked before the update.
    await t.click(u(P.northHead), prompts[0]!, ACTIONS.approveExtension, { staleBlocks: stale });
    expect(lastReply(P.northHead)).toBe("Nothing was changed. This request for more time was already approved by Farid Khan on Sat 28 Nov 2026, 12:00.");
    expect(await t.ctx.db.playbackGrant.count()).toBe(2);
  });

  it("refuses a second ask while one waits, and tells the requester why more time was refused", async () => {
    await deliveredRecording();
    const ended = await expire();
    expect((await askForMoreTime(ended, "Need to listen again for the report")).response_action).toBe("update");

    const again = await askForMoreTime(ended, "Asking again, just in case");
    expect(again.response_action).toBe("update");
    expect(again.view?.title.text).toBe("Not sent");
    expect(again.view?.blocks[0]?.text?.text).toMatch(/^Nothing was changed\. You have already asked for more time with CG-\d{6}/);
    expect(await t.ctx.db.accessExtension.count()).toBe(1);

    await t.deliver();
    const prompt = lastDm(P.northHead);
    await t.click(u(P.northHead), prompt, ACTIONS.refuseExtension);
    expect(t.fake.lastViewFor(u(P.northHead))?.view.callback_id).toBe(VIEWS.refuseExtensionReason);
    const bare = (await t.submit(u(P.northHead), { reason: "no" })).json() as ModalAnswer;
    expect(bare).toEqual({ response_action: "errors", errors: { reason: expect.stringContaining("Please give a reason for refusing more time") } });
    const done = await t.submit(u(P.northHead), { reason: "The report was already filed" });
    expect(done.status).toBe(200);
    expect(done.text).toBe("");

    await t.deliver();
    const outcome = lastDm(P.requester);
    expect(outcome.text).toMatch(/your request for more time was refused/);
    expect(shows(outcome)).toContain("Amara Okafor refused your request for more time with the recording on Sat 28 Nov 2026, 12:00.");
    expect(shows(outcome)).toContain("The report was already filed");
    for (const who of [P.northHead, P.ceo]) {
      expect(hasAction(lastDm(who), ACTIONS.approveExtension)).toBe(false);
      expect(shows(lastDm(who))).toContain(":x: Refused by Amara Okafor on Sat 28 Nov 2026, 12:00: “The report was already filed”");
    }
    expect(await t.ctx.db.playbackGrant.count()).toBe(1);
  });

  it("lets an authoriser revoke access from their message, and tells the requester", async () => {
    await deliveredRecording();
    const prompt = t.fake.messagesTo(u(P.northHead))[0]!;
    const button = (prompt.blocks.flatMap((b) => (b.elements as Array<Record<string, unknown>> | undefined) ?? [])).find((e) => e.action_id === ACTIONS.revokeAccess);
    expect(button).toMatchObject({ style: "danger", confirm: { title: { text: "Revoke access?" }, style: "danger" } });

    await t.click(u(P.northHead), prompt, ACTIONS.revokeAccess);
    expect(t.fake.lastViewFor(u(P.northHead))?.view.callback_id).toBe(VIEWS.revokeReason);
    const answer = (await t.submit(u(P.northHead), { reason: "The link was forwarded to a parent" })).json() as ModalAnswer;
    expect(answer.response_action).toBe("update");
    expect(answer.view?.title.text).toBe("Access revoked");
    expect(await t.ctx.db.playbackGrant.findFirstOrThrow()).toMatchObject({ revokedBy: P.northHead, revokedAt: expect.any(Date) });

    await t.deliver();
    const ended = lastDm(P.requester);
    expect(ended.text).toMatch(/has been withdrawn/);
    expect(hasAction(ended, ACTIONS.askMoreTime)).toBe(false);

    // Nothing live is left to revoke: the form says so and changes nothing.
    await t.click(u(P.ceo), t.fake.messagesTo(u(P.ceo))[0]!, ACTIONS.revokeAccess);
    const again = (await t.submit(u(P.ceo), { reason: "Making sure it is gone" })).json() as ModalAnswer;
    expect(again.view?.title.text).toBe("Not revoked");
    expect(again.view?.blocks[0]?.text?.text).toMatch(/^There is no live playback access/);
  });

  it("revokes access with /recordings revoke for the DPO, and refuses the requester", async () => {
    const { reference } = await deliveredRecording();

    await t.command(u(P.requester), COMMANDS.recordings, `revoke ${reference} I no longer need it`);
    expect(lastReply(P.requester)).toBe("Nothing was changed. Only the Data Protection Officer or the request's authorisers can revoke access.");
    expect((await t.ctx.db.playbackGrant.findFirstOrThrow()).revokedAt).toBeNull();

    await t.command(u(P.dpo), COMMANDS.recordings, "revoke");
    expect(JSON.stringify(t.fake.responsesTo(u(P.dpo)).at(-1))).toContain("revoke CG-000123 The link was forwarded");
    await t.command(u(P.dpo), COMMANDS.recordings, `revoke ${reference}`);
    expect(lastReply(P.dpo)).toBe("Please give a reason for revoking access.");

    await t.command(u(P.dpo), COMMANDS.recordings, `revoke ${reference} Forwarded outside the trust`);
    expect(lastReply(P.dpo)).toBe(`Access to ${reference} is revoked. The link no longer works, and the requester has been told their access has ended.`);
    expect(await t.ctx.db.playbackGrant.findFirstOrThrow()).toMatchObject({ revokedBy: P.dpo });
    await t.deliver();
    expect(lastDm(P.requester).text).toMatch(/has been withdrawn/);

    await t.command(u(P.requester), COMMANDS.recordings, "help");
    expect(JSON.stringify(t.fake.responsesTo(u(P.requester)).at(-1))).toContain("/recordings revoke CG-000123");
  });
});

describe("Slack rendering of requests for more time", () => {
  const rc = renderContextFor(testPolicy());
  const hostile = `<!channel> <https://evil.example|click here> & ${"x".repeat(1900)}`;
  const extension = (over: Partial<ExtensionView> = {}): ExtensionView => ({
    id: "20000000-0000-4000-8000-000000000001",
    status: "PENDING",
    reason: hostile,
    requesterName: "Ben Hughes",
    askedAtText: "Sat 28 Nov 2026, 12:00",
    decidedByName: null,
    decidedAtText: null,
    decisionReason: null,
    ...over,
  });
  const refused = extension({ status: "DENIED", decidedByName: "Farid Khan", decidedAtText: "Sat 28 Nov 2026, 13:00", decisionReason: hostile });

  it("stays within Slack's limits and escapes what people typed", () => {
    const request = requestView({ status: "FULFILLED", reason: hostile });
    for (const ext of [extension(), refused, extension({ status: "APPROVED", decidedByName: "Farid Khan", decidedAtText: "Sat 28 Nov 2026, 13:00" })]) {
      for (const kind of ["extension-needed", "extension-outcome"] as const) {
        const rendered = renderNotice(built({ kind, request, extension: ext }), rc);
        expect(messageProblems(rendered), `${kind} ${ext.status}`).toEqual([]);
        expect(JSON.stringify(rendered)).not.toContain("<!channel>");
        expect(rendered.text).not.toContain("evil.example");
      }
    }
  });
});
