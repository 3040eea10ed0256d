/**
 * The ChatChannel contract, run for TeamsChannel against the real Microsoft
 * 365 Agents Playground: cards go to personal chats through its mock Bot
 * Connector (via a proxy that can fail a call), and what each person sees is
 * read back from the Playground's own log stream.
 */
import { Client } from "@microsoft/teams.api";
import { startAgentsPlayground, TeamsChannel } from "../../src/adapters/teams/index.ts";
import { renderContextFor } from "../../src/adapters/teams/cards/render-context.ts";
import type { TeamsAddress } from "../../src/adapters/teams/address.ts";
import { createLogger } from "../../src/infra/logger.ts";
import { startFailingProxy } from "../support/playground/failing-proxy.ts";
import { controlsOf, PlaygroundClient, visibleText } from "../support/playground/playground-client.ts";
import { testPolicy } from "../support/test-policy.ts";
import { chatChannelContract } from "./chat-channel-contract.ts";
import { teamsActionsOf } from "./seen-actions.ts";

/** Teams refuses messages over about 28 KB; a card should stay well inside it. */
const MAX_CARD_BYTES = 28_000;

const person = (n: number, name: string) => ({ id: `29:contract-${n}`, aadObjectId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`, name, givenName: name, surname: "Test", email: `${name.toLowerCase()}@trust.example`, userPrincipalName: `${name.toLowerCase()}@trust.example` });

chatChannelContract("teams", async () => {
  const logger = createLogger({ level: "silent" });
  const playground = await startAgentsPlayground({ port: 0, botEndpoint: "http://127.0.0.1:9/api/messages", users: [person(1, "Alice"), person(2, "Bob")], logger });
  const proxy = await startFailingProxy(playground.url);
  const client = await PlaygroundClient.connect(playground);
  const users = { alice: playground.users[0]!, bob: playground.users[1]! };
  const conversations = { alice: await client.conversationOf(users.alice), bob: await client.conversationOf(users.bob) };
  const address = (who: "alice" | "bob"): TeamsAddress => ({
    serviceUrl: `${proxy.url}/_connector`,
    channelId: "msteams",
    conversation: { id: conversations[who], conversationType: "personal", tenantId: playground.tenantId },
    bot: { id: playground.botId, name: "Callgate" },
    user: { id: users[who].id, aadObjectId: users[who].aadObjectId, name: users[who].name, email: users[who].email },
  });
  const channel = new TeamsChannel({ connector: (serviceUrl) => new Client(serviceUrl), render: renderContextFor(testPolicy()), logger });
  const violations: unknown[] = [];
  return {
    channel,
    addressOf: (who) => ({ platformUserId: users[who].aadObjectId, address: address(who), email: users[who].email }),
    async seen(who) {
      await new Promise((r) => setTimeout(r, 150));
      const messages = await client.messagesTo(users[who]);
      for (const m of messages) {
        const size = Buffer.byteLength(JSON.stringify(m.card ?? {}));
        if (size > MAX_CARD_BYTES) violations.push({ messageId: m.messageId, problem: `card of ${size} bytes` });
        if (m.card?.version !== "1.5") violations.push({ messageId: m.messageId, problem: "card is not schema 1.5" });
      }
      return messages.map((m) => ({ messageId: m.messageId, text: visibleText(m.card), controls: controlsOf(m.card), actions: teamsActionsOf(m.card) }));
    },
    async conversations() {
      await new Promise((r) => setTimeout(r, 150));
      return Promise.all(
        client.conversationIds().filter((id) => client.log.some((e) => e.conversationId === id && e.from === "User Application" && e.activityName === "message")).map(async (id) => {
          const res = await fetch(`${playground.url}/_connector/v3/conversations/${encodeURIComponent(id)}/members`);
          const members = (await res.json()) as Array<{ id: string }>;
          return { id, oneToOne: members.filter((m) => m.id !== playground.botId).length === 1 };
        }),
      );
    },
    failNextCall: () => proxy.failNext(),
    violations: () => violations,
    async close() {
      await client.close();
      await proxy.close();
      await playground.close();
    },
  };
});
