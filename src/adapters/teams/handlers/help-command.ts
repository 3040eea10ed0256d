/**
 * `help`: what Callgate does and the commands, in the personal chat. Data
 * Protection Officers also see the compliance commands (others would only
 * be refused them).
 */
import { isDpo } from "../../../core/policy/access.ts";
import { card, subtle, text, type Element } from "../cards/elements.ts";
import { helpCard } from "../cards/lists.ts";
import type { CommandHandler } from "../deps.ts";
import { COMMANDS } from "../ids.ts";

export const helpCommand: CommandHandler = {
  kind: "command",
  command: COMMANDS.help,
  description: "How to use Callgate",
  async handle(turn, deps) {
    const general = helpCard(deps.render);
    if (!isDpo(deps.ctx.policy, turn.person)) {
      await turn.reply(general);
      return;
    }
    const dpo: Element[] = [
      text("**For the Data Protection Officer**"),
      text(
        [
          `- **${COMMANDS.audit}** shows the audit summary for the last 30 days; add a period such as **${COMMANDS.audit} this month** or **${COMMANDS.audit} 2026-01-01..2026-03-31**, and see **${COMMANDS.audit} help** for the filters and exports.`,
          `- **${COMMANDS.dpo} help** lists the compliance commands: subject access requests, holds, erasure, retention, disclosures and covert monitoring.`,
        ].join("\n"),
      ),
      subtle("Compliance answers only ever arrive in this chat."),
    ];
    await turn.reply(card([...((general.body as Element[] | undefined) ?? []), ...dpo], { fallbackText: general.fallbackText ?? "How to use Callgate" }));
  },
};
