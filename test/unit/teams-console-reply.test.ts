/**
 * A DPO console reply drawn as an Adaptive Card for Teams: what people typed
 * shown literally (never as markdown), plain facts in a FactSet, long lists
 * cut with a count, buttons that carry the exact command they run (behind a
 * confirmation panel when asked), and a chart that fits Teams' message size,
 * redrawn smaller when it would not.
 */
import { Resvg } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";
import { fields, list, note, text, warning, type ConsoleReply } from "../../src/commands/reply.ts";
import { compactPng, pngSize } from "../../src/adapters/teams/cards/chart-image.ts";
import { CARD_BUDGET, consoleReplyCard, IMAGE_BUDGET, sizeOf } from "../../src/adapters/teams/cards/console-reply.ts";
import { VERBS } from "../../src/adapters/teams/ids.ts";
import { controlsOf, findExecuteTitled, visibleText } from "../support/playground/playground-client.ts";

type Json = Record<string, any>;

/** Every element of a card's body, ShowCard panels included. */
function elements(node: unknown, into: Json[] = []): Json[] {
  if (Array.isArray(node)) node.forEach((n) => elements(n, into));
  else if (node && typeof node === "object") {
    const o = node as Json;
    if (typeof o.type === "string") into.push(o);
    Object.values(o).forEach((v) => elements(v, into));
  }
  return into;
}

/** A bar chart drawn at twice its size, as the console's charts are. */
function bigChart(bars = 40): Buffer {
  const rects = Array.from({ length: bars }, (_, i) => `<rect x="${20 + i * 16}" y="${200 - ((i * 37) % 150)}" width="12" height="${(i * 37) % 150}" fill="${["#2e7d32", "#c62828", "#1565c0"][i % 3]}"/><text x="${20 + i * 16}" y="230" font-size="9" transform="rotate(-45 ${20 + i * 16} 230)">${String(i).padStart(2, "0")}/11/2026</text>`).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="700" height="300"><rect width="700" height="300" fill="white"/><text x="20" y="20" font-size="15">Requests per week by outcome</text>${rects}</svg>`;
  return Buffer.from(new Resvg(svg, { fitTo: { mode: "zoom", value: 2 }, font: { loadSystemFonts: true } }).render().asPng());
}

describe("rendering a console reply for Teams", () => {
  it("shows the title and every block, with typed text as literal TextRuns rather than markdown", () => {
    const card = consoleReplyCard({
      title: "Hold HOLD-000002 for **Jane**",
      blocks: [text("Reason: see [this](https://evil.example) _now_"), note("Times are in Europe/London."), warning("SAR-000004 is overdue"), list(["Safeguarding: 7", "Training: 2"])],
    });
    const shown = visibleText(card);
    for (const words of ["Hold HOLD-000002 for **Jane**", "Reason: see [this](https://evil.example) _now_", "Times are in Europe/London.", "SAR-000004 is overdue", "Safeguarding: 7", "Training: 2"]) expect(shown).toContain(words);
    // No TextBlock (which Teams reads as markdown) carries console text.
    expect(elements(card).filter((e) => e.type === "TextBlock")).toEqual([]);
    const runs = elements(card).filter((e) => e.type === "TextRun");
    expect(runs.find((r) => r.text === "SAR-000004 is overdue")).toMatchObject({ color: "Attention", weight: "Bolder" });
    expect(runs.find((r) => r.text === "Times are in Europe/London.")).toMatchObject({ isSubtle: true });
    expect(runs.find((r) => r.text.startsWith("Hold HOLD"))).toMatchObject({ size: "Medium", weight: "Bolder" });
    expect(card.fallbackText).toBe("Hold HOLD-000002 for **Jane**");
  });

  it("puts plain rows in a FactSet and shows a row Teams would read as markdown literally, in order", () => {
    const card = consoleReplyCard({ title: "SAR-000001", blocks: [fields([["Received", "Fri 20 Nov 2026"], ["Subject", "[Jo](https://x.example)"], ["Due", "Mon 21 Dec 2026"]])] });
    const body = card.body as Json[];
    expect(body[1]).toEqual({ type: "FactSet", facts: [{ title: "Received", value: "Fri 20 Nov 2026" }] });
    expect(body[2]!.type).toBe("RichTextBlock");
    expect(body[2]!.inlines.map((r: Json) => r.text).join("")).toBe("Subject: [Jo](https://x.example)");
    expect(body[3]).toEqual({ type: "FactSet", facts: [{ title: "Due", value: "Mon 21 Dec 2026" }] });
  });

  it("lays commander's help columns out as 'command — description' lines", () => {
    const help = "Usage: [options] [command]\n\nCommands:\n  sar open [options]   Open a subject access request\n  help [command]       display help for command";
    const shown = visibleText(consoleReplyCard({ title: "Callgate DPO commands", blocks: [text(help)] }));
    expect(shown).toContain("sar open [options] — Open a subject access request");
    expect(shown).toContain("help [command] — display help for command");
  });

  it("turns buttons into Action.Execute consoleRun carrying the command, and a confirmed danger button into a panel with the warning", () => {
    const reply: ConsoleReply = {
      title: "Erasure ERA-000003",
      blocks: [text("12 recordings")],
      actions: [
        { label: "Export CSV", command: "audit export csv --period \"last 30 days\"" },
        { label: "Confirm erasure", command: "erasure confirm ERA-000003", style: "danger", confirm: "Delete 12 recordings for +44 •••••••123?" },
      ],
    };
    const card = consoleReplyCard(reply);
    const actions = card.actions as Json[];
    expect(actions[0]).toEqual({ type: "Action.Execute", title: "Export CSV", verb: VERBS.consoleRun, data: { command: "audit export csv --period \"last 30 days\"" } });
    expect(actions[1]).toMatchObject({ type: "Action.ShowCard", title: "Confirm erasure", style: "destructive" });
    expect(visibleText(actions[1]!.card)).toContain("Delete 12 recordings for +44 •••••••123?");
    expect(findExecuteTitled(actions[1], "Yes, confirm erasure")).toEqual({ type: "Action.Execute", title: "Yes, confirm erasure", verb: VERBS.consoleRun, data: { command: "erasure confirm ERA-000003" }, style: "destructive" });
    expect(controlsOf(card)).toEqual(["Export CSV", "Confirm erasure", "Yes, confirm erasure"]);
  });

  it("shows at most six buttons and names the commands of the rest", () => {
    const actions = Array.from({ length: 8 }, (_, i) => ({ label: `Hold ${i}`, command: `hold show HOLD-00000${i}` }));
    const card = consoleReplyCard({ title: "Holds", blocks: [], actions });
    expect((card.actions as Json[]).length).toBe(6);
    expect(visibleText(card)).toContain("hold show HOLD-000006; hold show HOLD-000007");
  });

  it("cuts a long list to 25 items and says how many more there are", () => {
    const items = Array.from({ length: 140 }, (_, i) => `CG-${String(i).padStart(6, "0")}`);
    const shown = visibleText(consoleReplyCard({ title: "Requests", blocks: [list(items)] }));
    expect(shown).toContain("CG-000024");
    expect(shown).not.toContain("CG-000025");
    expect(shown).toContain("…and 115 more not shown here.");
  });

  it("stays within Teams' message size however long the reply, cutting more as needed", () => {
    const items = Array.from({ length: 400 }, (_, i) => `${"A very long line about a request, its purpose and its people ".repeat(4)}${i}`);
    const card = consoleReplyCard({ title: "Everything", blocks: [list(items), list(items), text("x".repeat(20_000)), fields(items.slice(0, 200).map((i, n) => [`Row ${n}`, i]))] });
    expect(sizeOf(card)).toBeLessThanOrEqual(CARD_BUDGET);
    expect(visibleText(card)).toContain("more not shown here");
  });

  it("embeds a small chart as a PNG data URI as it is", () => {
    const png = compactPng(bigChart(5), 300)!;
    expect(png.length).toBeLessThan(IMAGE_BUDGET * 0.75);
    const card = consoleReplyCard({ title: "Audit", blocks: [], image: { png, altText: "Requests per week by outcome", fileName: "chart.png" } });
    const image = elements(card).find((e) => e.type === "Image")!;
    expect(image).toMatchObject({ altText: "Requests per week by outcome", size: "Stretch" });
    expect(Buffer.from(image.url.replace(/^data:image\/png;base64,/, ""), "base64")).toEqual(png);
  });

  it("redraws a chart too large for Teams narrower as a palette PNG, so it still shows", () => {
    const png = bigChart();
    expect(png.toString("base64").length).toBeGreaterThan(IMAGE_BUDGET);
    const card = consoleReplyCard({ title: "Audit", blocks: [text("Requests: 42")], image: { png, altText: "Requests per week by outcome", fileName: "chart.png" } });
    expect(sizeOf(card)).toBeLessThanOrEqual(CARD_BUDGET);
    const image = elements(card).find((e) => e.type === "Image")!;
    expect(image.url.length).toBeLessThanOrEqual(IMAGE_BUDGET + 30);
    const shown = Buffer.from(image.url.replace(/^data:image\/png;base64,/, ""), "base64");
    const size = pngSize(shown)!;
    expect(size.width).toBeLessThanOrEqual(720);
    expect(size.height / size.width).toBeCloseTo(pngSize(png)!.height / pngSize(png)!.width, 1);
    // A real PNG that resvg reads back, with the chart's colours.
    const redrawn = new Resvg(`<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}"><image href="data:image/png;base64,${shown.toString("base64")}" width="${size.width}" height="${size.height}"/></svg>`).render().pixels;
    const colours = new Set<string>();
    for (let i = 0; i < redrawn.length; i += 4) colours.add(`${redrawn[i]},${redrawn[i + 1]},${redrawn[i + 2]}`);
    expect(colours.has("46,125,50")).toBe(true);
    expect(colours.has("198,40,40")).toBe(true);
  });

  it("leaves the chart out with a pointer to the PDF when it cannot fit, keeping the text", () => {
    const card = consoleReplyCard({ title: "Audit", blocks: [text("Requests: 42")], image: { png: Buffer.alloc(30_000, 7), altText: "Requests per week", fileName: "chart.png" } });
    expect(elements(card).some((e) => e.type === "Image")).toBe(false);
    expect(visibleText(card)).toContain("Requests: 42");
    expect(visibleText(card)).toContain("The chart (Requests per week) is too large to show in Teams; it is in the PDF report.");
  });
});
