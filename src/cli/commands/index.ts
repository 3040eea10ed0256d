/** Every CLI command module; each adds its subcommands to the program. */
import type { Command } from "commander";

export type RegisterCommand = (program: Command) => void;

export const commandModules: RegisterCommand[] = [];
