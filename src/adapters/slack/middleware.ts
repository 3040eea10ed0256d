/**
 * Bolt global middleware: the one place listener errors end up, the handling
 * of Slack's retries, and the count of work still running after an ack (so
 * shutdown and tests can wait for it).
 */
import { randomBytes } from "node:crypto";
import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import { isAppError } from "../../core/errors.ts";
import type { Logger } from "../../infra/logger.ts";
import type { Respond } from "./deps.ts";
import { friendlyMessage, isUserFacing, REFUSALS } from "./friendly-errors.ts";

/** Work started by Slack requests that has not finished yet. */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  middleware(): Middleware<AnyMiddlewareArgs> {
    return async ({ next }) => {
      const work = next();
      this.running.add(work);
      try {
        await work;
      } finally {
        this.running.delete(work);
      }
    };
  }

  /** Resolves once nothing is running (work started meanwhile is waited for too). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

/**
 * Slack retries an event or command it thinks we missed (`x-slack-retry-num`).
 * A retried event or command is acknowledged and dropped: the first delivery
 * was processed, and a slash command's trigger cannot open a second modal
 * anyway. Interactions are processed again, because the core makes them
 * idempotent (the submission key; ALREADY_DONE), and the error boundary keeps
 * a retry's refusal quiet.
 */
export function dropRetries(logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { context, body, next } = args;
    const isEvent = (body as { type?: unknown }).type === "event_callback";
    const isCommand = typeof (body as { command?: unknown }).command === "string";
    if (context.retryNum && (isEvent || isCommand)) {
      logger.info({ retryNum: context.retryNum, retryReason: context.retryReason }, "dropped a Slack retry of something already received");
      if ("ack" in args && typeof args.ack === "function") await args.ack();
      return;
    }
    await next();
  };
}

/**
 * The central error handler. A refusal or a form-free error from the core is
 * told to the person who acted, ephemerally; anything unexpected is logged
 * once with a short reference, and the person gets that reference.
 */
export function errorBoundary(logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    try {
      await args.next();
    } catch (error) {
      const reference = errorReference();
      if (!isUserFacing(error)) logger.error({ err: error, reference }, "a Slack listener failed");
      else logger.info({ code: isAppError(error) ? error.code : undefined, reference }, "a Slack action was refused");
      // A redelivery refused because the first delivery acted (ALREADY_DONE, or
      // ALREADY_DECIDED once that decision closed the request): the person
      // already has the first delivery's answer.
      if (args.context.retryNum && isAppError(error) && REFUSALS.has(error.code)) return;
      const respond = (args as { respond?: Respond }).respond;
      if (respond) await respond({ response_type: "ephemeral", replace_original: false, text: friendlyMessage(error, reference) });
    }
  };
}

/** A short reference tying what the person is told to the log line. */
export function errorReference(): string {
  return randomBytes(4).toString("hex");
}
