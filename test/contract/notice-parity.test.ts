/**
 * One notice, one set of actions: the core builds every notice for a named
 * viewer with the actions that person may take (build-notice.ts,
 * notice-actions.ts), and each platform draws exactly those. Here the same
 * notice for the same viewer is rendered by Slack and by Teams and must offer
 * the same actions, for every kind of notice and every person in the policy;
 * and a Teams card refreshed (Universal Actions, in the real Agents
 * Playground) for someone who may no longer act has no buttons.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderNotice as slackNotice } from "../../src/adapters/slack/render/notice.ts";
import { renderContextFor as slackContext } from "../../src/adapters/slack/render/render-context.ts";
import { renderNotice as teamsNotice } from "../../src/adapters/teams/cards/notice.ts";
import { renderContextFor as teamsContext } from "../../src/adapters/teams/cards/render-context.ts";
import { VERBS } from "../../src/adapters/teams/ids.ts";
import type { Notice } from "../../src/core/notify/notices.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { authorisationShapesPolicy } from "../support/authorisation-shapes-policy.ts";
import { safeguardingRequest } from "../support/inputs.ts";
import { controlsOf, visibleText, type BotMessage } from "../support/playground/playground-client.ts";
import { teamsTestbed, type TeamsTestbed } from "../support/playground/testbed.ts";
import { P } from "../support/test-policy.ts";
import { built, everyNoticeWithActions } from "./notice-fixtures.ts";
import { ACTION_WORDS, slackActionsOf, teamsActionsOf } from "./seen-actions.ts";

const policy = authorisationShapesPolicy();
const slackRc = slackContext(policy);
const teamsRc = teamsContext(policy);

/** The actions each platform draws for this notice, shown to `viewer`. */
function drawn(notice: Notice, viewer: string): { slack: string[]; teams: string[] } {
  const slack = slackActionsOf(slackNotice(notice, slackRc, viewer).blocks as unknown as Array<Record<string, unknown>>);
  const teams = teamsActionsOf(teamsNotice(notice, teamsRc, { email: viewer, userId: "29:viewer" }) as unknown as Record<string, unknown>);
  return { slack, teams };
}

describe("one notice, one set of actions, on every platform", () => {
  it("offers the person a notice is for the same actions on Slack and Teams, for every kind of notice", () => {
    const table = everyNoticeWithActions();
    for (const [i, { notice, viewer, actions }] of table.entries()) {
      const label = `${notice.kind} #${i} for ${viewer}`;
      expect(notice.actions.map((a) => ACTION_WORDS[a]), label).toEqual(actions);
      const { slack, teams } = drawn(notice, viewer);
      expect(slack, `Slack: ${label}`).toEqual(actions);
      expect(teams, `Teams: ${label}`).toEqual(actions);
    }
    // Every kind is in the table, so a new kind cannot skip parity.
    const kinds: Record<Notice["kind"], true> = {
      "request-submitted": true, "approval-needed": true, "approval-reminder": true, "request-outcome": true, "consent-needed": true, "fulfilment-needed": true, "access-granted": true,
      "call-log-ready": true, "playback-browser-pending": true, "access-ended": true, "extension-needed": true, "extension-outcome": true, "delivery-failed": true, "compliance-notice": true, "file-ready": true,
    };
    expect(new Set(table.map((t) => t.notice.kind))).toEqual(new Set(Object.keys(kinds)));
  });

  it("draws for anyone else exactly the actions the core allows them, the same on both platforms", () => {
    const viewers = [...policy.people.map((p) => p.email), P.outsider];
    let offeredToSomeoneElse = 0;
    for (const { notice, viewer: intended } of everyNoticeWithActions()) {
      for (const viewer of viewers) {
        const forThem = built(notice, viewer);
        const { slack, teams } = drawn(forThem, viewer);
        const label = `${notice.kind} (${notice.actions.join(", ")}) for ${viewer}`;
        expect(slack, label).toEqual(forThem.actions.map((a) => ACTION_WORDS[a]));
        expect(teams, label).toEqual(slack);
        if (viewer !== intended && forThem.actions.length > 0) offeredToSomeoneElse++;
      }
    }
    // Someone the policy does not know may never act; the requester never decides their own request.
    for (const { notice } of everyNoticeWithActions()) {
      expect(built(notice, P.outsider).actions, notice.kind).toEqual([]);
      if (notice.kind === "approval-needed" || notice.kind === "approval-reminder" || notice.kind === "extension-needed") expect(built(notice, notice.request.requester.email).actions, notice.kind).toEqual([]);
    }
    // Not vacuous: another authoriser of the same request is offered the same buttons.
    expect(offeredToSomeoneElse).toBeGreaterThan(0);
  });
});

describe("a refreshed Teams card, in the Agents Playground", () => {
  let t: TeamsTestbed;
  const u = (email: string) => t.client.user(email);
  const cardAbout = (email: string, reference: string) => t.client.cardAbout(email, reference);

  beforeAll(async () => {
    t = await teamsTestbed("pglite");
    for (const email of [P.requester, P.ceo, P.dpo]) await t.client.install(u(email));
    await t.client.until(async () => (await t.ctx.db.chatIdentity.count()) >= 3, "installs");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("has no buttons for someone who may not decide, an authoriser who has decided, nor anyone once the request is decided", async () => {
    // Disciplinary needs the CEO and the DPO.
    const request = await submitRequest(t.ctx, safeguardingRequest({ purposeId: "disciplinary", reason: "Disciplinary hearing 12/2026: allegation of abusive language on this call to a parent" }));
    await t.deliver();
    const data = { requestId: request.id, notice: "approval-needed" };
    const ceoCard = await cardAbout(P.ceo, request.reference);
    const dpoCard = await cardAbout(P.dpo, request.reference);
    const refreshed = (email: string, card: BotMessage) => t.client.invoke(u(email), card, VERBS.refresh, data);
    expect(teamsActionsOf(await refreshed(P.ceo, ceoCard))).toEqual(["Approve", "Deny"]);
    // The requester, refreshing the approval card's data from their own chat (a tampering client), is offered nothing.
    const own = (await t.client.messagesTo(u(P.requester))).find((m) => visibleText(m.card).includes(request.reference))!;
    const forRequester = await refreshed(P.requester, own);
    expect(visibleText(forRequester)).toContain(request.reference);
    expect(controlsOf(forRequester)).toEqual([]);

    await t.client.click(u(P.ceo), ceoCard, VERBS.approve);
    const ceoAfter = await refreshed(P.ceo, ceoCard);
    expect(teamsActionsOf(ceoAfter)).toEqual([]);
    expect(controlsOf(ceoAfter)).toEqual([]);
    expect(visibleText(ceoAfter)).toContain("You approved this on");
    // The DPO's approval is still needed, so their card keeps its buttons.
    expect(teamsActionsOf(await refreshed(P.dpo, dpoCard))).toEqual(["Approve", "Deny"]);

    await t.client.click(u(P.dpo), dpoCard, VERBS.deny, { reason: "Not needed: the hearing has the written statement" });
    for (const [email, card] of [[P.ceo, ceoCard], [P.dpo, dpoCard]] as const) {
      const now = await refreshed(email, card);
      expect(controlsOf(now), email).toEqual([]);
      expect(visibleText(now)).toContain("Denied");
    }
  });
});
