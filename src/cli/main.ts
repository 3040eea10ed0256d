/**
 * The `callgate` admin command line. Each subcommand lives in its own file
 * under ./commands and registers itself on the program.
 */
import { Command } from "commander";
import { isAppError } from "../core/errors.ts";
import { commandModules } from "./commands/index.ts";

const program = new Command("callgate").description("Callgate administration: policy, recordings and audit").showHelpAfterError();
for (const register of commandModules) register(program);

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
