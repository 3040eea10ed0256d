/** Every CLI command module; each adds its subcommands to the program. */
import type { Command } from "commander";
import { registerAuditCommands } from "./audit.ts";
import { registerGrantCommands } from "./grants.ts";
import { registerPolicyCommands } from "./policy.ts";
import { registerRecordingsCommands } from "./recordings.ts";

export type RegisterCommand = (program: Command) => void;

export const commandModules: RegisterCommand[] = [registerPolicyCommands, registerRecordingsCommands, registerAuditCommands, registerGrantCommands];
