/**
 * Pure pieces of the Slack adapter: reading `/request-recording` arguments,
 * and rendering typed text so it cannot mention, link or break Slack's limits.
 * (Kept beside the e2e tests because the adapter's tests live under test/e2e.)
 */
import { describe, expect, it } from "vitest";
import { parseRequestArguments } from "../../src/adapters/slack/arguments.ts";
import { renderNotice } from "../../src/adapters/slack/render/notice.ts";
import { renderContextFor } from "../../src/adapters/slack/render/render-context.ts";
import { everyNotice } from "../contract/notice-fixtures.ts";
import { messageProblems } from "../support/fake-slack/block-kit-rules.ts";
import { testPolicy } from "../support/test-policy.ts";

describe("/request-recording arguments", () => {
  it("reads a UK date, a time, a spaced number and a direction in any order", () => {
    expect(parseRequestArguments("21/11/2026 14:30 01427 700700 inbound")).toEqual({ date: "2026-11-21", time: "14:30", number: "01427 700700", direction: "inbound" });
    expect(parseRequestArguments("Outbound 9:05 +44 20 7946 0001 1/2/2026")).toEqual({ date: "2026-02-01", time: "09:05", number: "+44 20 7946 0001", direction: "outbound" });
  });

  it("leaves out what is not a real date, time or number rather than guess", () => {
    expect(parseRequestArguments("31/02/2026 25:10 call from the office")).toEqual({});
    expect(parseRequestArguments("")).toEqual({});
  });
});

describe("Slack rendering", () => {
  const rc = renderContextFor(testPolicy());

  it("renders every notice within Slack's limits", () => {
    for (const notice of everyNotice()) expect(messageProblems(renderNotice(notice, rc)), notice.kind).toEqual([]);
  });

  it("escapes markup people typed, so a reason cannot ping a channel or disguise a link", () => {
    const hostile = everyNotice().find((n) => n.kind === "approval-needed" && n.request.reason.startsWith("<!channel>"))!;
    const json = JSON.stringify(renderNotice(hostile, rc).blocks);
    expect(json).toContain("&lt;!channel&gt; &lt;https://evil.example|click here&gt; &amp;");
    expect(json).not.toContain("<!channel>");
    expect(json).not.toContain("<@U123>");
  });
});
