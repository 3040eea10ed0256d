/** `/recordings help|mine|pending`: private replies listing requests by reference and state. */
import { listMyRequests } from "../../../core/requests/list-my-requests.ts";
import { listPendingActions } from "../../../core/requests/list-pending-actions.ts";
import { acknowledge, tellPrivately, type ListenerRegistration } from "../deps.ts";
import { COMMANDS } from "../ids.ts";
import { parsePayload, slashCommand } from "../payloads.ts";
import { helpMessage, mineMessage, pendingMessage } from "../render/overview.ts";

export const recordingsCommand: ListenerRegistration = {
  kind: "command",
  id: COMMANDS.recordings,
  register(app, deps) {
    app.command(COMMANDS.recordings, async ({ ack, body, respond }) => {
      await acknowledge(ack);
      const command = parsePayload(slashCommand, body);
      const what = command.text.trim().toLowerCase();
      if (what !== "mine" && what !== "pending") {
        await tellPrivately(respond, helpMessage(deps.render));
        return;
      }
      const person = await deps.directory.personFor(command.user_id);
      const reply = what === "mine" ? mineMessage(await listMyRequests(deps.ctx, { email: person.email })) : pendingMessage(await listPendingActions(deps.ctx, { email: person.email }));
      await tellPrivately(respond, reply);
    });
  },
};
