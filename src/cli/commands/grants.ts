/**
 * `callgate grants revoke`: ends playback access at once, as the DPO or one of
 * the request's authorisers, with a reason for the audit log.
 */
import type { Command } from "commander";
import { revokeGrant } from "../../core/playback/revoke-grant.ts";
import { openCliContext } from "../open-context.ts";
import type { RegisterCommand } from "./index.ts";

export const registerGrantCommands: RegisterCommand = (program: Command) => {
  const grants = program.command("grants").description("Playback access");
  grants
    .command("revoke")
    .description("Revoke live playback access for a request (CG-000123) or one grant id")
    .argument("<request-or-grant>", "request reference or grant id")
    .requiredOption("--as <email>", "your e-mail as the policy lists it (the DPO or an authoriser)")
    .requiredOption("--reason <text>", "why access is being revoked (kept in the audit log)")
    .action(async (target: string, opts: { as: string; reason: string }) => {
      const { ctx, close } = await openCliContext();
      try {
        const { revoked } = await revokeGrant(ctx, { grantOrRequestId: target, actorEmail: opts.as, reason: opts.reason });
        console.log(`Revoked ${revoked} playback grant${revoked === 1 ? "" : "s"} for ${target}. The requester will be told.`);
      } finally {
        await close();
      }
    });
};
