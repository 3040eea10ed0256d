/**
 * The DPO console: compliance commands typed in chat (`/recording-dpo ...`
 * and `/recording-audit ...` in Slack; `dpo ...` and `audit ...` in Teams),
 * parsed once here with commander so both platforms accept exactly the same
 * words and show the same help. Each command module calls one core command
 * (which checks the person's role) and answers with a platform-neutral
 * ConsoleReply. Parse errors and AppErrors come back as replies too, so the
 * person always hears what was wrong.
 */
import { Command, CommanderError } from "commander";
import parseArgv from "string-argv";
import type { CoreContext } from "../core/context.ts";
import { isAppError } from "../core/errors.ts";
import { ConsoleInputError } from "./console-input-error.ts";
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
export async function runConsole(session: ConsoleSession, line: string, modules: readonly ConsoleModule[] = CONSOLE_MODULES): Promise<ConsoleReply> {
  const trimmed = line.trim();
  if (trimmed.length > MAX_COMMAND_LENGTH) return refusal("That command is too long.");
  const args = parseArgv(trimmed);
  let answer: ConsoleReply | undefined;
  let output = "";
  const program = new Command("dpo")
    .exitOverride()
    .configureOutput({ writeOut: (s) => (output += s), writeErr: (s) => (output += s), outputError: () => {} })
    .helpCommand(true)
    .showSuggestionAfterError(true);
  for (const module of modules) module.register(program, session, (reply) => (answer = reply));
  if (args.length === 0) args.push("help");
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.help" || error.code === "commander.version") return helpReply(output);
      return { title: "That command was not understood", blocks: [warning(cleanCommanderMessage(error.message)), text("Type `help` after the command (for example `sar help`) to see what it takes.")] };
    }
    if (error instanceof ConsoleInputError) return refusal(error.message);
    if (isAppError(error) && !["POLICY_INVALID", "CONFIG_INVALID", "DATABASE_BEHIND", "STORAGE_ERROR"].includes(error.code)) return refusal(error.message);
    throw error;
  }
  return answer ?? helpReply(output || program.helpInformation());
}

function refusal(message: string): ConsoleReply {
  return { title: "Nothing was changed", blocks: [warning(message)] };
}

function helpReply(output: string): ConsoleReply {
  return { title: "Callgate DPO commands", blocks: [{ kind: "text", text: output.replace(/^Usage: dpo /m, "Usage: ").trim() }] };
}

/** Commander's "error: unknown command 'hodl'\n(Did you mean hold?)" as one plain sentence. */
function cleanCommanderMessage(message: string): string {
  const plain = message.replace(/^error: /, "").replace(/'/g, "\"").replace(/\s*\n\s*\((Did you mean [^)]*)\)/, ". $1");
  return plain.charAt(0).toUpperCase() + plain.slice(1);
}
