/**
 * Requests to the app exactly as Slack sends them: slash commands as form
 * bodies, interactions as a form with `payload=<json>`, events as JSON, each
 * signed `v0=` + HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the signing
 * secret. Options make them stale, badly signed, or marked as retries.
 */
import { createHmac } from "node:crypto";

export type SlackRequestKind = "command" | "interaction" | "event";

export interface SignOptions {
  secret: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Sign with this secret instead (a forger's). */
  wrongSecret?: string;
  /** Adds x-slack-retry-num / x-slack-retry-reason, as Slack's redeliveries carry. */
  retryNum?: number;
}

export function slackSignature(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`;
}

export function encodeBody(kind: SlackRequestKind, payload: object): { body: string; contentType: string } {
  if (kind === "event") return { body: JSON.stringify(payload), contentType: "application/json" };
  if (kind === "interaction") return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: "application/x-www-form-urlencoded" };
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(payload)) form.set(k, String(v));
  return { body: form.toString(), contentType: "application/x-www-form-urlencoded" };
}

export interface SlackAppResponse {
  status: number;
  text: string;
  json(): unknown;
}

/** POSTs a signed request to the app's Slack endpoint and returns its answer. */
export async function postSigned(url: string, kind: SlackRequestKind, payload: object, options: SignOptions): Promise<SlackAppResponse> {
  const { body, contentType } = encodeBody(kind, payload);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": contentType,
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": slackSignature(options.wrongSecret ?? options.secret, timestamp, body),
  };
  if (options.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(options.retryNum);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as unknown };
}
