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
  /** Callgate's public base URL (config.publicUrl), for links in DPO console replies. */
  publicUrl: string;
}

/** A message typed in the personal chat, from a person the policy knows. */
export interface MessageTurn {
  activity: MessageActivity;
  person: Person;
  /** The text after the command, trimmed, in the case it was typed. */
  args: string;
  reply(card: Card): Promise<void>;
}

/** An Action.Execute click (or refresh), from a person the policy knows. */
export interface ActionTurn {
  activity: CardActionActivity;
  person: Person;
  data: Record<string, unknown>;
  /** Posts a new card in the clicker's personal chat (refused anywhere else). */
  send(card: Card): Promise<void>;
}

/** What a click is answered with: a card replacing the one clicked, or a short message that leaves it as it is. */
export type ActionAnswer = Card | { message: string };

export interface CommandHandler {
  kind: "command";
  /** What the person types, lower-case, e.g. "request recording". */
  command: string;
  /** For the manifest's command menu (at most 128 characters). */
  description: string;
  /**
   * May be typed in a group chat or channel: the answer then goes to the
   * person's personal chat instead (or is refused if Callgate cannot reach
   * them there), never to the group.
   */
  answersPrivately?: boolean;
  handle(turn: MessageTurn, deps: TeamsDeps): Promise<void>;
}

export interface VerbHandler {
  kind: "verb";
  verb: Verb;
  /** Returns the card that replaces the one clicked, for this person (or a message that keeps it). */
  handle(turn: ActionTurn, deps: TeamsDeps): Promise<ActionAnswer>;
}
