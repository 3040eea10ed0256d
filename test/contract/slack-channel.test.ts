/** The ChatChannel contract, run for SlackChannel against the fake Slack Web API. */
import { renderContextFor } from "../../src/adapters/slack/render/render-context.ts";
import { SlackChannel } from "../../src/adapters/slack/slack-channel.ts";
import { createWebClient } from "../../src/adapters/slack/web-client.ts";
import { createLogger } from "../../src/infra/logger.ts";
import { FakeSlack, type FakeMessage } from "../support/fake-slack/fake-slack-server.ts";
import { testPolicy } from "../support/test-policy.ts";
import { chatChannelContract, type SeenMessage } from "./chat-channel-contract.ts";

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
  const labels: string[] = [];
  for (const block of m.blocks) {
    for (const el of (block.elements as Array<Record<string, unknown>> | undefined) ?? []) {
      if (el.type === "button") labels.push(String((el.text as { text: string }).text));
      if (el.type === "static_select") labels.push(String((el.placeholder as { text: string } | undefined)?.text ?? "select"));
    }
  }
  return labels;
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
