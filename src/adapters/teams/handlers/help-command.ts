/** `help`: what Callgate does and the commands, in the personal chat. */
import { helpCard } from "../cards/lists.ts";
import type { CommandHandler } from "../deps.ts";
import { COMMANDS } from "../ids.ts";

export const helpCommand: CommandHandler = {
  kind: "command",
  command: COMMANDS.help,
  description: "How to use Callgate",
  async handle(turn, deps) {
    await turn.reply(helpCard(deps.render));
  },
};
