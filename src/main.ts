/**
 * The process: reads the configuration once, starts Callgate (composed in
 * app.ts), and stops it cleanly on SIGINT/SIGTERM. Configuration or policy errors stop start-up with
 * a message that names what is wrong.
 */
import { startCallgate } from "./app.ts";
import { isAppError } from "./core/errors.ts";
import { loadConfig } from "./infra/config.ts";
import { createLogger } from "./infra/logger.ts";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (isAppError(error)) {
      console.error(`Callgate cannot start: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, pretty: Boolean(process.stdout.isTTY) });
  let app;
  try {
    app = await startCallgate(config, logger, trialAs(process.argv.slice(2)));
  } catch (error) {
    if (isAppError(error)) {
      logger.fatal({ code: error.code }, `Callgate cannot start: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const stop = async (signal: string) => {
    logger.info({ signal }, "shutting down");
    await app.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

/** `npm start -- --as carys`: the trial's first Agents Playground speaks as that person. */
function trialAs(args: string[]): { trialAs?: string } {
  const at = args.findIndex((a) => a === "--as" || a.startsWith("--as="));
  if (at < 0) return {};
  const value = args[at]!.startsWith("--as=") ? args[at]!.slice(5) : args[at + 1];
  return value ? { trialAs: value } : {};
}

await main();
