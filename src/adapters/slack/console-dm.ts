/**
 * The DPO console on Slack: runs one console command line as the Slack user
 * who typed or clicked it, and posts the reply in that person's direct
 * message with the bot, never where the command was typed, because
 * compliance output must not land in a shared channel. A chart travels as a
 * real file upload into the same DM. A command typed bare that is a form
 * (`sar open`) opens the form as a modal instead (render/dpo-form.ts).
 *
 * The command line is never logged: it may hold a phone number or a name.
 */
import { isAppError } from "../../core/errors.ts";
import { DPO_FORMS } from "../../commands/index.ts";
import { runConsole, type ConsoleSession } from "../../commands/run-console.ts";
import { dpoFormView } from "./render/dpo-form.ts";
import type { ConsoleReply } from "../../commands/reply.ts";
import { tellPrivately, type Respond, type SlackDeps } from "./deps.ts";
import { truncate } from "./render/blocks.ts";
import { renderConsoleReply } from "./render/console-reply.ts";

/** What the ephemeral pointer says when the command was typed outside the bot's DM. */
export const SENT_TO_DM = "Sent to you in a direct message.";

export interface ConsoleRun {
  /** The Slack user who typed the command or clicked the button. */
  userId: string;
  /** The console command line (without "/recording-dpo"). */
  line: string;
  /** Where the command was typed; when it is not the bot's DM, the person is pointed there. */
  channelId?: string;
  respond?: Respond;
  /** From the slash command or button: lets a command typed bare open its form as a modal. */
  triggerId?: string;
}

/** Runs the line as the person and answers in their DM. Failures on Callgate's side propagate to the error boundary. */
export async function runConsoleInDm(deps: SlackDeps, run: ConsoleRun): Promise<void> {
  const session: ConsoleSession = { ctx: deps.ctx, actorEmail: await consoleActor(deps, run.userId), publicUrl: deps.publicUrl };
  const reply = await runConsole(session, run.line);
  const form = reply.form ? DPO_FORMS.get(reply.form) : undefined;
  if (form && run.triggerId) {
    await deps.client.views.open({ trigger_id: run.triggerId, view: dpoFormView(form) });
    return;
  }
  const channel = await postConsoleReply(deps, run.userId, reply);
  if (run.channelId !== undefined && run.channelId !== channel) await tellPrivately(run.respond, { text: SENT_TO_DM });
}

/**
 * The e-mail the console acts as. A person in the policy is linked as usual
 * (so later notices, such as a file being ready, reach them here); someone
 * Slack knows but the policy does not still reaches the core, whose refusal
 * is audited like anyone else's.
 */
export async function consoleActor(deps: SlackDeps, userId: string): Promise<string> {
  try {
    return (await deps.directory.personFor(userId)).email;
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_SET_UP") return deps.directory.emailOf(userId);
    throw error;
  }
}

/** Posts the reply (and its chart, if any) into the person's DM with the bot; returns the DM's channel id. */
export async function postConsoleReply(deps: SlackDeps, userId: string, reply: ConsoleReply): Promise<string> {
  const opened = await deps.client.conversations.open({ users: userId });
  const channel = opened.channel?.id;
  if (!channel) throw new Error("Slack opened no conversation");
  // Slack's DM ids start with "D": anything else could be seen by others.
  if (!channel.startsWith("D")) throw new Error(`refusing to post a console reply to ${channel}: only direct messages`);
  const { text, blocks } = renderConsoleReply(reply, {
    onButtonDropped: ({ index, commandLength }) => deps.logger.warn({ index, commandLength }, "left a console button out: its command is longer than a Slack button can carry"),
  });
  await deps.client.chat.postMessage({ channel, text, blocks, unfurl_links: false, unfurl_media: false });
  if (reply.image) {
    await deps.client.files.uploadV2({
      channel_id: channel,
      file: reply.image.png,
      filename: reply.image.fileName,
      title: truncate(reply.image.altText, 250),
      alt_text: truncate(reply.image.altText, 1000),
    });
  }
  return channel;
}
