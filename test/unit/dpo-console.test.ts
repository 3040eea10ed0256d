/**
 * The DPO console's parsing, shared by Slack and Teams: the same words work
 * on both, help is at hand for DPOs, and every mistake comes back as a reply
 * that says what was wrong, never as silence or a crash.
 */
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.ts";
import type { CoreContext } from "../../src/core/context.ts";
import { runConsole, type ConsoleModule, type ConsoleSession } from "../../src/commands/run-console.ts";
import { text } from "../../src/commands/reply.ts";
import { P, testPolicy } from "../support/test-policy.ts";

const session: ConsoleSession = { ctx: { policy: testPolicy() } as CoreContext, actorEmail: P.dpo, publicUrl: "https://callgate.test" };

const calls: Array<{ ref: string; reason: string; actor: string }> = [];
const holdModule: ConsoleModule = {
  register(program, s, answer) {
    const hold = program.command("hold").description("Legal holds");
    hold
      .command("release")
      .description("Release a hold")
      .argument("<reference>")
      .requiredOption("--reason <text>", "why")
      .action((ref: string, opts: { reason: string }) => {
        if (ref === "HOLD-404") throw new AppError("NOT_FOUND", "There is no hold HOLD-404.");
        if (ref === "HOLD-500") throw new Error("database fell over");
        calls.push({ ref, reason: opts.reason, actor: s.actorEmail });
        answer({ title: `Released ${ref}`, blocks: [text(opts.reason)] });
      });
  },
};

describe("the DPO console", () => {
  it("runs a command with quoted options as the person who typed it", async () => {
    const reply = await runConsole(session, `hold release HOLD-000001 --reason "Claim settled, 3 May"`, [holdModule]);
    expect(reply.title).toBe("Released HOLD-000001");
    expect(calls.at(-1)).toEqual({ ref: "HOLD-000001", reason: "Claim settled, 3 May", actor: P.dpo });
  });

  it("answers an empty line and `help` with what each command is for, for a DPO, without command-line noise", async () => {
    for (const line of ["", "help", "hold help", "hold --help"]) {
      const reply = await runConsole(session, line, [holdModule]);
      expect(reply.title).toBe(line.startsWith("hold") ? "DPO commands: hold" : "Callgate DPO commands");
      expect(JSON.stringify(reply.blocks)).toContain('hold release: Release a hold. For example: hold release HOLD-000001 --reason \\"claim settled\\"');
      expect(JSON.stringify(reply.blocks)).not.toMatch(/Usage:|-h, --help|\[options\]/);
    }
  });

  it("says which option is missing", async () => {
    const reply = await runConsole(session, "hold release HOLD-000001", [holdModule]);
    expect(reply.title).toBe("That command was not understood");
    expect(JSON.stringify(reply.blocks)).toContain("--reason");
  });

  it("suggests the nearest command for a typo", async () => {
    const reply = await runConsole(session, "hodl release HOLD-1 --reason x", [holdModule]);
    expect(reply.blocks[0]).toEqual({ kind: "warning", text: 'Unknown command "hodl". Did you mean hold?' });
  });

  it("turns a refusal from the core into a reply that changes nothing", async () => {
    const reply = await runConsole(session, "hold release HOLD-404 --reason x", [holdModule]);
    expect(reply).toEqual({ title: "Nothing was changed", blocks: [{ kind: "warning", text: "There is no hold HOLD-404." }], refused: true });
  });

  it("lets failures on Callgate's side reach the adapter's error handler", async () => {
    await expect(runConsole(session, "hold release HOLD-500 --reason x", [holdModule])).rejects.toThrow("database fell over");
  });

  it("refuses a line far longer than anyone types", async () => {
    const reply = await runConsole(session, `hold release HOLD-1 --reason "${"x".repeat(5_000)}"`, [holdModule]);
    expect(reply.title).toBe("Nothing was changed");
  });
});
