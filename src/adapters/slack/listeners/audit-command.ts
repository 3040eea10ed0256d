/**
 * `/recording-audit <rest>`: the audit summary, the same as
 * `/recording-dpo audit <rest>` (period, filters). For the DPO only; anyone
 * else gets the core's polite refusal, which the core also audits. The reply
 * (and its chart) goes to the person's DM with the bot.
 */
import { runConsoleInDm } from "../console-dm.ts";
import { acknowledge, type ListenerRegistration } from "../deps.ts";
import { COMMANDS } from "../ids.ts";
import { parsePayload, slashCommand } from "../payloads.ts";

export const auditCommand: ListenerRegistration = {
  kind: "command",
  id: COMMANDS.audit,
  register(app, deps) {
    app.command(COMMANDS.audit, async ({ ack, body, respond }) => {
      await acknowledge(ack);
      const command = parsePayload(slashCommand, body);
      await runConsoleInDm(deps, { userId: command.user_id, line: `audit ${command.text}`, ...(command.channel_id ? { channelId: command.channel_id } : {}), respond });
    });
  },
};
