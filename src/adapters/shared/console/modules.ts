/** Every console command module, in the order `help` lists them. Add one line per module. */
import type { ConsoleModule } from "./run-console.ts";

export const CONSOLE_MODULES: readonly ConsoleModule[] = [];
