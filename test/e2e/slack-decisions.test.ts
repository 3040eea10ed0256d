/**
 * Authorising through Slack: deny with a reason, two approvals with
 * progress, and every refusal (requester, second click, not entitled, not
 * set up) answered privately with nothing changed. Also two authorisers
 * clicking at the same moment.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACTIONS, COMMANDS } from "../../src/adapters/slack/ids.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { addRecording } from "../support/core.ts";
import type { FakeMessage } from "../support/fake-slack/fake-slack-server.ts";
import { hasAction } from "../support/fake-slack/payloads.ts";
import { OUTSIDER, slackTestbed, type SlackTestbed } from "../support/fake-slack/testbed.ts";
import { P } from "../support/test-policy.ts";

const CALL_AT = new Date("2026-11-19T14:35:00Z");

describe.each(["pglite", "postgresql"] as const)("Slack decisions on %s", (kind) => {
  let t: SlackTestbed;
  const u = (email: string) => t.user(email);
  const lastReply = (email: string) => String(t.fake.responsesTo(u(email)).at(-1)?.text ?? "");
  const prompt = (email: string): FakeMessage => {
    const m = t.fake.messagesTo(u(email))[0];
    if (!m) throw new Error(`${email} has no DM`);
    return m;
  };

  beforeEach(async () => {
    t = await slackTestbed(kind);
  });
  afterEach(async () => {
    expect(t.fake.violations).toEqual([]);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    await t.close();
  });

  async function request(purpose = "safeguarding", reason = "Parent reported an abusive call to the office"): Promise<string> {
    await t.command(u(P.requester), COMMANDS.requestRecording, "19/11/2026 14:30 020 7946 0001 inbound");
    if (purpose !== "safeguarding") await t.chooseInModal(u(P.requester), "purpose", purpose);
    const answer = await t.submit(u(P.requester), { reason });
    expect((answer.json() as { response_action: string }).response_action, answer.text).toBe("update");
    await t.deliver();
    return (await t.ctx.db.recordingRequest.findFirstOrThrow()).id;
  }

  it("denies with a reason from the Deny form, tells the requester and removes every button", async () => {
    const id = await request();
    await t.click(u(P.northHead), prompt(P.northHead), ACTIONS.deny);
    expect(t.fake.lastViewFor(u(P.northHead))?.view.callback_id).toBe("deny-reason-form");

    const tooShort = await t.submit(u(P.northHead), { reason: "no" });
    expect(tooShort.json()).toEqual({ response_action: "errors", errors: { reason: expect.stringContaining("Please give a reason") } });
    expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id } })).status).toBe("PENDING_APPROVAL");

    const done = await t.submit(u(P.northHead), { reason: "Not a safeguarding matter; use the complaints procedure" });
    expect(done.status).toBe(200);
    expect(done.text).toBe("");
    expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id } })).status).toBe("DENIED");

    await t.deliver();
    const outcome = t.fake.messagesTo(u(P.requester)).at(-1)!;
    expect(outcome.text).toMatch(/Denied/);
    expect(JSON.stringify(outcome.blocks)).toContain("Denied by Amara Okafor on Fri 20 Nov 2026, 12:00: “Not a safeguarding matter; use the complaints procedure”");
    for (const who of [P.northHead, P.ceo]) {
      expect(hasAction(prompt(who), ACTIONS.approve)).toBe(false);
      expect(JSON.stringify(prompt(who).blocks)).toContain("Denied by Amara Okafor");
    }
  });

  it("collects two approvals in order, showing 1 of 2 and keeping the other authoriser's buttons", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    const id = await request("disciplinary", "Disciplinary hearing 12/2026: allegation of abusive language on this call to a parent");
    expect(t.fake.messagesTo(u(P.northHead))).toHaveLength(0);

    await t.click(u(P.ceo), prompt(P.ceo), ACTIONS.approve);
    expect(lastReply(P.ceo)).toContain("That is 1 of 2 approvals");
    // Each DM is redrawn for its owner from the e-mail the core passes: delivery never asks Slack who they are.
    const lookups = t.fake.callsOf("users.info").length;
    await t.deliver();
    expect(t.fake.callsOf("users.info")).toHaveLength(lookups);
    expect(hasAction(prompt(P.ceo), ACTIONS.approve)).toBe(false);
    expect(JSON.stringify(prompt(P.ceo).blocks)).toContain("You approved this on Fri 20 Nov 2026, 12:00");
    expect(hasAction(prompt(P.dpo), ACTIONS.approve)).toBe(true);
    expect(JSON.stringify(prompt(P.dpo).blocks)).toContain("Approvals: 1 of 2.* Still needed: Data Protection Officer.");

    await t.click(u(P.dpo), prompt(P.dpo), ACTIONS.approve);
    await t.deliver();
    expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id } })).status).toBe("FULFILLED");
    for (const who of [P.ceo, P.dpo]) expect(hasAction(prompt(who), ACTIONS.approve)).toBe(false);
    expect(t.fake.messagesTo(u(P.requester)).some((m) => JSON.stringify(m.blocks).includes("/play/"))).toBe(true);
  });

  it("refuses the requester, a second click, someone not entitled and someone not set up, changing nothing", async () => {
    const id = await request();
    const stale = prompt(P.ceo).blocks;
    // The requester replays an authoriser's button.
    await t.click(u(P.requester), prompt(P.ceo), ACTIONS.approve);
    expect(lastReply(P.requester)).toBe("Nothing was changed. You cannot authorise your own request. Another authoriser has been asked.");
    // The other site's principal is not an authoriser for this site.
    await t.click(u(P.southHead), prompt(P.ceo), ACTIONS.approve);
    expect(lastReply(P.southHead)).toMatch(/^Nothing was changed\. You are not an authoriser for "Safeguarding" requests at this site\./);
    // Someone in Slack but not in the policy.
    await t.click(OUTSIDER, prompt(P.ceo), ACTIONS.approve);
    expect(String(t.fake.responsesTo(OUTSIDER).at(-1)?.text)).toMatch(/^Sorry: You are not set up in Callgate yet\. Ask your Data Protection Officer \(Carys Evans\)/);
    expect(await t.ctx.db.decision.count()).toBe(0);

    await t.click(u(P.ceo), prompt(P.ceo), ACTIONS.approve);
    await t.deliver();
    // A second click on the message as it looked before the update.
    await t.click(u(P.ceo), prompt(P.ceo), ACTIONS.approve, { staleBlocks: stale });
    expect(lastReply(P.ceo)).toMatch(/^Nothing was changed\. Request CG-\d{6} has already been decided by Farid Khan on Fri 20 Nov 2026, 12:00/);
    await t.click(u(P.northHead), prompt(P.northHead), ACTIONS.approve, { staleBlocks: stale });
    expect(lastReply(P.northHead)).toMatch(/^Nothing was changed\. Request CG-\d{6} has already been decided/);
    expect(await t.ctx.db.decision.count()).toBe(1);
    expect((await t.ctx.db.recordingRequest.findUniqueOrThrow({ where: { id } })).status).not.toBe("PENDING_APPROVAL");
  });

  it("refuses a denial by the requester inside the Deny form", async () => {
    await request();
    await t.click(u(P.requester), prompt(P.ceo), ACTIONS.deny);
    const answer = await t.submit(u(P.requester), { reason: "I changed my mind about it" });
    const body = answer.json() as { response_action: string; view: { blocks: Array<{ text?: { text: string } }> } };
    expect(body.response_action).toBe("update");
    expect(body.view.blocks[0]?.text?.text).toContain("You cannot authorise your own request");
    expect(await t.ctx.db.decision.count()).toBe(0);
  });

  it("lets exactly one of two authorisers clicking at the same moment decide", async () => {
    const id = await request();
    const [a, b] = [prompt(P.northHead), prompt(P.ceo)];
    await Promise.all([t.click(u(P.northHead), a, ACTIONS.approve), t.click(u(P.ceo), b, ACTIONS.approve)]);
    expect(await t.ctx.db.decision.count({ where: { requestId: id } })).toBe(1);
    const replies = [lastReply(P.northHead), lastReply(P.ceo)];
    expect(replies.filter((r) => r.startsWith("You approved"))).toHaveLength(1);
    expect(replies.filter((r) => r.startsWith("Nothing was changed."))).toHaveLength(1);
    const transitions = await t.ctx.db.auditEntry.count({ where: { requestId: id, action: "request.authorised" } });
    expect(transitions).toBe(1);
  });
});
