/**
 * What every handler is given, built once by startTeamsAdapter, and the
 * shapes of a handler: one per command typed in the personal chat, one per
 * Action.Execute verb. The manifest test reads the command handlers, so a
 * command added here must be added to the manifest's command list too.
 */
import type { CoreContext } from "../../core/context.ts";
import type { Person } from "../../core/policy/schema.ts";
import type { Logger } from "../../infra/logger.ts";
import type { CardActionActivity, MessageActivity } from "./activities.ts";
import type { Card } from "./cards/elements.ts";
import type { RenderContext } from "./cards/render-context.ts";
import type { TeamsDirectory } from "./directory.ts";
import type { Verb } from "./ids.ts";

export interface TeamsDeps {
  ctx: CoreContext;
  directory: TeamsDirectory;
  render: RenderContext;
  logger: Logger;
}

/** A message typed in the personal chat, from a person the policy knows. */
export interface MessageTurn {
  activity: MessageActivity;
  person: Person;
  /** The text after the command, trimmed. */
  args: string;
  reply(card: Card): Promise<void>;
}

/** An Action.Execute click (or refresh), from a person the policy knows. */
export interface ActionTurn {
  activity: CardActionActivity;
  person: Person;
  data: Record<string, unknown>;
}

export interface CommandHandler {
  kind: "command";
  /** What the person types, lower-case, e.g. "request recording". */
  command: string;
  /** For the manifest's command menu (at most 128 characters). */
  description: string;
  handle(turn: MessageTurn, deps: TeamsDeps): Promise<void>;
}

export interface VerbHandler {
  kind: "verb";
  verb: Verb;
  /** Returns the card that replaces the one clicked, for this person. */
  handle(turn: ActionTurn, deps: TeamsDeps): Promise<Card>;
}
