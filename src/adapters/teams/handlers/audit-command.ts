/** `audit`: reserved for the DPO's audit view (a later issue); says so rather than guessing. */
import { auditComingCard } from "../cards/lists.ts";
import type { CommandHandler } from "../deps.ts";
import { COMMANDS } from "../ids.ts";

export const auditCommand: CommandHandler = {
  kind: "command",
  command: COMMANDS.audit,
  description: "Audit log for Data Protection Officers (coming soon)",
  async handle(turn) {
    await turn.reply(auditComingCard());
  },
};
