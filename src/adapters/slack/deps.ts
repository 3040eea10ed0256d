/**
 * What every listener is given, built once by startSlackAdapter, and the
 * shape of a listener's registration (so the manifest test can list them).
 */
import type { App } from "@slack/bolt";
import type { CoreContext } from "../../core/context.ts";
import type { Logger } from "../../infra/logger.ts";
import type { SlackDirectory } from "./directory.ts";
import type { RenderContext } from "./render/render-context.ts";
import type { WebClient } from "./web-client.ts";

export interface SlackDeps {
  ctx: CoreContext;
  /** For calls made while a person waits (views.open must beat a 3 s trigger). */
  client: WebClient;
  directory: SlackDirectory;
  render: RenderContext;
  logger: Logger;
  /** PUBLIC_URL, for links in DPO console replies ("" when not configured: links are then relative). */
  publicUrl: string;
}

/** One listener: what Slack sends it (for the manifest) and how it registers. */
export interface ListenerRegistration {
  kind: "command" | "action" | "view" | "event";
  /** The slash command, action id, view callback id or event type. */
  id: string;
  register(app: App, deps: SlackDeps): void;
}

/** Bolt's respond(), as the listeners use it. */
export type Respond = (message: { response_type?: "ephemeral"; replace_original?: boolean; text: string; blocks?: unknown[] }) => Promise<unknown>;

/** Sends a message only the person who acted can see, without touching the original. */
export async function tellPrivately(respond: Respond | undefined, message: { text: string; blocks?: unknown[] }): Promise<void> {
  if (!respond) throw new Error("Slack sent no response_url to reply on");
  await respond({ response_type: "ephemeral", replace_original: false, ...message });
}

/**
 * Acknowledges, then waits for this listener's turn to do its slower work.
 * Turns are handed out one per event-loop iteration, so between one
 * listener's work and the next, the loop polls for I/O: under a burst every
 * request's ack goes out promptly (Slack's 3 s limit is on the ack) instead
 * of queueing behind other requests' database and Web API work.
 */
export async function acknowledge(ack: () => Promise<void>): Promise<void> {
  await ack();
  await nextTurn();
}

const waiting: Array<() => void> = [];
let handingOut = false;

function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!handingOut) {
      handingOut = true;
      setImmediate(handOut);
    }
  });
}

/** Releases one waiting listener; the next is released on the next iteration, after I/O. */
function handOut(): void {
  waiting.shift()?.();
  if (waiting.length > 0) setImmediate(handOut);
  else handingOut = false;
}
