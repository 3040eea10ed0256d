/** A fulfiller picks the matching call from the list: one fulfilRequest. */
import { z } from "zod";
import { AppError } from "../../../core/errors.ts";
import { fulfilRequest } from "../../../core/requests/fulfil-request.ts";
import { acknowledge, tellPrivately, type ListenerRegistration } from "../deps.ts";
import { ACTIONS } from "../ids.ts";
import { blockAction, firstAction, parsePayload } from "../payloads.ts";

const choice = z.object({ requestId: z.string().min(1).max(100), recordingId: z.string().min(1).max(100) });

export const fulfilmentChosen: ListenerRegistration = {
  kind: "action",
  id: ACTIONS.fulfilChoose,
  register(app, deps) {
    app.action(ACTIONS.fulfilChoose, async ({ ack, body, respond }) => {
      await acknowledge(ack);
      const payload = parsePayload(blockAction, body);
      const picked = choice.safeParse(safeJson(firstAction(payload).selected_option?.value));
      if (!picked.success) throw new AppError("INVALID_INPUT", "Slack did not say which call you chose. Please choose it again.");
      const person = await deps.directory.personFor(payload.user.id);
      const request = await fulfilRequest(deps.ctx, { requestId: picked.data.requestId, fulfillerEmail: person.email, recordingId: picked.data.recordingId });
      await tellPrivately(respond, { text: `Thank you. ${request.reference} is matched to the call you chose; the requester has been told.` });
    });
  },
};

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    return undefined;
  }
}
