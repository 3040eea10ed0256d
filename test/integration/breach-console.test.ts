/**
 * The breach commands through the console (the same declaration the chat
 * platforms and the CLI use): anyone reports; only the DPO records the ICO
 * decision and closes; the summary lists the open breach.
 */
import { describe, expect, it } from "vitest";
import { runConsole } from "../../src/commands/run-console.ts";
import { useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { P } from "../support/test-policy.ts";

const flat = (reply: { title: string; blocks: unknown[] }) => JSON.stringify(reply);

describe.each(DATABASE_KINDS)("breach console on %s", (kind) => {
  const t = useTestCore(kind);
  const as = (actorEmail: string, line: string) => runConsole({ ctx: t.ctx, actorEmail, publicUrl: "https://callgate.test" }, line);

  it("reports as anyone, then records the ICO decision and closes as the DPO", async () => {
    const reported = await as(P.staff, 'breach report --what "Recording played on speaker in reception" --discovered 20/11/2026 --at 09:30 --recording call-1');
    expect(reported.title).toBe("Breach BRE-000001 reported");
    expect(flat(reported)).toContain("Mon 23 Nov 2026, 09:30");

    const refused = await as(P.staff, "breach close BRE-000001 --note done");
    expect(refused.title).toBe("Nothing was changed");
    expect(flat(refused)).toContain("Only Carys Evans can close a breach");

    const summary = await as(P.dpo, "audit");
    expect(flat(summary)).toContain("Open personal data breaches (1)");

    expect((await as(P.dpo, "breach ico BRE-1")).title).toBe("Nothing was changed");
    expect((await as(P.dpo, 'breach ico BRE-1 --not-reportable "No personal data was heard"')).title).toBe("ICO decision recorded for BRE-000001");
    expect((await as(P.dpo, 'breach close BRE-1 --note "Reception told to use headsets"')).title).toBe("Breach BRE-000001 closed");
    expect(flat(await as(P.dpo, "breach list"))).toContain("No open breaches");
  });

  it("adds the flag to a bad discovery date", async () => {
    const reply = await as(P.staff, 'breach report --what "A link was forwarded" --discovered 32/11/2026');
    expect(flat(reply)).toContain("(--discovered)");
  });
});
