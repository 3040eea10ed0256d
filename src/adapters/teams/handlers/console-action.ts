/**
 * A DPO console button (Action.Execute consoleRun, data {command}): runs the
 * command line as whoever clicks, so the core checks the clicker's role
 * again, whoever the card was drawn for. The answer is posted as a new card
 * in the clicker's personal chat, as if they had typed the command, and the
 * clicked card is kept (a summary with two export buttons stays usable);
 * Teams shows the clicker a one-line message beside it. A refusal is such an
 * answer too, so it always reaches the clicker.
 */
import { z } from "zod";
import { AppError } from "../../../core/errors.ts";
import { runConsole } from "../../../commands/run-console.ts";
import { addressOf } from "../address.ts";
import type { VerbHandler } from "../deps.ts";
import { VERBS } from "../ids.ts";
import { replyCard, straightQuotes } from "./dpo-command.ts";

const consoleRunData = z.object({ command: z.string().trim().min(1).max(4_000) });

export const consoleActionClicked: VerbHandler = {
  kind: "verb",
  verb: VERBS.consoleRun,
  async handle(turn, deps) {
    const data = consoleRunData.safeParse(turn.data);
    if (!data.success) {
      throw new AppError("INVALID_INPUT", "This button has lost its command. Please type the command instead (`dpo help` lists them).", undefined, { cause: data.error });
    }
    // Checked before running: a click naming a shared conversation must change nothing.
    if (!addressOf(turn.activity, turn.person.email)) throw new AppError("FORBIDDEN", "Callgate only answers that in your personal chat with it.");
    const reply = await runConsole({ ctx: deps.ctx, actorEmail: turn.person.email, publicUrl: deps.publicUrl }, straightQuotes(data.data.command));
    await turn.send(replyCard(reply));
    const warning = reply.blocks.find((b) => b.kind === "warning");
    const message = warning && warning.kind === "warning" ? `${reply.title}: ${warning.text}` : `${reply.title}: the answer is in this chat.`;
    return { message: message.length > 300 ? `${message.slice(0, 299)}…` : message };
  },
};
