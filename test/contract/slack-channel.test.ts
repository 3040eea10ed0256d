/** The ChatChannel contract, run for SlackChannel against the fake Slack Web API. */
import { describe, expect, it } from "vitest";
import { renderContextFor } from "../../src/adapters/slack/render/render-context.ts";
import { SlackChannel } from "../../src/adapters/slack/slack-channel.ts";
import { createWebClient } from "../../src/adapters/slack/web-client.ts";
import { createLogger } from "../../src/infra/logger.ts";
import { FakeSlack, type FakeMessage } from "../support/fake-slack/fake-slack-server.ts";
import { testPolicy } from "../support/test-policy.ts";
import { chatChannelContract, type SeenMessage } from "./chat-channel-contract.ts";
import { built, everyNotice, requestView } from "./notice-fixtures.ts";
import { slackActionsOf } from "./seen-actions.ts";

const USERS = { alice: { id: "UALICE", name: "Alice", email: "alice@trust.example" }, bob: { id: "UBOB", name: "Bob", email: "bob@trust.example" } };

/** Everything a person can read in a message: fallback text and every text object, plus link targets. */
function visibleText(m: FakeMessage): string {
  const parts: string[] = [m.text];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      if (typeof o.text === "string") parts.push(o.text);
      if (typeof o.url === "string") parts.push(o.url);
      Object.values(o).forEach(walk);
    }
  };
  walk(m.blocks);
  return parts.join("\n");
}

function controls(m: FakeMessage): string[] {
  return slackActionsOf(m.blocks);
}

chatChannelContract("slack", async () => {
  const fake = await FakeSlack.start({ token: "xoxb-contract", users: Object.values(USERS) });
  const logger = createLogger({ level: "silent" });
  const policy = testPolicy();
  const client = createWebClient({ token: "xoxb-contract", apiUrl: fake.apiUrl, logger, timeoutMs: 1_000 });
  const channel = new SlackChannel({ client, render: renderContextFor(policy), logger });
  const seen = (person: "alice" | "bob"): SeenMessage[] => fake.messagesTo(USERS[person].id).map((m) => ({ messageId: m.ts, text: visibleText(m), controls: controls(m), actions: controls(m) }));
  return {
    channel,
    addressOf: (person) => ({ platformUserId: USERS[person].id, address: { userId: USERS[person].id }, email: USERS[person].email }),
    seen: async (person) => seen(person),
    conversations: async () => [...new Set(fake.messages.map((m) => m.channel))].map((id) => ({ id, oneToOne: [...fake.dms.values()].includes(id) && id.startsWith("D") })),
    failNextCall: () => fake.fail("chat.postMessage", { status: 500 }),
    violations: () => fake.violations,
    close: () => fake.close(),
  };
});

describe("SlackChannel and whose DM it is", () => {
  it("draws every notice, sent and updated, for the e-mail the core gives it, without asking Slack (no users.info)", async () => {
    const fake = await FakeSlack.start({ token: "xoxb-contract", users: Object.values(USERS) });
    try {
      const logger = createLogger({ level: "silent" });
      const client = createWebClient({ token: "xoxb-contract", apiUrl: fake.apiUrl, logger, timeoutMs: 1_000 });
      const channel = new SlackChannel({ client, render: renderContextFor(testPolicy()), logger });
      const to = { platformUserId: USERS.alice.id, address: { userId: USERS.alice.id }, email: "farid@trust.example" };
      for (const notice of everyNotice()) await channel.send(to, notice);
      // An approval the viewer has given: drawn for them ("You approved this on …") from the e-mail alone.
      const approved = requestView({ purposeId: "disciplinary", decisions: [{ id: "d", requestId: "r", deciderEmail: "farid@trust.example", outcome: "APPROVED", reason: null, note: null, decidedAt: new Date("2026-11-20T12:00:00Z") }] });
      const sent = await channel.send(to, built({ kind: "approval-needed", request: approved }, to.email));
      await channel.update(sent, built({ kind: "approval-needed", request: approved }, to.email), { email: to.email });
      expect(JSON.stringify(fake.messagesTo(USERS.alice.id).at(-1)!.blocks)).toContain("You approved this on Fri 20 Nov 2026, 12:00");
      expect(fake.callsOf("chat.update")).toHaveLength(1);
      expect(fake.callsOf("users.info")).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
