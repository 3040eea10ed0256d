/**
 * Routes inbound activities to handlers, once per app: identity first (the
 * sender becomes a policy person, their personal chat remembered), then the
 * one handler for the command or verb, then the reply. Errors end here:
 * AppErrors become friendly words, anything else is logged with a reference
 * the person is given. A refused click comes back as the card as it is now,
 * with the reason above it, and changes nothing (a DPO console button keeps
 * its card and is answered with a message instead). In group chats and
 * channels nothing is answered there except a pointer: a command marked
 * answersPrivately (the DPO console) is answered in the person's personal
 * chat, and everything else is refused.
 */
import type { IAdaptiveCardActionInvokeActivity, InstallUpdateActivity, IMessageActivity } from "@microsoft/teams.api";
import type { IActivityContext } from "@microsoft/teams.apps";
import { AppError, isAppError } from "../../core/errors.ts";
import { cardActionActivity, installActivity, messageActivity, parseActivity, type CardActionActivity } from "./activities.ts";
import { addressOf } from "./address.ts";
import { card as adaptiveCard, CARD_CONTENT_TYPE, text as text_, type Card } from "./cards/elements.ts";
import { helpCard, refusalCard } from "./cards/lists.ts";
import { cardData, currentCardFor } from "./card-data.ts";
import type { CommandHandler, TeamsDeps, VerbHandler } from "./deps.ts";
import type { MemberLookup } from "./directory.ts";
import { errorReference, friendlyMessage, isUserFacing } from "./friendly-errors.ts";
import { VERBS } from "./ids.ts";
import { personalChatOf, postToPersonalChat } from "./personal-chat.ts";
import type { CallgateTeamsApp } from "./teams-app.ts";

export interface Handlers {
  commands: readonly CommandHandler[];
  verbs: readonly VerbHandler[];
}

type Ctx = Pick<IActivityContext, "api" | "send">;

export function registerHandlers(app: CallgateTeamsApp, deps: TeamsDeps, handlers: Handlers): void {
  const byVerb = new Map(handlers.verbs.map((h) => [h.verb as string, h]));
  // Longest first, so "request recording" wins over any shorter command it starts with.
  const commands = [...handlers.commands].sort((a, b) => b.command.length - a.command.length);

  app.on("message", async (ctx) => {
    const reply = async (card: Card) => void (await ctx.send({ type: "message", attachments: [{ contentType: CARD_CONTENT_TYPE, content: card }] } as never));
    try {
      const activity = parseActivity(messageActivity, ctx.activity as IMessageActivity);
      const person = await deps.directory.personFor(activity, lookupFor(ctx));
      const typed = clean(activity.text);
      const text = typed.toLowerCase();
      const handler = commands.find((c) => text === c.command || text.startsWith(`${c.command} `));
      // Matched case-insensitively; the arguments keep the case they were typed in (names, reasons).
      const args = handler ? typed.slice(handler.command.length).trim() : "";
      if (!addressOf(activity, person.email)) {
        // In group chats and channels Callgate says nothing about requests; a
        // command that may be typed there is answered in the personal chat.
        const personal = handler?.answersPrivately ? await personalChatOf(deps.ctx, activity) : null;
        if (!handler || !personal) {
          await reply(refusalCard("Please message Callgate in your personal chat with it: requests are never discussed in group chats or channels."));
          return;
        }
        await handler.handle({ activity, person, args, reply: (card) => postToPersonalChat((url) => app.connector(url), personal, card) }, deps);
        await reply(adaptiveCard([text_("I've sent that to you in our personal chat.")], { fallbackText: "I've sent that to you in our personal chat." }));
        return;
      }
      if (!handler) {
        await reply(helpCard(deps.render));
        return;
      }
      await handler.handle({ activity, person, args, reply }, deps);
    } catch (error) {
      await answerRefusal(deps, () => reply(refusalCard(report(deps, error, "a Teams message could not be handled"))));
    }
  });

  app.on("card.action", async (ctx) => {
    let activity: CardActionActivity | undefined;
    let viewer: { email?: string; userId?: string } = {};
    try {
      activity = parseActivity(cardActionActivity, ctx.activity as IAdaptiveCardActionInvokeActivity);
      viewer = { userId: activity.from.id };
      const person = await deps.directory.personFor(activity, lookupFor(ctx));
      viewer = { email: person.email, userId: activity.from.id };
      const handler = byVerb.get(activity.value.action.verb);
      if (!handler) return cardResponse(refusalCard("Callgate does not know that button. Type `help` to see what it can do."));
      const clicked = activity;
      const send = async (card: Card) => {
        // Only ever into the clicker's personal chat, whatever conversation the click names.
        if (!addressOf(clicked, person.email)) throw new AppError("FORBIDDEN", "Callgate only answers that in your personal chat with it.");
        await ctx.send({ type: "message", attachments: [{ contentType: CARD_CONTENT_TYPE, content: card }] } as never);
      };
      const answer = await handler.handle({ activity, person, data: activity.value.action.data, send }, deps);
      return "message" in answer ? messageResponse(answer.message) : cardResponse(answer);
    } catch (error) {
      const message = report(deps, error, "a Teams card action could not be handled");
      // A console button's card is left as it is: the refusal is shown beside it.
      if (activity?.value.action.verb === VERBS.consoleRun) return messageResponse(message);
      return cardResponse(refusalCard(message, await cardAsItIs(deps, activity, viewer)));
    }
  });

  // The bot added to a conversation (Teams sends this beside installationUpdate, and
  // on its own in some clients): the sender is linked, so notices owed to them go
  // now. installationUpdate alone answers, so nobody is welcomed twice.
  app.on("conversationUpdate", async (ctx) => {
    try {
      const activity = parseActivity(installActivity, ctx.activity);
      await deps.directory.personFor(activity, lookupFor(ctx));
    } catch (error) {
      report(deps, error, "a Teams conversation update could not be handled");
    }
  });

  app.on("install.add", async (ctx) => {
    try {
      const activity = parseActivity(installActivity, ctx.activity as InstallUpdateActivity);
      await deps.directory.personFor(activity, lookupFor(ctx));
      if (addressOf(activity, "")) await ctx.send({ type: "message", attachments: [{ contentType: CARD_CONTENT_TYPE, content: helpCard(deps.render) }] } as never);
    } catch (error) {
      // Someone not in the policy installed the bot: tell them who to ask.
      const message = report(deps, error, "a Teams installation could not be handled");
      await answerRefusal(deps, () => ctx.send({ type: "message", attachments: [{ contentType: CARD_CONTENT_TYPE, content: refusalCard(message) }] } as never));
    }
  });
}

/**
 * Sends the words for a failure that has already been reported. When even
 * that cannot go (the connector the activity named is down, or does not know
 * the conversation: a forged activity), the failure is logged and the
 * activity ends there: the sender gets no answer, and the endpoint does not
 * turn a refusal into a 500.
 */
async function answerRefusal(deps: TeamsDeps, send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    deps.logger.warn({ err: error }, "a refusal could not be sent back to Teams");
  }
}

function cardResponse(card: Card) {
  return { statusCode: 200 as const, type: "application/vnd.microsoft.card.adaptive" as const, value: card };
}

/** Teams shows the message to the clicker and keeps the clicked card. */
function messageResponse(message: string) {
  return { statusCode: 200 as const, type: "application/vnd.microsoft.activity.message" as const, value: message };
}

/** Looks a sender up in the conversation's member list, through the activity's own service URL. */
function lookupFor(ctx: Ctx): MemberLookup {
  return async (conversationId, userId) => {
    const member = await ctx.api.conversations.members(conversationId).getById(userId);
    return { ...(member.email ? { email: member.email } : {}), ...(member.userPrincipalName ? { userPrincipalName: member.userPrincipalName } : {}) };
  };
}

/** The clicked card as it stands, so a refusal does not wipe it; nothing if it cannot be drawn. */
async function cardAsItIs(deps: TeamsDeps, activity: CardActionActivity | undefined, viewer: { email?: string; userId?: string }): Promise<Card | undefined> {
  const data = cardData.safeParse(activity?.value.action.data);
  if (!data.success || !viewer.email) return undefined;
  try {
    return await currentCardFor(deps, data.data, { ...viewer, email: viewer.email });
  } catch (error) {
    deps.logger.warn({ err: error }, "could not redraw a Teams card under a refusal");
    return undefined;
  }
}

/** The words for the person; failures they cannot fix are logged with the reference they are given. */
function report(deps: TeamsDeps, error: unknown, what: string): string {
  if (isUserFacing(error)) {
    deps.logger.info({ code: isAppError(error) ? error.code : undefined }, `${what}: refused`);
    return friendlyMessage(error, "");
  }
  const reference = errorReference();
  deps.logger.error({ err: error, reference }, what);
  return friendlyMessage(error, reference);
}

/** Mentions, extra spaces and leading slashes stripped: "<at>Callgate</at>  /Request recording!" → "Request recording!". */
function clean(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/gi, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\/+/, "");
}
