/** `mine`: the person's own requests, newest first (one listMyRequests). */
import { listMyRequests } from "../../../core/requests/list-my-requests.ts";
import { mineCard } from "../cards/lists.ts";
import type { CommandHandler } from "../deps.ts";
import { COMMANDS } from "../ids.ts";

export const mineCommand: CommandHandler = {
  kind: "command",
  command: COMMANDS.mine,
  description: "Your requests and where each one is",
  async handle(turn, deps) {
    await turn.reply(mineCard(await listMyRequests(deps.ctx, { email: turn.person.email })));
  },
};
