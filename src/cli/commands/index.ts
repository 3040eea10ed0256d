/** Every CLI command module; each adds its subcommands to the program. */
import type { Command } from "commander";
import { registerAuditCommands } from "./audit.ts";
import { registerGrantCommands } from "./grants.ts";
import { registerPolicyCommands } from "./policy.ts";
import { registerRecordingsCommands } from "./recordings.ts";
import { registerErasureCommands } from "./erasure.ts";
import { registerHoldCommands } from "./holds.ts";
import { registerRetentionCommands } from "./retention.ts";
import { registerSarCommands } from "./sar.ts";
import { registerDisclosureCommands } from "./disclosure.ts";
import { registerCovertCommands } from "./covert.ts";

export type RegisterCommand = (program: Command) => void;

export const commandModules: RegisterCommand[] = [registerPolicyCommands, registerRecordingsCommands, registerAuditCommands, registerGrantCommands, registerRetentionCommands, registerHoldCommands, registerErasureCommands, registerSarCommands, registerDisclosureCommands, registerCovertCommands];
