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
 * Give it an example in help.ts (EXAMPLES): `dpo help` is written from them.
 *
 * A command that opens something (a SAR, a hold…) can also be a form: declare
 * its fields once as a FormSpec (form.ts; see SAR_OPEN_FORM in sar.ts),
 * register it with registerForm, and add it to DPO_FORMS below. Typed alone
 * it opens the form (a Slack modal, a Teams card) drawn from those fields.
 */
import type { ConsoleModule } from "./run-console.ts";
import type { FormSpec } from "./form.ts";
import { auditConsole } from "./audit.ts";
import { breachConsole } from "./breach.ts";
import { covertConsole, COVERT_AUTHORISE_FORM } from "./covert.ts";
import { disclosureConsole, DISCLOSURE_NEW_FORM } from "./disclosure.ts";
import { erasureConsole, ERASURE_PROPOSE_FORM } from "./erasure.ts";
import { holdsConsole, HOLD_PLACE_FORM } from "./holds.ts";
import { retentionConsole } from "./retention.ts";
import { sarConsole, SAR_OPEN_FORM } from "./sar.ts";

export const CONSOLE_MODULES: readonly ConsoleModule[] = [auditConsole, sarConsole, holdsConsole, erasureConsole, retentionConsole, disclosureConsole, covertConsole, breachConsole];

/** Every command that is also a form, by its console words ("sar open"). */
export const DPO_FORMS: ReadonlyMap<string, FormSpec> = new Map([SAR_OPEN_FORM, HOLD_PLACE_FORM, ERASURE_PROPOSE_FORM, DISCLOSURE_NEW_FORM, COVERT_AUTHORISE_FORM].map((f) => [f.command, f]));
