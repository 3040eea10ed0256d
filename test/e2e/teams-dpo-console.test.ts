/**
 * The DPO console through the real Teams adapter and the Microsoft 365
 * Agents Playground: `audit` gives the Data Protection Officer the summary
 * with real figures and the chart, and anyone else a polite refusal that is
 * on the audit log; `dpo help` lists the console's commands; a console
 * button runs its command as whoever clicks it (the export's link arrives
 * by direct message); a command typed in a group chat is answered only in
 * the personal chat; typed text keeps its case and is never logged.
 */
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSOLE_MODULES } from "../../src/commands/index.ts";
import type { ConsoleSession } from "../../src/commands/run-console.ts";
import { pngSize } from "../../src/adapters/teams/cards/chart-image.ts";
import { CARD_BUDGET, IMAGE_BUDGET, sizeOf } from "../../src/adapters/teams/cards/console-reply.ts";
import { VERBS } from "../../src/adapters/teams/ids.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { controlsOf, GROUP_CHAT_ID, visibleText, type BotMessage } from "../support/playground/playground-client.ts";
import { teamsTestbed, type TeamsTestbed } from "../support/playground/testbed.ts";
import { addRecording } from "../support/core.ts";
import { startTestStorage, type TestStorage } from "../support/storage.ts";
import { P } from "../support/test-policy.ts";

type Json = Record<string, any>;

const REQUEST = { requesterEmail: P.requester, purposeId: "safeguarding", siteId: "north", date: "2026-11-19", time: "14:30", number: "020 7946 0001", reason: "Parent reported an abusive call to the office" };

/** Every element of a card, ShowCard panels included. */
function elements(node: unknown, into: Json[] = []): Json[] {
  if (Array.isArray(node)) node.forEach((n) => elements(n, into));
  else if (node && typeof node === "object") {
    const o = node as Json;
    if (typeof o.type === "string") into.push(o);
    Object.values(o).forEach((v) => elements(v, into));
  }
  return into;
}

const factOf = (card: unknown, title: string): string | undefined =>
  elements(card)
    .filter((e) => e.type === "FactSet")
    .flatMap((e) => e.facts as Array<{ title: string; value: string }>)
    .find((f) => f.title === title)?.value;

describe("the DPO console in Teams", () => {
  let t: TeamsTestbed;
  let storage: TestStorage;
  const u = (email: string) => t.client.user(email);

  /** Types `text` as `email` and waits for the bot's first new message in their personal chat. */
  async function ask(email: string, text: string, what = "a reply"): Promise<BotMessage> {
    const before = (await t.client.messagesTo(u(email))).length;
    await t.client.say(u(email), text);
    return t.client.until(async () => (await t.client.messagesTo(u(email)))[before], `${what} to "${text}"`, 15_000);
  }

  beforeAll(async () => {
    storage = await startTestStorage();
    t = await teamsTestbed("pglite");
    storage.attach(t.ctx);
    for (const email of [P.requester, P.ceo, P.dpo, P.it]) {
      await t.client.install(u(email));
      // The welcome card, so later replies are counted from after it.
      await t.client.until(async () => (await t.client.messagesTo(u(email))).length >= 1, `${email}'s welcome`);
    }
    const approved = await submitRequest(t.ctx, REQUEST);
    await recordDecision(t.ctx, { requestId: approved.id, deciderEmail: P.ceo, outcome: "approve" });
    const denied = await submitRequest(t.ctx, { ...REQUEST, time: "15:30" });
    await recordDecision(t.ctx, { requestId: denied.id, deciderEmail: P.ceo, outcome: "deny", reason: "Not a safeguarding matter; use the complaints procedure" });
    await submitRequest(t.ctx, { ...REQUEST, time: "16:30" });
    await t.deliver();
  });
  afterAll(async () => {
    if (t) expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    await t?.close();
    await storage?.stop();
  });

  it("gives the DPO the audit summary with the period's figures, the chart and the export buttons", async () => {
    const reply = await ask(P.dpo, "audit", "the summary");
    const card = reply.card!;
    expect(visibleText(card)).toContain("Audit summary: last 30 days");
    expect(factOf(card, "Requests made")).toBe("3");
    expect(visibleText(card)).toContain("Denied: 1");
    expect(visibleText(card)).toContain("Not a safeguarding matter; use the complaints procedure");
    const image = elements(card).find((e) => e.type === "Image");
    expect(image?.altText).toContain("Requests per week by outcome");
    const png = Buffer.from(String(image?.url).replace(/^data:image\/png;base64,/, ""), "base64");
    expect(pngSize(png)?.width).toBeGreaterThan(300);
    expect(String(image?.url).length).toBeLessThanOrEqual(IMAGE_BUDGET + 30);
    expect(sizeOf(card as never)).toBeLessThanOrEqual(CARD_BUDGET);
    expect(controlsOf(card)).toEqual(["Export CSV", "PDF report"]);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "audit.summary.viewed", actor: P.dpo } })).toBe(1);
  });

  it("refuses someone who is not the DPO politely, shows them no figures and records the refusal", async () => {
    const reply = await ask(P.it, "audit this month", "the refusal");
    const shown = visibleText(reply.card);
    expect(shown).toContain("Sorry, audit summaries are only for the Data Protection Officer (Carys Evans)");
    expect(shown).not.toContain("Requests made");
    expect(elements(reply.card).some((e) => e.type === "Image")).toBe(false);
    const refusals = await t.ctx.db.auditEntry.findMany({ where: { action: "audit.access.refused", actor: P.it } });
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.details).toMatchObject({ attempted: "summary", why: "not a Data Protection Officer" });
  });

  it("lists every console command for `dpo help`", async () => {
    const program = new Command("dpo");
    const session = { ctx: t.ctx, actorEmail: P.dpo, publicUrl: "https://callgate.test" } satisfies ConsoleSession;
    for (const module of CONSOLE_MODULES) module.register(program, session, () => {});
    const names = program.commands.map((c) => c.name());
    expect(names).toContain("audit");
    const reply = await ask(P.dpo, "dpo help", "the help");
    const shown = visibleText(reply.card);
    expect(shown).toContain("Callgate DPO commands");
    for (const name of names) expect(shown, name).toMatch(new RegExp(`(^|\\n)${name}\\b[^\\n]*: `));
    expect(shown).not.toMatch(/Usage:|--help/);
    const audit = visibleText((await ask(P.dpo, "audit help", "the audit help")).card);
    expect(audit).toContain("DPO commands: audit");
    expect(audit).toMatch(/audit export: .*For example: audit export pdf/);
  });

  it("runs the summary's Export CSV button as the DPO who clicks it, keeps the summary, and sends the link by direct message", async () => {
    const summary = (await t.client.messagesTo(u(P.dpo))).find((m) => visibleText(m.card).includes("Audit summary: last 30 days"))!;
    const before = (await t.client.messagesTo(u(P.dpo))).length;
    const answer = await t.client.clickTitled(u(P.dpo), summary, "Export CSV");
    expect(answer).toEqual({ type: "application/vnd.microsoft.activity.message", value: "Audit log export on its way: the answer is in this chat." });
    const confirmation = await t.client.until(async () => (await t.client.messagesTo(u(P.dpo)))[before], "the export's reply");
    expect(visibleText(confirmation.card)).toContain("has been sent to you as a direct message");
    expect(summary.updates).toBe(0);
    const file = await t.ctx.db.deliveredFile.findFirstOrThrow({ where: { ownerEmail: P.dpo, kind: "audit-csv" } });
    expect((await storage.readFile(file.blobName)).toString("utf8")).toContain("audit.summary.viewed");

    await t.deliver();
    const link = await t.client.until(async () => (await t.client.messagesTo(u(P.dpo))).find((m) => JSON.stringify(m.card ?? {}).includes("https://callgate.test/files/")), "the download link");
    expect(visibleText(link.card)).toContain(file.fileName);
    expect(controlsOf(link.card)).toEqual(["Download"]);
  });

  it("checks the clicker's role again: the same button clicked by someone else is refused to them, and nothing is made", async () => {
    const own = (await t.client.messagesTo(u(P.it))).at(-1)!;
    const before = (await t.client.messagesTo(u(P.it))).length;
    const answer = (await t.client.invokeRaw(u(P.it), own, VERBS.consoleRun, { command: "audit export csv" })) as { type?: string; value?: string };
    expect(answer.type).toBe("application/vnd.microsoft.activity.message");
    expect(answer.value).toContain("Sorry, audit exports are only for the Data Protection Officer");
    const refusal = await t.client.until(async () => (await t.client.messagesTo(u(P.it)))[before], "the refusal card");
    expect(visibleText(refusal.card)).toContain("Sorry, audit exports are only for the Data Protection Officer");
    expect(await t.ctx.db.deliveredFile.count({ where: { ownerEmail: P.it } })).toBe(0);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "audit.access.refused", actor: P.it } })).toBe(2);
  });

  it("asks before a destructive button runs: the erasure's Delete opens a panel whose button erases as the DPO, and a second click is refused", async () => {
    const recording = await addRecording(t.ctx, { startedAt: new Date("2026-11-10T10:00:00Z"), number: "+441134960777" });
    await storage.putAudio(recording.blobName!);
    const proposal = await ask(P.dpo, `dpo erasure propose --number "0113 496 0777" --reason "Written request received 18 Nov 2026"`, "the proposal");
    expect(visibleText(proposal.card)).toContain("Erasure ERA-");
    const panel = ((proposal.card!.actions ?? []) as Json[]).find((a) => a.title === "Delete 1 recording")!;
    expect(panel).toMatchObject({ type: "Action.ShowCard", style: "destructive" });
    expect(visibleText(panel.card)).toContain("Delete 1 recording for +44 •••••••777? This cannot be undone.");
    expect(await t.ctx.db.recording.count({ where: { id: recording.id } })).toBe(1);

    const before = (await t.client.messagesTo(u(P.dpo))).length;
    const answer = await t.client.clickTitled(u(P.dpo), proposal, "Yes, delete 1 recording");
    expect(answer).toMatchObject({ type: "application/vnd.microsoft.activity.message", value: expect.stringMatching(/^Erasure ERA-\d{6} confirmed/) });
    const done = await t.client.until(async () => (await t.client.messagesTo(u(P.dpo)))[before], "the erasure's result");
    expect(visibleText(done.card)).toContain("1 recording deleted");
    expect(await t.ctx.db.recording.count({ where: { id: recording.id } })).toBe(0);
    await expect(storage.recordings.read(recording.blobName!)).rejects.toThrow();

    const again = (await t.client.clickTitled(u(P.dpo), proposal, "Yes, delete 1 recording")) as { type?: string; value?: string };
    expect(again.type).toBe("application/vnd.microsoft.activity.message");
    expect(again.value).toMatch(/^Nothing was changed: /);
  });

  it("answers a button whose data has no command on the clicker's side, changing nothing", async () => {
    const own = (await t.client.messagesTo(u(P.dpo))).at(-1)!;
    const answer = (await t.client.invokeRaw(u(P.dpo), own, VERBS.consoleRun, { nothing: true })) as { type?: string; value?: string };
    expect(answer).toMatchObject({ type: "application/vnd.microsoft.activity.message" });
    expect(answer.value).toContain("This button has lost its command");
  });

  it("answers a console command typed in a group chat only in the person's personal chat", async () => {
    const before = (await t.client.messagesTo(u(P.dpo))).length;
    const group = await t.client.sayInGroupChat(u(P.dpo), "audit");
    const pointer = await t.client.until(() => t.client.messagesIn(group).at(-1), "the pointer in the group chat");
    expect(visibleText(pointer.card)).toBe("I've sent that to you in our personal chat.");
    const summary = await t.client.until(async () => (await t.client.messagesTo(u(P.dpo)))[before], "the summary in the personal chat");
    expect(factOf(summary.card, "Requests made")).toBe("3");
    for (const m of t.client.messagesIn(group)) expect(visibleText(m.card)).not.toMatch(/Requests made|Audit summary|Not a safeguarding matter/);

    // Grace never wrote to the bot in private: there is nowhere private to answer, so she is refused.
    const count = t.client.messagesIn(group).length;
    await t.client.sayInGroupChat(u(P.southHead), "audit");
    const refusal = await t.client.until(() => t.client.messagesIn(group)[count], "the refusal in the group chat");
    expect(visibleText(refusal.card)).toContain("Please message Callgate in your personal chat with it");
    expect(await t.ctx.db.auditEntry.count({ where: { action: { in: ["audit.summary.viewed", "audit.access.refused"] }, actor: P.southHead } })).toBe(0);
  });

  it("refuses a console button clicked in a group chat without running its command", async () => {
    const count = t.client.messagesIn(GROUP_CHAT_ID).length;
    await t.client.sayInGroupChat(u(P.it), "help");
    const inGroup = await t.client.until(() => t.client.messagesIn(GROUP_CHAT_ID)[count], "a card in the group chat");
    const answer = (await t.client.invokeRaw(u(P.dpo), inGroup, VERBS.consoleRun, { command: 'hold place --number "020 7946 0456" --reason "Placed from a group chat"' })) as { type?: string; value?: string };
    expect(answer).toMatchObject({ type: "application/vnd.microsoft.activity.message" });
    expect(answer.value).toContain("Callgate only answers that in your personal chat with it.");
    expect(await t.ctx.db.hold.count({ where: { reason: "Placed from a group chat" } })).toBe(0);
    for (const m of t.client.messagesIn(GROUP_CHAT_ID)) expect(visibleText(m.card)).not.toContain("Placed from a group chat");
  });

  it("passes typed arguments on in the case they were typed and never logs the command line", async () => {
    const reply = await ask(P.dpo, `dpo hold place --number "020 7946 0123" --reason “Claim by Mrs Smith, ref AB-12”`, "the hold");
    expect(visibleText(reply.card)).toMatch(/HOLD-\d{6} placed/);
    const hold = await t.ctx.db.hold.findFirstOrThrow({ where: { createdBy: P.dpo } });
    expect(hold.reason).toBe("Claim by Mrs Smith, ref AB-12");
    expect(visibleText(reply.card)).not.toContain("7946 0123");
    // The number never reaches a log line; the rest of the line only reaches the Teams SDK's own debug trace of whole activities.
    for (const line of t.logLines) {
      for (const secret of ["7946 0123", "79460123", "2079460123"]) expect(line).not.toContain(secret);
      if (JSON.parse(line).level >= 30) expect(line).not.toContain("Mrs Smith");
    }
  });

  it("tells a DPO about the console in `help`, and nobody else", async () => {
    expect(visibleText((await ask(P.dpo, "help")).card)).toContain("For the Data Protection Officer");
    expect(visibleText((await ask(P.it, "help")).card)).not.toContain("For the Data Protection Officer");
  });
});
