/**
 * A DPO command's form is submitted (Action.Execute dpoFormSubmit, data
 * {command, …the inputs}): the same command as the typed one, run as whoever
 * submitted (the core checks their role). Problems come back in the form,
 * beside their field, with every value kept; success replaces the form with
 * the command's answer. Only in the person's personal chat: the answer
 * replaces the card where it was clicked, and compliance output must not
 * land in a shared conversation.
 */
import { z } from "zod";
import { DPO_FORMS } from "../../../commands/index.ts";
import { runForm } from "../../../commands/form.ts";
import { AppError } from "../../../core/errors.ts";
import { addressOf } from "../address.ts";
import { consoleReplyCard } from "../cards/console-reply.ts";
import { dpoFormCard } from "../cards/dpo-form.ts";
import type { VerbHandler } from "../deps.ts";
import { VERBS } from "../ids.ts";

const submitted = z.object({ command: z.string().max(100) }).catchall(z.unknown());

export const dpoFormSubmitted: VerbHandler = {
  kind: "verb",
  verb: VERBS.dpoFormSubmit,
  async handle(turn, deps) {
    const data = submitted.safeParse(turn.data);
    const form = data.success ? DPO_FORMS.get(data.data.command) : undefined;
    if (!data.success || !form) throw new AppError("INVALID_INPUT", "This form is out of date. Type the command again (for example `dpo sar open`) to open a new one.");
    // Checked before running: a submission naming a shared conversation must change nothing.
    if (!addressOf(turn.activity, turn.person.email)) throw new AppError("FORBIDDEN", "Callgate only answers that in your personal chat with it.");
    const raw = Object.fromEntries(form.fields.map((f) => [f.key, typeof data.data[f.key] === "string" ? (data.data[f.key] as string).slice(0, 10_000) : undefined]));
    const outcome = await runForm({ ctx: deps.ctx, actorEmail: turn.person.email, publicUrl: deps.publicUrl }, form, raw);
    return outcome.ok ? consoleReplyCard(outcome.reply) : dpoFormCard(form, raw, outcome.errors);
  },
};
