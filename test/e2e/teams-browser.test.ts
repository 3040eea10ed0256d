/**
 * The happy path in the Agents Playground's own web page, in headless
 * Chromium, as a requester would walk it in Teams: the welcome card on
 * install, `request recording`, the form filled in and sent, and, once an
 * authoriser (another Playground user, driven through its API, since the
 * page speaks only as its current user) has approved, the playback link in
 * the requester's chat. Screenshots go to test-artifacts/teams/.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERBS } from "../../src/adapters/teams/ids.ts";
import { addRecording } from "../support/core.ts";
import { artifactPath, launchBrowser } from "../support/browser.ts";
import { visibleText } from "../support/playground/playground-client.ts";
import { teamsTestbed, type TeamsTestbed } from "../support/playground/testbed.ts";
import { P } from "../support/test-policy.ts";

describe("Teams happy path in the Agents Playground web page", () => {
  let t: TeamsTestbed;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = await teamsTestbed("pglite");
    await t.client.install(t.client.user(P.ceo));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("requests a recording from the page and receives the link once it is approved", async () => {
    await addRecording(t.ctx, { startedAt: new Date("2026-11-19T14:35:00Z") });
    await page.goto(t.playground.url);
    // Opening the page installs the bot for its user: Callgate links them and says hello.
    await page.getByText("How to use Callgate").first().waitFor({ timeout: 15_000 });

    // The compose box is a rich-text editor (Lexical), not an input: click it and type.
    await page.locator('[data-lexical-editor="true"]').first().click();
    await page.keyboard.type("request recording");
    await page.getByRole("button", { name: "Send Message" }).click();
    await page.getByText("Request a call recording").first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: artifactPath("teams", "1-form.png"), fullPage: true });

    await page.getByLabel("Date of the call").fill("2026-11-19");
    await page.getByLabel(/About what time/).fill("14:30");
    await page.getByLabel(/External number/).fill("020 7946 0001");
    await page.getByLabel(/^Reason/).fill("Parent reported an abusive call to the office");
    await page.getByRole("button", { name: "Send request" }).click();
    await page.getByText(/has been sent for authorisation to/).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: artifactPath("teams", "2-sent.png"), fullPage: true });
    const request = await t.ctx.db.recordingRequest.findFirstOrThrow();
    expect(request.requesterEmail).toBe(P.requester);

    await t.deliver();
    const card = await t.client.until(async () => (await t.client.messagesTo(t.client.user(P.ceo))).find((m) => visibleText(m.card).includes(request.reference) && visibleText(m.card).includes("needs your decision")), "Farid's approval card");
    await t.client.click(t.client.user(P.ceo), card, VERBS.approve);
    await t.deliver();

    await page.getByText(`${request.reference}: the recording is ready`).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: artifactPath("teams", "3-link.png"), fullPage: true });
    await page.getByText("Listen to the recording").last().waitFor({ timeout: 5_000 });
  });
});
