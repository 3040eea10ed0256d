/**
 * The whole flow through Slack, end to end: Bolt's real receiver on the real
 * HTTP server, the core on a fresh database, and the fake Slack Web API.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACTIONS, COMMANDS } from "../../src/adapters/slack/ids.ts";
import { addRecording } from "../support/core.ts";
import { hasAction } from "../support/fake-slack/payloads.ts";
import { slackTestbed, type SlackTestbed } from "../support/fake-slack/testbed.ts";
import { P } from "../support/test-policy.ts";

const CALL_AT = new Date("2026-11-19T14:35:00Z");
const REASON = "Parent reported an abusive call to the office";

describe.each(["pglite", "postgresql"] as const)("Slack request flow on %s", (kind) => {
  let t: SlackTestbed;
  const ben = () => t.user(P.requester);
  const farid = () => t.user(P.ceo);
  const amara = () => t.user(P.northHead);

  beforeEach(async () => {
    t = await slackTestbed(kind);
  });
  afterEach(async () => {
    expect(t.fake.violations).toEqual([]);
    await t.close();
  });

  async function submitSafeguarding(): Promise<string> {
    const opened = await t.command(ben(), COMMANDS.requestRecording, "19/11/2026 14:30 020 7946 0001 inbound");
    expect(opened.status).toBe(200);
    const answer = await t.submit(ben(), { reason: REASON });
    expect(answer.status).toBe(200);
    const body = answer.json() as { response_action: string; view?: { title: { text: string } } };
    expect(body.response_action, answer.text).toBe("update");
    const request = await t.ctx.db.recordingRequest.findFirstOrThrow();
    return request.id;
  }

  it("pre-fills the form from the command and sends a request to the policy's authorisers", async () => {
    await t.command(ben(), COMMANDS.requestRecording, "19/11/2026 14:30 020 7946 0001 inbound");
    const view = t.fake.lastViewFor(ben())!.view as { blocks: Array<{ block_id?: string; element?: Record<string, unknown> }> };
    const element = (id: string) => view.blocks.find((b) => b.block_id === id)?.element;
    expect(element("date")?.initial_date).toBe("2026-11-19");
    expect(element("time")?.initial_time).toBe("14:30");
    expect(element("number")?.initial_value).toBe("020 7946 0001");
    expect((element("direction")?.initial_option as { value: string }).value).toBe("inbound");
    // Ben may ask for safeguarding, disciplinary and training, not for own calls.
    expect((element("purpose")?.options as Array<{ value: string }>).map((o) => o.value)).toEqual(["safeguarding", "disciplinary", "training"]);

    await t.submit(ben(), { reason: REASON });
    const request = await t.ctx.db.recordingRequest.findFirstOrThrow();
    expect(request).toMatchObject({ status: "PENDING_APPROVAL", requesterEmail: P.requester, purposeId: "safeguarding", externalNumber: "+442079460001", direction: "INBOUND", siteId: "north" });

    await t.deliver();
    const confirmation = t.fake.messagesTo(ben());
    expect(confirmation).toHaveLength(1);
    expect(confirmation[0]!.text).toContain(request.reference);
    expect(JSON.stringify(confirmation[0]!.blocks)).toContain("Farid Khan");
    for (const authoriser of [amara(), farid()]) {
      const [prompt] = t.fake.messagesTo(authoriser);
      expect(prompt && hasAction(prompt, ACTIONS.approve) && hasAction(prompt, ACTIONS.deny)).toBe(true);
      expect(JSON.stringify(prompt!.blocks)).toContain("020 7946 0001");
      // Lock screens show the fallback text: no number, no reason.
      expect(prompt!.text).not.toContain("7946");
      expect(prompt!.text).not.toContain("abusive");
    }
    expect(t.fake.messagesTo(t.user(P.southHead))).toHaveLength(0);
  });

  it("approves, sends the playback link to the requester alone, and updates every authoriser's message", async () => {
    await addRecording(t.ctx, { startedAt: CALL_AT });
    await submitSafeguarding();
    await t.deliver();
    const faridsPrompt = t.fake.messagesTo(farid())[0]!;
    await t.click(farid(), faridsPrompt, ACTIONS.approve);
    expect(t.fake.responsesTo(farid()).at(-1)?.text).toMatch(/^You approved CG-\d{6}\. The requester has been told\.$/);

    await t.deliver();
    const request = await t.ctx.db.recordingRequest.findFirstOrThrow();
    expect(request.status).toBe("FULFILLED");
    const bensDms = t.fake.messagesTo(ben());
    const link = bensDms.find((m) => JSON.stringify(m.blocks).includes("https://callgate.test/play/"));
    expect(link, "the requester gets the link").toBeDefined();
    for (const m of t.fake.messages.filter((m) => m.user !== ben())) expect(JSON.stringify(m.blocks)).not.toContain("/play/");
    for (const m of t.fake.responses) expect(JSON.stringify(m.body)).not.toContain("/play/");

    for (const authoriser of [amara(), farid()]) {
      const [prompt] = t.fake.messagesTo(authoriser);
      expect(prompt!.updates).toBeGreaterThan(0);
      expect(hasAction(prompt!, ACTIONS.approve)).toBe(false);
      expect(JSON.stringify(prompt!.blocks)).toContain("Approved by Farid Khan on Fri 20 Nov 2026, 12:00");
    }
    // Nothing in the logs gives the number away.
    expect(t.logLines.join("\n")).not.toMatch(/7946\s?0001|442079460001/);
  });
});
