/**
 * The Teams SDK logs through its own ILogger; this routes it into Callgate's
 * pino logger (which scrubs secrets and phone numbers) instead of the
 * console. The SDK is chatty at info, so its info becomes debug here.
 */
import type { ILogger, ILoggerOptions, LogLevel } from "@microsoft/teams.common";
import type { Logger } from "../../infra/logger.ts";

export function sdkLogger(logger: Logger, name = "teams-sdk"): ILogger {
  const child = logger.child({ component: name });
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === "string" ? m : m instanceof Error ? m.message : safeJson(m))).join(" ");
  const errorOf = (msg: unknown[]) => msg.find((m): m is Error => m instanceof Error);
  const self: ILogger = {
    debug: (...msg: unknown[]) => child.debug(text(msg)),
    info: (...msg: unknown[]) => child.debug(text(msg)),
    warn: (...msg: unknown[]) => child.warn(text(msg)),
    error: (...msg: unknown[]) => child.error({ err: errorOf(msg) }, text(msg)),
    trace: (...msg: unknown[]) => child.trace(text(msg)),
    log: (level: LogLevel, ...msg: unknown[]) => self[level](...msg),
    child: (childName: string, _overrides?: ILoggerOptions) => sdkLogger(logger, `${name}/${childName}`),
  };
  return self;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 2_000) ?? String(value);
  } catch {
    return String(value);
  }
}
