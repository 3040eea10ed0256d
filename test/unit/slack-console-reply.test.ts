/**
 * A DPO console reply drawn as Block Kit: typed text escaped, long content
 * split within Slack's limits rather than rejected, at most 50 blocks with a
 * pointer to the export for the rest, and buttons that carry the exact
 * command they run (or are left out). Every message is checked against the
 * fake Slack's Block Kit rules.
 */
import { describe, expect, it } from "vitest";
import type { CoreContext } from "../../src/core/context.ts";
import { fields, list, note, text, warning, type ConsoleReply } from "../../src/commands/reply.ts";
import { runConsole, type ConsoleModule } from "../../src/commands/run-console.ts";
import { testPolicy } from "../support/test-policy.ts";
import { ACTIONS } from "../../src/adapters/slack/ids.ts";
import { renderConsoleReply } from "../../src/adapters/slack/render/console-reply.ts";
import { messageProblems } from "../support/fake-slack/block-kit-rules.ts";

type Json = Record<string, any>;

function draw(reply: ConsoleReply, dropped: Array<{ index: number; commandLength: number }> = []): { text: string; blocks: Json[] } {
  const message = renderConsoleReply(reply, { onButtonDropped: (info) => dropped.push(info) });
  expect(messageProblems(message as unknown as Json)).toEqual([]);
  return message as unknown as { text: string; blocks: Json[] };
}

const sectionTexts = (blocks: Json[]) => blocks.filter((b) => b.type === "section" && b.text).map((b) => b.text.text as string);

describe("rendering a console reply for Slack", () => {
  it("draws the title as a header, paragraphs, fields, lists, notes and warnings, escaping what people typed", () => {
    const message = draw({
      title: "Audit summary: last 30 days",
      blocks: [
        text("Requests from <!channel> & friends"),
        fields([["Requests", "12"], ["Denied", "2"]]),
        list(["Safeguarding: 7", "Training: <@U123>"]),
        note("Times are in Europe/London."),
        warning("SAR-000004 is overdue"),
      ],
    });
    expect(message.text).toBe("Audit summary: last 30 days");
    const [head, paragraph, pairs, bullets, small, alert] = message.blocks as [Json, Json, Json, Json, Json, Json];
    expect(head).toEqual({ type: "header", text: { type: "plain_text", text: "Audit summary: last 30 days", emoji: false } });
    expect(paragraph.text).toEqual({ type: "mrkdwn", text: "Requests from &lt;!channel&gt; &amp; friends" });
    expect(pairs.fields.map((f: Json) => f.text)).toEqual(["*Requests*\n12", "*Denied*\n2"]);
    expect(bullets.text.text).toBe("• Safeguarding: 7\n• Training: &lt;@U123&gt;");
    expect(small).toEqual({ type: "context", elements: [{ type: "mrkdwn", text: "Times are in Europe/London." }] });
    expect(alert.text.text).toBe(":warning: SAR-000004 is overdue");
  });

  it("splits more than ten fields into several sections and cuts an over-long field to 2,000 characters", () => {
    const rows = Array.from({ length: 23 }, (_, i) => [`Site ${i + 1}`, i === 4 ? "x".repeat(2_500) : String(i)] as const);
    const message = draw({ title: "By site", blocks: [fields(rows)] });
    const sections = message.blocks.filter((b) => b.fields);
    expect(sections.map((s) => s.fields.length)).toEqual([10, 10, 3]);
    expect(sections[0]!.fields[4].text).toHaveLength(2_000);
    expect(sections[2]!.fields[2].text).toBe("*Site 23*\n22");
  });

  it("splits a long list into sections under 3,000 characters without losing an item", () => {
    const items = Array.from({ length: 120 }, (_, i) => `CG-${String(i).padStart(6, "0")} requested by someone with a long name, safeguarding, north`);
    const message = draw({ title: "Requests", blocks: [list(items)] });
    const texts = sectionTexts(message.blocks);
    expect(texts.length).toBeGreaterThan(1);
    for (const t of texts) expect(t.length).toBeLessThan(3_000);
    expect(texts.join("\n").split("\n")).toEqual(items.map((i) => `• ${i}`));
  });

  it("splits a paragraph longer than a section without cutting an escaped character in two", () => {
    const long = `${"a".repeat(2_997)}&&& and the rest`;
    const message = draw({ title: "Long", blocks: [text(long)] });
    expect(sectionTexts(message.blocks)).toEqual(["a".repeat(2_997), "&amp;&amp;&amp; and the rest"]);
  });

  it("keeps to 50 blocks, saying how many lines were left out, and keeps the buttons", () => {
    const reply: ConsoleReply = {
      title: "Anomalies",
      blocks: Array.from({ length: 60 }, (_, i) => text(`Anomaly ${i + 1}`)),
      actions: [
        { label: "Export CSV", command: "audit export csv" },
        { label: "Export PDF", command: "audit export pdf" },
      ],
    };
    const message = draw(reply);
    expect(message.blocks).toHaveLength(50);
    const kept = sectionTexts(message.blocks);
    expect(kept).toHaveLength(50 - 1 - 2 - 1);
    expect(kept.at(-1)).toBe("Anomaly 46");
    const noteBlock = message.blocks.find((b) => b.type === "context");
    expect(noteBlock?.elements[0].text).toBe("14 more lines: export for the full list");
    expect(message.blocks.slice(-2).map((b) => b.elements[0].value)).toEqual(["audit export csv", "audit export pdf"]);
  });

  it("counts list items and fields in the lines left out", () => {
    const reply: ConsoleReply = { title: "Big", blocks: [...Array.from({ length: 48 }, (_, i) => text(`Line ${i}`)), list(["one", "two", "three"]), fields([["a", "1"], ["b", "2"]])] };
    const message = draw(reply);
    expect(message.blocks).toHaveLength(50);
    expect(message.blocks.at(-1)!.elements[0].text).toBe("5 more lines: export for the full list");
  });

  it("makes buttons that run their command as the clicker, with style and an are-you-sure dialog", () => {
    const message = draw({
      title: "Erasure ERA-000003",
      blocks: [text("12 recordings will be deleted.")],
      actions: [
        { label: "Confirm erasure", command: "erasure confirm ERA-000003", style: "danger", confirm: "Delete 12 recordings for 020 7946 0xxx?" },
        { label: "A".repeat(90), command: "erasure cancel ERA-000003" },
      ],
    });
    const buttons = message.blocks.filter((b) => b.type === "actions").map((b) => b.elements[0]);
    expect(buttons).toHaveLength(2);
    expect(buttons[0]).toMatchObject({
      type: "button",
      action_id: ACTIONS.consoleRun,
      value: "erasure confirm ERA-000003",
      style: "danger",
      text: { type: "plain_text", text: "Confirm erasure" },
      confirm: { title: { text: "Are you sure?" }, text: { text: "Delete 12 recordings for 020 7946 0xxx?" }, confirm: { text: "Confirm erasure" }, deny: { text: "Cancel" }, style: "danger" },
    });
    expect(buttons[1].text.text).toHaveLength(75);
    expect(buttons[1].confirm).toBeUndefined();
    expect(buttons[1].style).toBeUndefined();
  });

  it("leaves out a button whose command is longer than Slack lets a button carry, and says so", () => {
    const dropped: Array<{ index: number; commandLength: number }> = [];
    const message = draw({ title: "Too long", blocks: [], actions: [{ label: "Run", command: `audit ${"x".repeat(2_000)}` }, { label: "Help", command: "help" }] }, dropped);
    const values = message.blocks.filter((b) => b.type === "actions").map((b) => b.elements[0].value);
    expect(values).toEqual(["help"]);
    expect(dropped).toEqual([{ index: 0, commandLength: 2_006 }]);
  });

  it("cuts a title to Slack's 150 characters and never sends empty text", () => {
    const long = draw({ title: "T".repeat(400), blocks: [text(""), list([]), fields([])] });
    expect(long.blocks).toHaveLength(1);
    expect(long.blocks[0]!.text.text).toHaveLength(150);
    expect(draw({ title: "  ", blocks: [] }).text).toBe("Callgate");
  });

  it("draws whatever a console module answers through runConsole within Slack's rules", async () => {
    const module: ConsoleModule = {
      register(program, session, answer) {
        program
          .command("report")
          .description("A test report")
          .action(() => answer({ title: `Report for ${session.actorEmail}`, blocks: [list(Array.from({ length: 400 }, (_, i) => `Row ${i}`))], actions: [{ label: "Export", command: "report --csv" }] }));
      },
    };
    const reply = await runConsole({ ctx: {} as CoreContext, actorEmail: "carys@trust.example", publicUrl: "https://callgate.test" }, "report", [module]);
    const message = draw(reply);
    expect(message.blocks[0]!.text.text).toBe("Report for carys@trust.example");
    expect(JSON.stringify(message.blocks)).toContain("Row 399");
    const help = draw(await runConsole({ ctx: { policy: testPolicy() } as CoreContext, actorEmail: "carys@trust.example", publicUrl: "" }, "help", [module]));
    expect(JSON.stringify(help.blocks)).toContain("A test report");
  });
});

describe("column-aligned console text", () => {
  it("keeps help output's columns in a code block, still escaped", () => {
    const help = "Usage: [options] [command]\n\nCommands:\n  audit [period...]  Audit summary\n  sar <action>       Subject access requests\n  help [command]     display help for command";
    const message = draw({ title: "Callgate DPO commands", blocks: [text(help)] });
    expect(sectionTexts(message.blocks)).toEqual([`\`\`\`\n${help.replace(/</g, "&lt;").replace(/>/g, "&gt;")}\n\`\`\``]);
    const prose = draw({ title: "Prose", blocks: [text("One sentence.  Then another.")] });
    expect(sectionTexts(prose.blocks)).toEqual(["One sentence.  Then another."]);
  });
});
