/**
 * `dpo <command line>`: the DPO console (src/commands), the
 * same words as Slack's `/recording-dpo`. The line runs as the person who
 * typed it; the core checks their role and a refusal comes back as the
 * reply. Typed in a group chat or channel, the answer goes to the person's
 * personal chat (see dispatch). The line may carry phone numbers, so it is
 * never logged.
 */
import { DPO_FORMS } from "../../../commands/index.ts";
import type { ConsoleReply } from "../../../commands/reply.ts";
import { runConsole } from "../../../commands/run-console.ts";
import { dpoFormCard } from "../cards/dpo-form.ts";
import type { Card } from "../cards/elements.ts";
import { consoleReplyCard } from "../cards/console-reply.ts";
import type { CommandHandler, MessageTurn, TeamsDeps } from "../deps.ts";
import { COMMANDS } from "../ids.ts";

export const dpoCommand: CommandHandler = {
  kind: "command",
  command: COMMANDS.dpo,
  description: "Data Protection Officers: compliance commands, e.g. dpo help, dpo sar help, dpo hold help",
  answersPrivately: true,
  async handle(turn, deps) {
    await answerConsole(turn, deps, turn.args);
  },
};

/** Runs one console line as the person who typed it and replies with the answer as a card. */
export async function answerConsole(turn: MessageTurn, deps: TeamsDeps, line: string): Promise<void> {
  const reply = await runConsole({ ctx: deps.ctx, actorEmail: turn.person.email, publicUrl: deps.publicUrl }, straightQuotes(line));
  await turn.reply(replyCard(reply));
}

/** The reply as a card: a command typed bare that is a form (`dpo sar open`) answers with the form. */
export function replyCard(reply: ConsoleReply): Card {
  const form = reply.form ? DPO_FORMS.get(reply.form) : undefined;
  return form ? dpoFormCard(form) : consoleReplyCard(reply);
}

/** Teams on phones types “curly” double quotes; the console's parser knows only straight ones. */
export function straightQuotes(line: string): string {
  return line.replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"');
}
