/**
 * Slows token guessing: each client address may open only so many unknown
 * playback links in a sliding window, after which every playback request from
 * it is refused (429) until old failures age out. Refusing even valid tokens
 * while limited is deliberate: otherwise a 200 would still tell a guesser
 * they had hit one.
 *
 * The state is in memory, so the limit is per server instance: with N
 * instances behind a balancer a client gets up to N times the limit. At 256
 * bits per token that still leaves guessing hopeless; the limit is there to
 * keep noise out of the database and the logs.
 */
import { isIP } from "node:net";

export interface BadTokenLimitOptions {
  /** Unknown tokens allowed per client in one window. Default 20. */
  limit?: number;
  /** Window length. Default 10 minutes. */
  windowMs?: number;
  /** Most clients tracked at once; the least recently active are forgotten first. Default 50,000. */
  maxClients?: number;
  /** Milliseconds since some epoch; injectable for tests. */
  now?: () => number;
}

export const DEFAULT_BAD_TOKEN_LIMIT = 20;
export const DEFAULT_BAD_TOKEN_WINDOW_MS = 10 * 60_000;

/** One attempt in progress: settle it as good (forgotten) or bad (kept). */
export interface Attempt {
  good(): void;
}

export class BadTokenLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly maxClients: number;
  private readonly now: () => number;
  /** Client key to the times of its recent failures (and attempts in flight), oldest first. */
  private readonly failures = new Map<string, number[]>();

  constructor(options: BadTokenLimitOptions = {}) {
    this.limit = options.limit ?? DEFAULT_BAD_TOKEN_LIMIT;
    this.windowMs = options.windowMs ?? DEFAULT_BAD_TOKEN_WINDOW_MS;
    this.maxClients = options.maxClients ?? 50_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Starts an attempt from `client`, counted as a failure unless settled as
   * good. Counting up front keeps the limit exact when a client sends many
   * requests at once. Returns the wait instead when the client is limited.
   */
  begin(client: string): { attempt: Attempt } | { retryAfterMs: number } {
    const key = clientKey(client);
    const now = this.now();
    const times = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (times.length >= this.limit) {
      this.remember(key, times);
      return { retryAfterMs: times[times.length - this.limit]! + this.windowMs - now };
    }
    times.push(now);
    this.remember(key, times);
    return {
      attempt: {
        good: () => {
          const current = this.failures.get(key);
          const at = current?.indexOf(now) ?? -1;
          if (current && at >= 0) current.splice(at, 1);
          if (current?.length === 0) this.failures.delete(key);
        },
      },
    };
  }

  /** Whether `client` has used up its allowance (its next attempt would be refused). */
  exhausted(client: string): boolean {
    const now = this.now();
    return (this.failures.get(clientKey(client)) ?? []).filter((t) => t > now - this.windowMs).length >= this.limit;
  }

  private remember(key: string, times: number[]): void {
    // Re-inserting moves the key to the end, so the map's order is least recently active first.
    this.failures.delete(key);
    if (times.length === 0) return;
    this.failures.set(key, times);
    while (this.failures.size > this.maxClients) this.failures.delete(this.failures.keys().next().value!);
  }
}

/**
 * Who a client is for limiting: its IPv4 address, or its IPv6 /64 (one
 * customer's network, whose addresses are free to rotate).
 */
export function clientKey(address: string): string {
  const plain = address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  if (isIP(plain) !== 6) return plain;
  return `${expandIpv6(plain).slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, "::" expanded, zone dropped. */
function expandIpv6(address: string): string[] {
  const [head = "", tail] = address.split("%")[0]!.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // A trailing dotted IPv4 part fills two groups.
  const groups = (parts: string[]) =>
    parts.flatMap((p) => (p.includes(".") ? ipv4Groups(p) : [p.toLowerCase().replace(/^0+(?=.)/, "")]));
  const l = groups(left);
  const r = groups(right);
  const fill = tail === undefined ? [] : Array.from({ length: 8 - l.length - r.length }, () => "0");
  return [...l, ...fill, ...r];
}

function ipv4Groups(dotted: string): string[] {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split(".").map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
