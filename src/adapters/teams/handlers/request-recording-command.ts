/**
 * `request recording [purpose]` (also the first entry of the bot's command
 * menu) sends the request form: only the purposes the core says this person
 * may use, their own site chosen when they have exactly one.
 */
import type { CoreContext } from "../../../core/context.ts";
import type { Person } from "../../../core/policy/schema.ts";
import type { Card } from "../cards/elements.ts";
import { formCallTime, formPurposes } from "../../shared/presentation.ts";
import { requestFormCard, type RequestFormOptions, type RequestFormValues } from "../cards/request-form.ts";
import type { CommandHandler } from "../deps.ts";
import { COMMANDS } from "../ids.ts";

export const requestRecordingCommand: CommandHandler = {
  kind: "command",
  command: COMMANDS.requestRecording,
  description: "Ask for a recorded call: sends you the request form",
  async handle(turn, deps) {
    const wanted = turn.args.toLowerCase();
    const purposes = formPurposes(deps.ctx, turn.person);
    const purposeId = purposes.find((p) => p.id === wanted || p.label.toLowerCase() === wanted)?.id;
    await turn.reply(requestForm(deps.ctx, turn.person, purposeId ? { purposeId } : {}));
  },
};

/** The form for this person; shared with the submit handler, which redraws it with errors. */
export function requestForm(ctx: CoreContext, person: Person, values: RequestFormValues, errors?: RequestFormOptions["errors"]): Card {
  const purposes = formPurposes(ctx, person);
  const siteId = values.siteId ?? (person.sites.length === 1 ? person.sites[0] : undefined);
  const staff = ctx.policy.people.filter((p) => p.email !== person.email).map((p) => ({ email: p.email, name: p.name }));
  return requestFormCard({ purposes, sites: ctx.policy.sites, staff, values: { ...values, ...(siteId ? { siteId } : {}) }, callTime: formCallTime(ctx), ...(errors ? { errors } : {}) });
}
