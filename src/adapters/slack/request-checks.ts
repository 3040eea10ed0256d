/**
 * What every request to /slack/events passes before Bolt sees it:
 *
 * 1. Its timestamp is within five minutes of now, in either direction, as
 *    Slack asks. Bolt refuses only stale ones, so a signed request stamped
 *    ahead of the clock could otherwise be replayed for as long as the
 *    attacker chose. Answered exactly as Bolt answers a stale one: 401, empty.
 * 2. Its signature is good (Bolt's own `isValidSlackRequest`), so nothing
 *    below can tell an outsider anything about the payloads it accepts.
 * 3. Its body has a shape Callgate handles: an interaction (block_actions or
 *    view_submission) for a registered action or view, a registered slash
 *    command, or a registered event. Bolt reads fields of a payload it cannot
 *    classify before any listener or middleware runs, so a signed but
 *    malformed body answered 500 (or hung for three seconds, then 404);
 *    here it gets a 400 with a plain message.
 *
 * Bolt's receiver still checks the signature itself afterwards: these checks
 * only ever refuse more.
 */
import { isValidSlackRequest } from "@slack/bolt";
import type { RequestHandler } from "express";
import { z } from "zod";
import type { Logger } from "../../infra/logger.ts";
import type { ListenerRegistration } from "./deps.ts";
import { blockAction, slashCommand, viewSubmission } from "./payloads.ts";

/** Slack's limit, from its guide "Verifying requests from Slack". */
export const MAX_TIMESTAMP_SKEW_SECONDS = 5 * 60;

const FORM = "application/x-www-form-urlencoded";
const UNREADABLE = { error: { code: "INVALID_INPUT", message: "Slack sent something Callgate could not read." } };

export interface SlackRequestChecks {
  signingSecret: string;
  /** The listeners registered with Bolt: only their commands, actions, views and events are let through. */
  listeners: readonly Pick<ListenerRegistration, "kind" | "id">[];
  logger: Logger;
  /** The wall clock Slack signs against (Bolt reads Date.now() too). */
  nowMs?: () => number;
}

/** Runs after the raw body is buffered (req.body a Buffer) and before Bolt's receiver. */
export function checkSlackRequests(options: SlackRequestChecks): RequestHandler {
  const nowMs = options.nowMs ?? Date.now;
  const request = inboundRequest(options.listeners);
  return (req, res, next) => {
    const header = req.headers["x-slack-request-timestamp"];
    const timestamp = typeof header === "string" && /^\d{1,12}$/.test(header) ? Number(header) : Number.NaN;
    if (!Number.isFinite(timestamp) || Math.abs(Math.floor(nowMs() / 1000) - timestamp) > MAX_TIMESTAMP_SKEW_SECONDS) {
      res.status(401).send();
      return;
    }
    const raw = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
    const signature = req.headers["x-slack-signature"];
    if (typeof signature !== "string" || !isValidSlackRequest({ signingSecret: options.signingSecret, body: raw, headers: { "x-slack-signature": signature, "x-slack-request-timestamp": timestamp } })) {
      res.status(401).send();
      return;
    }
    const parsed = request.safeParse(parseBody(raw, req.headers["content-type"]));
    if (!parsed.success) {
      // Where it failed, never what it held: a payload can carry personal data.
      options.logger.warn({ issues: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.join("."), code: i.code })) }, "refused a signed Slack request Callgate cannot read");
      res.status(400).json(UNREADABLE);
      return;
    }
    next();
  };
}

/** The body as Bolt will read it (the same content-type rule), or undefined if it is not JSON where JSON is expected. */
function parseBody(raw: string, contentType: string | undefined): unknown {
  try {
    if (contentType === FORM) {
      const form = Object.fromEntries(new URLSearchParams(raw));
      return typeof form.payload === "string" ? { payload: JSON.parse(form.payload) as unknown } : { form };
    }
    return { json: JSON.parse(raw) as unknown };
  } catch {
    return undefined;
  }
}

function inboundRequest(listeners: SlackRequestChecks["listeners"]) {
  const ids = (kind: ListenerRegistration["kind"]) => new Set(listeners.filter((l) => l.kind === kind).map((l) => l.id));
  const known = (set: Set<string>) => (value: string) => set.has(value);
  const commands = ids("command");
  const actions = ids("action");
  const views = ids("view");
  const events = ids("event");
  const interaction = z.union([
    blockAction.extend({ actions: z.array(blockAction.shape.actions.element.extend({ action_id: z.string().refine(known(actions)) })).min(1) }),
    viewSubmission.extend({ view: viewSubmission.shape.view.extend({ callback_id: z.string().refine(known(views)) }) }),
  ]);
  const command = slashCommand.extend({ command: z.string().refine(known(commands)), response_url: z.string().url() });
  const event = z.union([
    z.object({ type: z.literal("event_callback"), event: z.object({ type: z.string().refine(known(events)) }) }),
    z.object({ type: z.literal("url_verification"), challenge: z.string().min(1) }),
    z.object({ type: z.literal("app_rate_limited") }),
  ]);
  return z.union([
    z.object({ payload: interaction }),
    z.object({ form: z.union([command, z.object({ ssl_check: z.string() })]) }),
    z.object({ json: event }),
  ]);
}
