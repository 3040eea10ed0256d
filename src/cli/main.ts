/**
 * The `callgate` admin command line. Each subcommand lives in its own file
 * under ./commands and registers itself on the program.
 */
import { Command } from "commander";
import { isAppError } from "../core/errors.ts";
import { commandGroups } from "./commands/index.ts";

const program = new Command("callgate").description("Callgate administration: policy, recordings and audit").showHelpAfterError();
// Only the group being run is loaded; anything else (help, a typo) loads them all, so commander can list them.
const group = process.argv[2];
const wanted = group !== undefined && Object.hasOwn(commandGroups, group) ? [commandGroups[group]!] : Object.values(commandGroups);
for (const load of wanted) (await load())(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (isAppError(error)) {
    console.error(`${error.code}: ${error.message}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
