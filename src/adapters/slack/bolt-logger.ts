/**
 * Bolt and the WebClient log through Callgate's pino logger, so their lines
 * get the same scrubbing of tokens and phone numbers as everything else.
 *
 * Their debug output is dropped on purpose: at debug level the WebClient
 * logs whole request and response bodies, which carry reasons, names and
 * phone numbers inside escaped JSON that no scrubber can reliably read.
 */
import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "../../infra/logger.ts";

export function boltLogger(logger: Logger): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  const text = (parts: unknown[]) => parts.map((p) => (typeof p === "string" ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(" ");
  return {
    debug: () => {},
    info: (...m: unknown[]) => logger.info(text(m)),
    warn: (...m: unknown[]) => logger.warn(text(m)),
    error: (...m: unknown[]) => logger.error(text(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
