/**
 * `/recordings help|mine|pending`: private replies listing requests by
 * reference and state. `/recordings revoke CG-000123 <reason>`: one
 * revokeGrant; the core decides who may (the DPO and the request's
 * authorisers) and anyone else gets its refusal, privately.
 */
import { z } from "zod";
import { revokeGrant } from "../../../core/playback/revoke-grant.ts";
import { listMyRequests } from "../../../core/requests/list-my-requests.ts";
import { listPendingActions } from "../../../core/requests/list-pending-actions.ts";
import { acknowledge, tellPrivately, type ListenerRegistration } from "../deps.ts";
import { COMMANDS } from "../ids.ts";
import { parsePayload, slashCommand } from "../payloads.ts";
import { helpMessage, mineMessage, pendingMessage, revokedText, revokeUsageMessage } from "../render/overview.ts";

/** What follows the command: a word, then (for revoke) the reference and the reason, kept as typed. */
const subcommand = z
  .string()
  .trim()
  .transform((text) => {
    const [, word = "", key = "", reason = ""] = /^(\S*)\s*(\S*)\s*([\s\S]*)$/.exec(text) ?? [];
    return { word: word.toLowerCase(), key, reason };
  });

export const recordingsCommand: ListenerRegistration = {
  kind: "command",
  id: COMMANDS.recordings,
  register(app, deps) {
    app.command(COMMANDS.recordings, async ({ ack, body, respond }) => {
      await acknowledge(ack);
      const command = parsePayload(slashCommand, body);
      const { word, key, reason } = subcommand.parse(command.text);
      if (word === "revoke" && !key) {
        await tellPrivately(respond, revokeUsageMessage());
        return;
      }
      if (word !== "mine" && word !== "pending" && word !== "revoke") {
        await tellPrivately(respond, helpMessage(deps.render));
        return;
      }
      const person = await deps.directory.personFor(command.user_id);
      if (word === "revoke") {
        const { revoked } = await revokeGrant(deps.ctx, { grantOrRequestId: key, actorEmail: person.email, reason });
        await tellPrivately(respond, { text: revokedText(revoked, key) });
        return;
      }
      const reply = word === "mine" ? mineMessage(await listMyRequests(deps.ctx, { email: person.email })) : pendingMessage(await listPendingActions(deps.ctx, { email: person.email }));
      await tellPrivately(respond, reply);
    });
  },
};
