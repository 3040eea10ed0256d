/**
 * `audit [period] [filters]`: the DPO's audit summary, i.e. the console line
 * `audit ...` (as Slack's `/recording-audit`). The core decides who may see
 * it; anyone else gets its polite refusal, which the audit module records.
 */
import type { CommandHandler } from "../deps.ts";
import { COMMANDS } from "../ids.ts";
import { answerConsole } from "./dpo-command.ts";

export const auditCommand: CommandHandler = {
  kind: "command",
  command: COMMANDS.audit,
  description: "Data Protection Officers: audit summary, e.g. audit, audit this month, audit 2026-01-01..2026-03-31",
  answersPrivately: true,
  async handle(turn, deps) {
    // `audit help` would otherwise be read as a period called "help".
    const wantsHelp = /^(help|-h|--help)$/i.test(turn.args);
    await answerConsole(turn, deps, wantsHelp ? `help ${COMMANDS.audit}` : `${COMMANDS.audit} ${turn.args}`);
  },
};
