/**
 * `callgate dpo <command> … --as <email>`: the DPO's commands from the
 * terminal, the very same commands (and words) as the chat console
 * (src/commands), run as the person given by --as; the answer is printed as
 * text. `callgate dpo help --as <email>` lists them, for DPOs. Files the
 * commands make (bundles, exports) reach that person by direct message, as
 * in chat.
 */
import type { Command } from "commander";
import { runConsole } from "../../commands/run-console.ts";
import { withCliContext } from "../open-context.ts";
import { replyAsText } from "../reply-text.ts";
import type { RegisterCommand } from "./index.ts";

export const registerDpoCommands: RegisterCommand = (program: Command) => {
  program
    .command("dpo")
    .description('The Data Protection Officer\'s commands, as in chat: callgate dpo help --as <email>, callgate dpo sar open --name "Jo Bloggs" … --as <email>')
    .argument("[command...]", "the command, in the same words as /recording-dpo in Slack or dpo in Teams")
    .requiredOption("--as <email>", "your e-mail as the policy lists it")
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[], opts: { as: string }) => {
      await withCliContext(async ({ ctx, config }) => {
        const reply = await runConsole({ ctx, actorEmail: opts.as, publicUrl: config.publicUrl }, words);
        console.log(replyAsText(reply));
        if (reply.refused) process.exitCode = 2;
      });
    });
};
