/**
 * Every CLI command group, by the name typed after `callgate`. Each group's
 * module is imported only when that group runs (or when help lists them all),
 * so `callgate policy check` does not load the database and storage drivers.
 */
import type { Command } from "commander";

export type RegisterCommand = (program: Command) => void;

export const commandGroups: Record<string, () => Promise<RegisterCommand>> = {
  policy: async () => (await import("./policy.ts")).registerPolicyCommands,
  recordings: async () => (await import("./recordings.ts")).registerRecordingsCommands,
  audit: async () => (await import("./audit.ts")).registerAuditCommands,
  grants: async () => (await import("./grants.ts")).registerGrantCommands,
  dpo: async () => (await import("./dpo.ts")).registerDpoCommands,
  retention: async () => (await import("./retention.ts")).registerRetentionCommands,
};
