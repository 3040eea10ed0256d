/**
 * Registers a form's command as a typed console command: its options come
 * from the form's fields; typed with no options at all, it answers with the
 * form (Slack opens the modal, Teams sends the card; the CLI says what to type).
 */
import type { Command } from "commander";
import { addFieldOptions, runTyped, type FormSpec } from "./form.ts";
import { list, text, type ConsoleReply } from "./reply.ts";
import type { ConsoleSession } from "./run-console.ts";

export function registerForm(parent: Command, verb: string, description: string, form: FormSpec, session: ConsoleSession, answer: (reply: ConsoleReply) => void): Command {
  const command = addFieldOptions(parent.command(verb).description(description), form.fields);
  command.action(async (opts: Record<string, unknown>) => {
    const given = Object.values(opts).some((v) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== false));
    answer(given ? await runTyped(session, form, opts) : formReply(form));
  });
  return command;
}

/** The answer to a form's command typed bare: open the form, or type it with these options. */
export function formReply(form: FormSpec): ConsoleReply {
  return {
    title: form.title,
    blocks: [text(`${form.intro}`), text(`To type it instead: ${form.command} ${form.fields.filter((f) => f.required).map((f) => `${f.flag} ${f.kind === "flag" ? "" : `"…"`}`.trim()).join(" ")}`), list(form.fields.map((f) => `${f.flag}: ${f.help}${f.required ? "" : " (optional)"}`))],
    form: form.command,
  };
}
