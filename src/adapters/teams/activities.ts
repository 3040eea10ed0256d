/**
 * Zod schemas for every inbound activity a handler reads. The SDK hands
 * activities over as unchecked casts, so each handler parses what it uses:
 * a malformed activity is refused at the edge, never half-read.
 */
import { z } from "zod";
import { AppError } from "../../core/errors.ts";

/** Teams user ids (MRIs such as 29:1abc…), AAD object ids and conversation ids: printable, bounded. */
const id = z.string().min(1).max(512).regex(/^[\x21-\x7E]+$/, "ids are printable ASCII");

export const account = z.object({
  id,
  name: z.string().max(256).optional(),
  aadObjectId: id.optional(),
});

export const conversation = z.object({
  id,
  conversationType: z.string().max(40).optional(),
  tenantId: z.string().max(100).optional(),
  isGroup: z.boolean().optional(),
});

/** Fields every activity Callgate acts on carries. */
const base = z.object({
  id: z.string().max(512).optional(),
  channelId: z.string().max(40),
  serviceUrl: z.string().url().max(2_000),
  from: account,
  recipient: account,
  conversation,
  locale: z.string().max(40).optional(),
});

/**
 * What every inbound activity must carry before the SDK sees it: the SDK
 * reads these fields unchecked (and answers 500 when one is missing), so a
 * request without them is refused at the door with 400. Other fields pass
 * through for the handlers' own schemas.
 */
export const inboundActivity = z.looseObject({
  type: z.string().min(1).max(100),
  id: z.string().max(512).optional(),
  channelId: z.string().max(40),
  serviceUrl: z.string().min(1).max(2_000),
  from: account,
  recipient: account,
  conversation,
});
export type InboundActivity = z.output<typeof inboundActivity>;

export const messageActivity = base.extend({
  type: z.literal("message"),
  text: z.string().max(4_000).default(""),
});
export type MessageActivity = z.output<typeof messageActivity>;

/** The adaptiveCard/action invoke sent when someone clicks an Action.Execute (or a refresh runs). */
export const cardActionActivity = base.extend({
  type: z.literal("invoke"),
  name: z.literal("adaptiveCard/action"),
  replyToId: z.string().max(512).optional(),
  value: z.object({
    action: z.object({
      type: z.literal("Action.Execute"),
      verb: z.string().min(1).max(100),
      // Teams merges the card's input values into data, so data is read per verb.
      data: z.record(z.string(), z.unknown()).default({}),
    }),
    trigger: z.enum(["manual", "automatic"]).optional(),
  }),
});
export type CardActionActivity = z.output<typeof cardActionActivity>;

/** installationUpdate (personal install) and conversationUpdate (bot added to a chat). */
export const installActivity = base.extend({
  type: z.enum(["installationUpdate", "conversationUpdate"]),
  action: z.string().max(40).optional(),
});
export type InstallActivity = z.output<typeof installActivity>;

/** Parses or throws INVALID_INPUT (never echoing the payload). */
export function parseActivity<T extends z.ZodType>(schema: T, activity: unknown): z.output<T> {
  const parsed = schema.safeParse(activity);
  if (!parsed.success) {
    throw new AppError("INVALID_INPUT", "Teams sent something Callgate could not read. Please try again.", undefined, { cause: parsed.error });
  }
  return parsed.data;
}

/** The data of an Action.Execute for a verb, parsed with that verb's schema. */
export function parseActionData<T extends z.ZodType>(schema: T, data: Record<string, unknown>): z.output<T> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new AppError("INVALID_INPUT", "This card has lost track of its request. Please type `pending` to see what is waiting for you.", undefined, { cause: parsed.error });
  }
  return parsed.data;
}
