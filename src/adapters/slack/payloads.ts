/**
 * zod schemas for what Slack sends us. Bolt has already checked the
 * signature; these check the shape, so a listener works on typed data and a
 * payload we do not understand is refused rather than half-read. Only the
 * fields Callgate uses are named; Slack's others pass through unread.
 */
import { z } from "zod";
import { AppError } from "../../core/errors.ts";

const id = z.string().min(1).max(255);

export const slashCommand = z.object({
  command: z.string().min(1).max(100),
  text: z.string().max(4000).default(""),
  user_id: id,
  channel_id: id.optional(),
  trigger_id: id,
});
export type SlashCommand = z.output<typeof slashCommand>;

/** One input's state in a view, whatever its element type. */
const inputState = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_date: z.string().nullish(),
  selected_time: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_user: z.string().nullish(),
  /** Checkboxes (a DPO form's yes/no field). */
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
});
export type InputState = z.output<typeof inputState>;

export const viewState = z.object({ values: z.record(z.string(), z.record(z.string(), inputState)) });

const viewPart = z.object({
  id,
  hash: z.string().optional(),
  callback_id: z.string().optional(),
  private_metadata: z.string().max(3000).optional(),
  state: viewState.optional(),
});

export const blockAction = z.object({
  type: z.literal("block_actions"),
  user: z.object({ id }),
  trigger_id: id.optional(),
  response_url: z.string().url().optional(),
  view: viewPart.optional(),
  actions: z
    .array(
      z.object({
        action_id: id,
        block_id: z.string().optional(),
        value: z.string().max(2000).optional(),
        selected_option: z.object({ value: z.string().max(150) }).nullish(),
      }),
    )
    .min(1),
});
export type BlockAction = z.output<typeof blockAction>;

export const viewSubmission = z.object({
  type: z.literal("view_submission"),
  user: z.object({ id }),
  view: viewPart.extend({ state: viewState }),
});
export type ViewSubmission = z.output<typeof viewSubmission>;

export const appHomeOpened = z.object({
  type: z.literal("app_home_opened"),
  user: id,
  tab: z.string().optional(),
});

/** Parses a payload or refuses it with a message the person can act on. */
export function parsePayload<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new AppError("INVALID_INPUT", "Slack sent something Callgate could not read. Please try again; if it keeps happening, tell your administrator.", undefined, { cause: parsed.error });
  }
  return parsed.data;
}

/** The first (and, for our buttons, only) action of a block_actions payload. */
export function firstAction(payload: BlockAction): BlockAction["actions"][number] {
  return payload.actions[0]!;
}
