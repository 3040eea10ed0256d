/**
 * A button on a DPO console reply ("Export CSV", "Confirm erasure", ...).
 * Its value is a console command line; it runs as whoever clicks, so the
 * core checks that person's role again, and the reply goes to their DM.
 */
import { AppError } from "../../../core/errors.ts";
import { runConsoleInDm } from "../console-dm.ts";
import { acknowledge, type ListenerRegistration } from "../deps.ts";
import { ACTIONS } from "../ids.ts";
import { blockAction, firstAction, parsePayload } from "../payloads.ts";

export const consoleActionClicked: ListenerRegistration = {
  kind: "action",
  id: ACTIONS.consoleRun,
  register(app, deps) {
    app.action(ACTIONS.consoleRun, async ({ ack, body, respond }) => {
      await acknowledge(ack);
      const payload = parsePayload(blockAction, body);
      const line = firstAction(payload).value;
      if (!line) throw new AppError("INVALID_INPUT", "That button carries no command. Type the command instead.");
      await runConsoleInDm(deps, { userId: payload.user.id, line, respond, ...(payload.trigger_id ? { triggerId: payload.trigger_id } : {}) });
    });
  },
};
