/**
 * README's Teams trial, walked exactly as it is written, in headless
 * Chromium: `npm start` (the real process, on its embedded defaults), the
 * /trial page, and each person's own Agents Playground web page. The
 * requester asks for a call the page lists, for a purpose that needs two
 * approvals; each authoriser opens their own chat and approves there; the
 * requester opens the link and the audio plays; the DPO runs the audit
 * summary and opens a subject access request through its form. Screenshots
 * of each step go to test-artifacts/teams-trial/.
 *
 * Nothing here reaches into the database: what the test knows, it read on a
 * page. Only the start differs from a reader's: a free port for Callgate and
 * a fresh data directory, so it can run beside anything else.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { freePort } from "../../src/adapters/teams/playground/start-playground.ts";
import { loadPolicyFile } from "../../src/core/policy/load-policy.ts";
import type { Policy } from "../../src/core/policy/schema.ts";
import { artifactPath, launchBrowser } from "../support/browser.ts";

const REPO = new URL("../..", import.meta.url).pathname;
/** How long a card may take to arrive: the outbox runs every 2 s, a Playground starts in a few. */
const ARRIVES = 30_000;

/** What the tests read from the player (the DOM's types are not in this project's lib). */
interface AudioElement {
  readyState: number;
  duration: number;
  currentTime: number;
  muted: boolean;
  error: { code: number } | null;
  play(): Promise<void>;
}

/** `npm start` with nothing configured: the variables that would make it a deployment are removed. */
function trialEnv(port: number, dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), CALLGATE_DATA_DIR: dataDir, LOG_LEVEL: "info" };
  for (const name of Object.keys(env)) {
    if (/^(SLACK_|OIDC_|AZURE_STORAGE_|TEAMS_LOCAL_MODE$|CLIENT_ID$|CLIENT_SECRET$|TENANT_ID$|DATABASE_URL$|HOST$|PUBLIC_URL$|CALLGATE_(POLICY|DEMO|AUDIT_)|npm_config_)/.test(name)) delete env[name];
  }
  return env;
}

describe("the Teams trial, walked from README in Chromium", () => {
  let app: ChildProcess;
  let output = "";
  let dataDir: string;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let policy: Policy;
  let step = 0;
  /** The call the walk asked for, as the /trial page lists it. */
  let call = { date: "", time: "", number: "" };

  const shot = async (page: Page, name: string) => {
    step += 1;
    await page.screenshot({ path: artifactPath("teams-trial", `${String(step).padStart(2, "0")}-${name}.png`) });
  };

  /** Types into a Playground's compose box (a Lexical editor, not an input) and sends. */
  const say = async (page: Page, text: string) => {
    await page.locator('[data-lexical-editor="true"]').first().click();
    await page.keyboard.type(text);
    await page.getByRole("button", { name: "Send Message" }).click();
  };

  /** The newest card in a person's chat with this text. */
  const cardWith = (page: Page, text: string | RegExp): Locator => page.locator(".ac-adaptiveCard").filter({ hasText: text }).last();

  /** Picks an option of an Adaptive Card choice set (a Fluent combobox). */
  const choose = async (page: Page, card: Locator, label: string | RegExp, option: string | RegExp) => {
    await card.getByRole("combobox", { name: label }).click();
    await page.getByRole("option", { name: option }).click();
  };

  /** `request recording` in a person's chat: the form, once it can be sent. */
  const requestForm = async (page: Page): Promise<Locator> => {
    await say(page, "request recording");
    const form = cardWith(page, "Request a call recording");
    await form.getByRole("button", { name: "Send request" }).waitFor({ timeout: ARRIVES });
    return form;
  };

  /** Fills in the call the walk asked for: its date, time and number. */
  const fillCall = async (form: Locator) => {
    await form.getByLabel("Date of the call").fill(call.date);
    await form.getByLabel(/About what time/).fill(call.time);
    await form.getByLabel(/External number/).fill(call.number);
  };

  /** The tab of each person opened so far, by name. */
  const tabs = new Map<string, Page>();
  /** A person's tab: the one open already, or opened from /trial. */
  const tab = async (name: string): Promise<Page> => {
    const open = tabs.get(name);
    if (open && !open.isClosed()) return open;
    const trial = await context.newPage();
    await trial.goto(`${url}/trial`);
    const page = await openAs(trial, name);
    await trial.close();
    return page;
  };

  /** On /trial, chooses a person: their own chat opens in a new tab, as README says. */
  const openAs = async (trial: Page, name: string): Promise<Page> => {
    const [page] = await Promise.all([context.waitForEvent("page"), trial.getByRole("link", { name }).click()]);
    await page.getByText("How to use Callgate").first().waitFor({ timeout: ARRIVES });
    tabs.set(name, page);
    return page;
  };

  beforeAll(async () => {
    policy = await loadPolicyFile(join(REPO, "policies/demo.yml"));
    dataDir = mkdtempSync(join(tmpdir(), "callgate-trial-walk-"));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = spawn("npm", ["start"], { cwd: REPO, env: trialEnv(port, dataDir), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    app.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    app.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 90_000;
    while (!output.includes("Callgate is listening on")) {
      if (app.exitCode !== null) throw new Error(`npm start exited with ${app.exitCode}:\n${output.slice(-3_000)}`);
      if (Date.now() > deadline) throw new Error(`npm start did not come up within 90 s:\n${output.slice(-3_000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await launchBrowser();
    // One browser, as a person trying it would have: a tab per person, and the playback link bound to it.
    context = await browser.newContext({ locale: "en-GB", timezoneId: "Europe/London", viewport: { width: 1280, height: 1500 } });
  }, 150_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    if (app?.pid !== undefined && app.exitCode === null && app.signalCode === null) {
      // Ctrl-C, as at a terminal: Callgate stops its Playgrounds and its embedded services.
      const exited = new Promise<void>((resolve) => app.once("exit", () => resolve()));
      process.kill(-app.pid, "SIGINT");
      const timer = setTimeout(() => process.kill(-app.pid!, "SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
    // What Callgate logged (phone numbers and tokens scrubbed, as always), for whoever reads a failure.
    writeFileSync(artifactPath("teams-trial", "callgate.log"), output);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it("reaches request, both approvals in their own chats, playback, the audit summary and a SAR opened by form", async () => {
    onTestFailed(async () => {
      // Every tab as it was when the walk stopped, for whoever reads the failure.
      for (const [i, page] of context.pages().entries()) await page.screenshot({ path: artifactPath("teams-trial", `failed-tab-${i + 1}.png`) }).catch(() => undefined);
    });
    // A purpose the requester may ask for that needs two people's approval (README: Disciplinary investigation).
    const purpose = policy.purposes.find((p) => p.label === "Disciplinary investigation")!;
    expect(purpose.approvals).toHaveLength(2);
    const authorisers = purpose.approvals.map((step) => policy.people.find((p) => p.roles.some((r) => step.anyOf.includes(r)))!.name);
    expect(authorisers).toEqual(["Farid Khan", "Carys Evans"]);
    const dpo = "Carys Evans";

    // 1. The /trial page: the people, and the calls to ask for.
    const trial = await context.newPage();
    await trial.goto(`${url}/trial`);
    await trial.getByRole("heading", { name: "Calls to ask for" }).waitFor();
    for (const person of policy.people) await trial.getByRole("link", { name: person.name }).waitFor();
    // The newest Northfield inbound call with a number (a withheld one has none to give).
    const rows = await Promise.all((await trial.locator("tbody tr").all()).map((row) => row.locator("td").allInnerTexts()));
    const picked = rows.find(([, , direction, n, , site]) => direction === "Inbound" && /^0\d/.test(n ?? "") && site === "Northfield Primary Academy");
    if (!picked) throw new Error(`the /trial page lists no Northfield inbound call with a number: ${JSON.stringify(rows)}`);
    const [date, time, , number] = picked;
    call = { date: date!, time: time!, number: number! };
    await shot(trial, "trial-page");

    // 2. The requester, Ben Hughes, in his own chat: `request recording`, the form filled in and sent.
    const ben = await openAs(trial, "Ben Hughes");
    const form = await requestForm(ben);
    await choose(ben, form, "Purpose", purpose.label);
    await form.getByLabel("Date of the call").fill(call.date);
    await form.getByLabel(/About what time/).fill(call.time);
    await choose(ben, form, /^Direction/, /^Inbound/);
    await form.getByLabel(/External number/).fill(call.number);
    await choose(ben, form, /^Site/, "Northfield Primary Academy");
    await form.getByLabel(/^Reason/).fill("Disciplinary hearing 12/2026: a complaint that abusive language was used on this call");
    await shot(ben, "request-form");
    await form.getByRole("button", { name: "Send request" }).click();
    const sent = cardWith(ben, /^Request CG-\d{6} sent/);
    await sent.waitFor({ timeout: ARRIVES });
    const reference = /CG-\d{6}/.exec(await sent.innerText())![0];
    await expect.poll(() => sent.innerText()).toContain(`Asked: ${[...authorisers].sort().join(", ")}`);
    await shot(ben, "request-sent");

    // 3 and 4. Each authoriser opens their own chat from /trial: the card that waited for them arrives, and they approve.
    for (const name of authorisers) {
      const page = await openAs(trial, name);
      const card = cardWith(page, `${reference} needs your decision`);
      await card.getByRole("button", { name: "Approve" }).waitFor({ timeout: ARRIVES });
      await shot(page, `${name.split(" ")[0]!.toLowerCase()}-card`);
      await approve(page, card, purpose.approvalNote?.prompt);
      await cardWith(page, reference).getByText(`Approved by ${name}`).waitFor({ timeout: ARRIVES });
      await shot(page, `${name.split(" ")[0]!.toLowerCase()}-approved`);
    }

    // 5. The requester's chat: the link arrives; it opens the player, and the audio plays.
    const ready = cardWith(ben, `${reference}: the recording is ready`);
    const listen = ready.getByRole("button", { name: "Listen to the recording" }).or(ready.getByRole("link", { name: "Listen to the recording" }));
    await listen.first().waitFor({ timeout: ARRIVES });
    await shot(ben, "link");
    const [player] = await Promise.all([context.waitForEvent("page"), listen.first().click()]);
    await player.waitForLoadState();
    await player.getByRole("heading", { name: "Call recording" }).waitFor();
    expect(await player.title()).toContain(`Call recording ${reference}`);
    const audio = player.locator("audio#recording");
    await expect.poll(() => audio.evaluate((a) => (a as unknown as AudioElement).readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    expect(await audio.evaluate((a) => (a as unknown as AudioElement).error?.code ?? null)).toBeNull();
    expect(await audio.evaluate((a) => (a as unknown as AudioElement).duration)).toBeGreaterThan(1);
    await audio.evaluate(async (element) => {
      const a = element as unknown as AudioElement;
      a.muted = true;
      await a.play();
    });
    await expect.poll(() => audio.evaluate((a) => (a as unknown as AudioElement).currentTime), { timeout: 10_000 }).toBeGreaterThan(0);
    await shot(player, "playing");
    await player.close();

    // 6. The DPO, in her chat: the audit summary.
    const carys = tabs.get(dpo)!;
    await say(carys, "audit summary");
    const summary = cardWith(carys, /Audit summary/);
    await summary.waitFor({ timeout: ARRIVES });
    await expect.poll(() => summary.innerText()).toContain(reference);
    await shot(carys, "audit-summary");

    // 7. `dpo sar open`: the form, filled in and submitted; the request is opened.
    await say(carys, "dpo sar open");
    const sar = cardWith(carys, "Open a subject access request");
    await sar.getByRole("button", { name: "Open request" }).waitFor({ timeout: ARRIVES });
    await sar.getByLabel("Data subject's name").fill("Jo Bloggs");
    await sar.getByLabel(/Their phone numbers/).fill(call.number);
    await sar.getByLabel("Date received").fill(call.date);
    await sar.getByLabel("How identity was verified").fill("passport seen in person");
    await shot(carys, "sar-form");
    await sar.getByRole("button", { name: "Open request" }).click();
    const opened = cardWith(carys, /Subject access request SAR-\d{6} opened/);
    await opened.waitFor({ timeout: ARRIVES });
    expect(await opened.innerText()).toContain("Jo Bloggs");
    await shot(carys, "sar-opened");
  }, 240_000);

  it("lets an authoriser deny in their own chat, with a reason the requester is told", async () => {
    const ben = await tab("Ben Hughes");
    const form = await requestForm(ben);
    // Safeguarding, the first purpose: one approval, by the call's principal or the Chief Executive.
    await fillCall(form);
    await choose(ben, form, /^Site/, "Northfield Primary Academy");
    await form.getByLabel(/^Reason/).fill("A parent says the office was threatened on this call");
    await form.getByRole("button", { name: "Send request" }).click();
    const sent = ben.locator(".ac-adaptiveCard").filter({ hasText: /^Request CG-\d{6} sent/ });
    await expect.poll(() => sent.count(), { timeout: ARRIVES }).toBeGreaterThan(1);
    const reference = /CG-\d{6}/.exec(await sent.last().innerText())![0];

    const farid = await tab("Farid Khan");
    const card = cardWith(farid, `${reference} needs your decision`);
    await card.getByRole("button", { name: "Deny" }).click({ timeout: ARRIVES });
    await card.getByLabel("Reason for denying").fill("Not a safeguarding matter: use the complaints procedure");
    await card.getByRole("button", { name: "Deny the request" }).click();
    await cardWith(farid, reference).getByText(`Denied by Farid Khan`).waitFor({ timeout: ARRIVES });
    await shot(farid, "farid-denied");
    await cardWith(ben, `${reference}: Denied`).getByText("Not a safeguarding matter").waitFor({ timeout: ARRIVES });
    await shot(ben, "requester-told-denied");
  }, 120_000);

  it("draws no error from an earlier submission beside a field since corrected, on the request form and the DPO's form", async () => {
    const ben = await tab("Ben Hughes");
    const form = await requestForm(ben);
    await fillCall(form);
    await form.getByLabel(/^Reason/).fill("Too short");
    await form.getByRole("button", { name: "Send request" }).click();
    const tooShort = form.getByText(/needs a reason of at least \d+ characters/);
    await tooShort.waitFor({ timeout: ARRIVES });
    // The reason corrected, the number taken away: only the number's error is drawn now.
    await form.getByLabel(/^Reason/).fill("The parent's account of this call differs from the office's note of it");
    await form.getByLabel(/External number/).fill("");
    await form.getByRole("button", { name: "Send request" }).click();
    await form.getByText("Give the external number or the extension").waitFor({ timeout: ARRIVES });
    await expect.poll(() => tooShort.count()).toBe(0);
    await shot(ben, "request-form-corrected");

    const carys = await tab("Carys Evans");
    await say(carys, "dpo sar open");
    const sar = cardWith(carys, "Open a subject access request");
    await sar.getByRole("button", { name: "Open request" }).waitFor({ timeout: ARRIVES });
    await sar.getByLabel("Data subject's name").fill("Sam Jones");
    await sar.getByLabel(/Their phone numbers/).fill("12");
    await sar.getByLabel("Date received").fill(call.date);
    await sar.getByRole("button", { name: "Open request" }).click();
    const badNumber = sar.getByText(/is not a valid phone number/);
    await badNumber.waitFor({ timeout: ARRIVES });
    // The number corrected, the date moved into the future: only the date's error is drawn now.
    await sar.getByLabel(/Their phone numbers/).fill("020 7946 0001");
    await sar.getByLabel("Date received").fill("Fri 1 Jan 2100");
    await sar.getByRole("button", { name: "Open request" }).click();
    await sar.getByText(/cannot be after today/).waitFor({ timeout: ARRIVES });
    await expect.poll(() => badNumber.count()).toBe(0);
    await shot(carys, "sar-form-corrected");
  }, 120_000);
});

/** Approve, with the note the purpose asks each authoriser for, where it asks for one. */
async function approve(page: Page, card: Locator, notePrompt: string | undefined): Promise<void> {
  if (notePrompt) {
    const note = card.getByLabel(notePrompt, { exact: false });
    if (!(await note.isVisible())) await card.getByRole("button", { name: "Approve" }).first().click();
    await note.fill("The allegation is about what was said on this call, and only the recording shows it.");
    await card.getByRole("button", { name: /^Approve/ }).last().click();
    return;
  }
  await card.getByRole("button", { name: "Approve" }).click();
}
