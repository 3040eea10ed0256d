/**
 * The DPO's commands: one command language, rendered three ways (the Slack
 * console `/recording-dpo …`, the Teams console `dpo …`, and the CLI
 * `callgate dpo … --as <email>`). Platform-neutral: this folder depends on
 * src/core only; adapters render what it answers (ConsoleReply, reply.ts).
 *
 * How to add a command: put it in its area's file here (sar.ts, holds.ts …;
 * a new area gets its own file, listed below), calling ONE core command as
 * the session's actor (the core checks the role and audits refusals), and
 * answer with a ConsoleReply built from reply.ts. Vocabulary: singular nouns,
 * noun then verb (`hold place`, `sar open`, `erasure propose`); the acting
 * person is never an option (the chat user, or the CLI's `--as <email>`).
 */
import type { ConsoleModule } from "./run-console.ts";
import { auditConsole } from "./audit.ts";
import { breachConsole } from "./breach.ts";
import { covertConsole } from "./covert.ts";
import { disclosureConsole } from "./disclosure.ts";
import { erasureConsole } from "./erasure.ts";
import { holdsConsole } from "./holds.ts";
import { retentionConsole } from "./retention.ts";
import { sarConsole } from "./sar.ts";

export const CONSOLE_MODULES: readonly ConsoleModule[] = [auditConsole, sarConsole, holdsConsole, erasureConsole, retentionConsole, disclosureConsole, covertConsole, breachConsole];
