/**
 * `/recording-dpo <line>`: one DPO console command (help, sar, hold,
 * erasure, disclosure, covert, export...). Acknowledged at once; the reply
 * goes to the person's DM with the bot, and if they typed the command
 * anywhere else they are told so privately. The core checks their role.
 */
import { runConsoleInDm } from "../console-dm.ts";
import { acknowledge, type ListenerRegistration } from "../deps.ts";
import { COMMANDS } from "../ids.ts";
import { parsePayload, slashCommand } from "../payloads.ts";

export const dpoCommand: ListenerRegistration = {
  kind: "command",
  id: COMMANDS.dpo,
  register(app, deps) {
    app.command(COMMANDS.dpo, async ({ ack, body, respond }) => {
      await acknowledge(ack);
      const command = parsePayload(slashCommand, body);
      await runConsoleInDm(deps, { userId: command.user_id, line: command.text, triggerId: command.trigger_id, ...(command.channel_id ? { channelId: command.channel_id } : {}), respond });
    });
  },
};
