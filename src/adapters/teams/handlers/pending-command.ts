/** `pending`: what waits for this person to authorise, consent to or find (one listPendingActions). */
import { listPendingActions } from "../../../core/requests/list-pending-actions.ts";
import { pendingCard } from "../cards/lists.ts";
import type { CommandHandler } from "../deps.ts";
import { COMMANDS } from "../ids.ts";

export const pendingCommand: CommandHandler = {
  kind: "command",
  command: COMMANDS.pending,
  description: "What is waiting for you to authorise, consent to or find",
  async handle(turn, deps) {
    await turn.reply(pendingCard(await listPendingActions(deps.ctx, { email: turn.person.email })));
  },
};
