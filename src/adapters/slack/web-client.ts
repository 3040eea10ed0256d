/**
 * The Slack Web API clients. The WebClient's default retry policy retries a
 * failing call for about half an hour, which would hold a person's click or
 * the outbox hostage; here every call fails fast and the caller decides:
 * interactive paths tell the person, and the outbox (which persists and
 * backs off) retries deliveries. A short Retry-After is honoured inline once.
 */
import { webApi } from "@slack/bolt";
import { ChatDeliveryError } from "../../core/ports/chat.ts";
import type { Logger } from "../../infra/logger.ts";
import { boltLogger } from "./bolt-logger.ts";

export type WebClient = webApi.WebClient;

export interface WebClientOptions {
  token: string;
  /** Ends in "/", e.g. https://slack.com/api/ (config.slack.apiUrl). */
  apiUrl: string;
  logger: Logger;
  /** Per-call time limit. Interactive calls must fit inside Slack's 3 s. */
  timeoutMs: number;
}

export function createWebClient(options: WebClientOptions): WebClient {
  return new webApi.WebClient(options.token, {
    slackApiUrl: options.apiUrl,
    logger: boltLogger(options.logger.child({ component: "slack-web-api" })),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs,
    // Callgate only ever calls named methods on its configured API host.
    allowAbsoluteUrls: false,
  });
}

/** Slack's platform error code ("invalid_auth", "channel_not_found", ...), if the error is one. */
export function slackErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; data?: { error?: unknown } } | null;
  return e?.code === webApi.ErrorCode.PlatformError && typeof e.data?.error === "string" ? e.data.error : undefined;
}

function retryAfterSeconds(error: unknown): number | undefined {
  const e = error as { code?: unknown; retryAfter?: unknown } | null;
  return e?.code === webApi.ErrorCode.RateLimitedError && typeof e.retryAfter === "number" ? e.retryAfter : undefined;
}

/**
 * Runs a Web API call; if Slack says "rate limited, retry after N s" with N
 * at most `maxWaitSeconds`, waits and tries once more. Longer waits (and a
 * second 429) throw a ChatDeliveryError carrying Slack's Retry-After, so the
 * outbox reschedules no earlier than Slack allows instead of blocking its batch.
 */
export async function withRateLimit<T>(call: () => Promise<T>, maxWaitSeconds: number): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const wait = retryAfterSeconds(error);
    if (wait === undefined) throw error;
    if (wait > maxWaitSeconds) throw rateLimited(wait, error);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    try {
      return await call();
    } catch (again) {
      const next = retryAfterSeconds(again);
      throw next === undefined ? again : rateLimited(next, again);
    }
  }
}

function rateLimited(seconds: number, cause: unknown): ChatDeliveryError {
  return new ChatDeliveryError(`Slack is rate-limiting Callgate: retry after ${seconds} s`, { retryAfterMs: seconds * 1000, cause });
}
