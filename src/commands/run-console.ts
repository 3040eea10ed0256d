/**
 * The DPO console: compliance commands typed in chat (`/recording-dpo ...`
 * and `/recording-audit ...` in Slack; `dpo ...` and `audit ...` in Teams),
 * parsed once here with commander so both platforms accept exactly the same
 * words and show the same help (help.ts, for DPOs only). Each command module calls one core command
 * (which checks the person's role) and answers with a platform-neutral
 * ConsoleReply. Parse errors and AppErrors come back as replies too, so the
 * person always hears what was wrong.
 */
import { Command, CommanderError } from "commander";
import parseArgv from "string-argv";
import type { CoreContext } from "../core/context.ts";
import { isAppError } from "../core/errors.ts";
import { ConsoleInputError } from "./console-input-error.ts";
import { requireDpo } from "../core/guards.ts";
import { dpoHelp } from "./help.ts";
import { CONSOLE_MODULES } from "./index.ts";
import { text, warning, type ConsoleReply } from "./reply.ts";

/** Who typed the command, and where. */
export interface ConsoleSession {
  ctx: CoreContext;
  actorEmail: string;
  /** Base of links the reply may carry, e.g. https://callgate.example.org */
  publicUrl: string;
}

/** One group of console commands (audit, sar, hold, erasure, disclosure, covert...). */
export interface ConsoleModule {
  register(program: Command, session: ConsoleSession, answer: (reply: ConsoleReply) => void): void;
}

/** Chat text is short; anything longer is not a command anyone typed. */
const MAX_COMMAND_LENGTH = 4_000;


/**
 * Runs one console command line. Resolves with the reply to show the person;
 * rejects only for failures on Callgate's side (the adapter's error handler
 * turns those into a generic message with a reference).
 */
export async function runConsole(session: ConsoleSession, line: string | readonly string[], modules: readonly ConsoleModule[] = CONSOLE_MODULES): Promise<ConsoleReply> {
  // The CLI passes the words its shell split; chat passes the line as typed.
  const length = typeof line === "string" ? line.trim().length : line.join(" ").length;
  if (length > MAX_COMMAND_LENGTH) return refusal("That command is too long.");
  const args = typeof line === "string" ? parseArgv(line.trim()) : [...line];
  let answer: ConsoleReply | undefined;
  let output = "";
  const program = new Command("dpo")
    .exitOverride()
    .configureOutput({ writeOut: (s) => (output += s), writeErr: (s) => (output += s), outputError: () => {} })
    .helpCommand(true)
    .showSuggestionAfterError(true);
  for (const module of modules) module.register(program, session, (reply) => (answer = reply));
  try {
    const help = helpWanted(args);
    if (help !== null) {
      // Only DPOs see the list of DPO commands; anyone else's attempt is refused on the record.
      await requireDpo(session.ctx, session.actorEmail, "see the DPO commands");
      return dpoHelp(program, help || undefined);
    }
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.help" || error.code === "commander.version") return dpoHelp(program);
      return { title: "That command was not understood", refused: true, blocks: [warning(cleanCommanderMessage(error.message)), text("Type `help` after the area (for example `sar help`) to see its commands, each with an example.")] };
    }
    if (error instanceof ConsoleInputError) return refusal(error.message);
    if (isAppError(error) && !["POLICY_INVALID", "CONFIG_INVALID", "DATABASE_BEHIND", "STORAGE_ERROR"].includes(error.code)) return refusal(error.message);
    throw error;
  }
  return answer ?? dpoHelp(program);
}

/**
 * Whether the line asks for help: "" or "help" (every area: ""), "sar help",
 * "help sar", "sar --help" or "sar -h" (that area). Null for any other line.
 */
function helpWanted(args: readonly string[]): string | null {
  if (args.length === 0) return "";
  const words = args.filter((a) => a !== "help" && a !== "--help" && a !== "-h");
  if (words.length === args.length || words.length > 1) return null;
  return words[0] ?? "";
}

function refusal(message: string): ConsoleReply {
  return { title: "Nothing was changed", blocks: [warning(message)], refused: true };
}

/** Commander's "error: unknown command 'hodl'\n(Did you mean hold?)" as one plain sentence. */
function cleanCommanderMessage(message: string): string {
  const plain = message.replace(/^error: /, "").replace(/'/g, "\"").replace(/\s*\n\s*\((Did you mean [^)]*)\)/, ". $1");
  return plain.charAt(0).toUpperCase() + plain.slice(1);
}
