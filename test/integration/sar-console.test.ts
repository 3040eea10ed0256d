import { beforeEach, describe, expect, it } from "vitest";
import type { ConsoleReply } from "../../src/commands/reply.ts";
import { runConsole } from "../../src/commands/run-console.ts";
import { groupNumbers, sarConsole } from "../../src/commands/sar.ts";
import { addRecording, useTestCore } from "../support/core.ts";
import { useTestStorage } from "../support/storage.ts";
import { P } from "../support/test-policy.ts";

const OPEN = 'sar open --name "Jo Bloggs" --number "020 7946 0001" --number "0113 496 0002" --received 20/11/2026 --identity "passport seen in person"';

const fieldValue = (reply: ConsoleReply, label: string) => reply.blocks.flatMap((b) => (b.kind === "fields" ? b.rows : [])).find(([l]) => l === label)?.[1];
const listItems = (reply: ConsoleReply) => reply.blocks.flatMap((b) => (b.kind === "list" ? b.items : []));
const warnings = (reply: ConsoleReply) => reply.blocks.flatMap((b) => (b.kind === "warning" ? [b.text] : []));

describe("the sar console commands", () => {
  const t = useTestCore("pglite");
  const as = (email: string, line: string) => runConsole({ ctx: t.ctx, actorEmail: email, publicUrl: "https://callgate.test" }, line, [sarConsole]);
  const dpo = (line: string) => as(P.dpo, line);

  const storage = useTestStorage();
  beforeEach(async () => {
    storage.attach(t.ctx);
    for (const [startedAt, number, audio] of [
      ["2026-11-10T14:30:00Z", "+442079460001", true],
      ["2026-09-02T08:05:00Z", "+441134960002", false],
      ["2026-11-12T10:00:00Z", "+442079460999", true],
    ] as const) {
      const row = await addRecording(t.ctx, { startedAt: new Date(startedAt), number, audio });
      if (row.blobName) await storage.putAudio(row.blobName);
    }
  });

  it("opens a request, lists the calls found with masked numbers, and offers the next steps", async () => {
    const reply = await dpo(OPEN);
    expect(reply.title).toBe("Subject access request SAR-000001 opened");
    expect(fieldValue(reply, "Due")).toBe("21/12/2026 (31 days left)");
    expect(fieldValue(reply, "Numbers")).toBe("+44 •••••••001, +44 •••••••002");
    expect(fieldValue(reply, "Hold")).toBe("HOLD-000001");
    const items = listItems(reply);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/^1\. Wed 2 Sep 2026, 09:05 · 2 min · inbound · \+44 •+002 · call record only · call-/);
    expect(items[1]).toMatch(/^2\. Tue 10 Nov 2026, 14:30 · 2 min · inbound · \+44 •+001 · recording · call-/);
    expect(JSON.stringify(reply)).not.toMatch(/2079460001|1134960002|7946 0001/);
    expect(reply.actions?.map((a) => a.command)).toEqual(["sar bundle SAR-000001 --format zip", "sar bundle SAR-000001 --format links", "sar close SAR-000001 --withdrawn", "sar show SAR-000001"]);
  });

  it("takes the bundle's format as --format zip or links; --as is never a console option (in the CLI it names the person acting)", async () => {
    await dpo(OPEN);
    const asFormat = await dpo("sar bundle SAR-000001 --as zip");
    expect(asFormat.title).toBe("That command was not understood");
    expect(warnings(asFormat)[0]).toContain('Unknown option "--as"');
    expect(warnings(await dpo("sar bundle SAR-000001 --format tar"))).toEqual(["--format is zip or links."]);
    const prepared = () => t.ctx.db.auditEntry.count({ where: { action: "subject-access.bundle-prepared" } });
    expect(await prepared()).toBe(0);
    const links = await dpo("sar bundle SAR-000001 --format links");
    expect(links.title).toBe("SAR-000001: bundle prepared");
    expect(await prepared()).toBe(1);
  });

  it("runs the bundle button, then offers to close as complete", async () => {
    const opened = await dpo(OPEN);
    const bundleButton = opened.actions!.find((a) => a.label === "Prepare bundle (zip)")!;
    const bundled = await dpo(bundleButton.command);
    expect(bundled.title).toBe("SAR-000001: bundle prepared");
    expect(listItems(bundled)).toEqual([expect.stringMatching(/^SAR-000001-bundle\.zip \(\d+ KB\)$/)]);
    expect(fieldValue(bundled, "Bundle")).toBe("zip prepared");
    // Closing needs the assessment note, so it is typed, not a button.
    expect(bundled.actions!.some((a) => a.label === "Close as complete")).toBe(false);
    expect(JSON.stringify(bundled.blocks)).toContain('sar close SAR-000001 --complete --assessment \\"what was searched and found\\"');
    expect(warnings(await dpo("sar close SAR-000001 --complete"))[0]).toMatch(/Write the assessment note/);
    const closed = await dpo('sar close SAR-000001 --complete --assessment "Searched by both numbers: 3 calls found, all sent"');
    expect(closed.title).toBe("SAR-000001 closed: completed");
    expect(fieldValue(closed, "Hold")).toBe("HOLD-000001 (released)");
    expect(closed.actions).toEqual([]);
    await t.deliver();
    expect(t.channel.to(P.dpo, "file-ready")).toHaveLength(1);
  });

  it("marks items, refuses a withhold without a note, and closes as a partial refusal with grounds", async () => {
    await dpo(OPEN);
    expect(warnings(await dpo("sar review SAR-1 1 --withhold"))[0]).toMatch(/Say why this call is withheld/);
    expect(warnings(await dpo("sar review SAR-1 1 --withhold --release"))[0]).toBe("Choose only one of --withhold, --release.");
    const flagged = await dpo("sar review SAR-1 2 --third-party");
    expect(listItems(flagged)[1]).toMatch(/THIRD-PARTY REVIEW$/);
    expect(flagged.actions?.some((a) => a.command.startsWith("sar bundle"))).toBe(false);
    const withheld = await dpo('sar review SAR-1 2 --withhold --note "Another caller is identifiable"');
    expect(listItems(withheld)[1]).toMatch(/WITHHELD: Another caller is identifiable$/);

    expect(warnings(await dpo("sar close SAR-1 --complete"))[0]).toMatch(/close it as partial/);
    expect(warnings(await dpo("sar close SAR-1 --partial --grounds nonsense"))[0]).toMatch(/^--grounds is one of: others-rights/);
    const closed = await dpo('sar close SAR-1 --partial --grounds others-rights --reason "Another caller is identifiable"');
    expect(closed.title).toBe("SAR-000001 closed: partly refused");
    expect(JSON.stringify(closed.blocks)).toContain("The letter to the subject, saying how their request was answered and their right to complain, will come to you as a download");
    expect(fieldValue(closed, "Closed")).toMatch(/Carys Evans: Disclosure would prejudice the rights of others \(third-party data\): Another caller is identifiable$/);
  });

  it("pauses, resumes and extends, showing the moved deadline", async () => {
    await dpo('sar open --name "Jo Bloggs" --number "020 7946 0001" --received 2026-11-20');
    const shown = await dpo("sar show SAR-000001");
    expect(fieldValue(shown, "Status")).toBe("Open, clock paused (waiting for identity)");
    expect(warnings(shown)).toContain("Identity not yet verified: nothing can be sent to the subject until it is.");
    t.clock.set(new Date("2026-11-25T10:00:00Z"));
    const resumed = await dpo('sar resume SAR-1 --identity "passport seen in person"');
    expect(fieldValue(resumed, "Due")).toBe("29/12/2026 (34 days left)");
    const extended = await dpo('sar extend SAR-1 --months 1 --reason "Many calls to review for third parties"');
    expect(extended.title).toBe("SAR-000001 extended to 25/01/2027");
    expect(warnings(extended)[0]).toMatch(/Tell the subject/);
    expect(warnings(await dpo('sar pause SAR-1 --waiting-for payment --reason "fee"'))[0]).toBe("--waiting-for is identity or clarification.");
  });

  it("lists open requests with overdue ones called out", async () => {
    await dpo(OPEN);
    await dpo('sar open --name "Sam Smith" --number "020 7946 0999" --received 01/10/2026 --identity "known caller, verified by call-back"');
    const listed = await dpo("sar list");
    expect(listed.title).toBe("Open subject access requests");
    expect(warnings(listed)).toEqual(["1 overdue: SAR-000002."]);
    expect(listItems(listed)[0]).toMatch(/^SAR-000002 · Sam Smith · \+44 •+999 · received 01\/10\/2026 · due 02\/11\/2026 \(18 days overdue\) · Open · 1 call$/);
  });

  it("exports a subject's data, joining a number typed without quotes", async () => {
    expect(groupNumbers(["020", "7946", "0001", "0113 496 0002"])).toEqual(["020 7946 0001", "0113 496 0002"]);
    const reply = await dpo("export 020 7946 0001");
    expect(reply.title).toBe("Subject data export on its way");
    expect(fieldValue(reply, "Recordings")).toBe("1");
    expect(JSON.stringify(reply)).not.toMatch(/2079460001/);
  });

  it("refuses people who are not the DPO, politely", async () => {
    const reply = await as(P.requester, OPEN);
    expect(reply.title).toBe("Nothing was changed");
    expect(warnings(reply)[0]).toMatch(/^Only the Data Protection Officer \(Carys Evans\)/);
    expect(await t.ctx.db.subjectAccessRequest.count()).toBe(0);
    expect((await as(P.requester, "export 020 7946 0001")).title).toBe("Nothing was changed");
  });
});
