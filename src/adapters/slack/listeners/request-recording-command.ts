/**
 * `/request-recording [dd/mm/yyyy] [hh:mm] [number] [inbound|outbound]`
 * opens the request form, pre-filled from the arguments. Acknowledged first;
 * the modal must then open within the trigger's 3 seconds, so the only work
 * before views.open is the (cached) identity lookup.
 */
import type { Person } from "../../../core/policy/schema.ts";
import type { CoreContext } from "../../../core/context.ts";
import { parseRequestArguments } from "../arguments.ts";
import { acknowledge, type ListenerRegistration } from "../deps.ts";
import { COMMANDS } from "../ids.ts";
import { parsePayload, slashCommand } from "../payloads.ts";
import { formCallTime, formPurposes } from "../../shared/presentation.ts";
import { requestFormView, type RequestFormValues } from "../render/request-form.ts";
import type { types } from "@slack/bolt";

export const requestRecordingCommand: ListenerRegistration = {
  kind: "command",
  id: COMMANDS.requestRecording,
  register(app, deps) {
    app.command(COMMANDS.requestRecording, async ({ ack, body }) => {
      await acknowledge(ack);
      const command = parsePayload(slashCommand, body);
      const person = await deps.directory.personFor(command.user_id);
      const values = parseRequestArguments(command.text);
      const view = requestForm(deps.ctx, person, values);
      await deps.client.views.open({ trigger_id: command.trigger_id, view });
    });
  },
};

/**
 * The form for this person: only the purposes the core says they may use;
 * their own site chosen when they have exactly one. Shared with the listener
 * that redraws the form when the purpose changes.
 */
export function requestForm(ctx: CoreContext, person: Person, values: RequestFormValues): types.ModalView {
  const purposes = formPurposes(ctx, person);
  const siteId = values.siteId ?? (person.sites.length === 1 ? person.sites[0] : undefined);
  return requestFormView({ purposes, sites: ctx.policy.sites, values: { ...values, siteId }, callTime: formCallTime(ctx) });
}
