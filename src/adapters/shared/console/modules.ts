/** Every console command module, in the order `help` lists them. Add one line per module. */
import type { ConsoleModule } from "./run-console.ts";
import { auditConsole } from "./audit.ts";
import { covertConsole } from "./covert.ts";
import { disclosureConsole } from "./disclosure.ts";
import { erasureConsole } from "./erasure.ts";
import { holdsConsole } from "./holds.ts";
import { retentionConsole } from "./retention.ts";
import { sarConsole } from "./sar.ts";

export const CONSOLE_MODULES: readonly ConsoleModule[] = [auditConsole, sarConsole, holdsConsole, erasureConsole, retentionConsole, disclosureConsole, covertConsole];
