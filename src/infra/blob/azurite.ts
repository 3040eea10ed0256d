/**
 * Azurite, the local Azure Storage emulator, started as a child process so
 * Callgate runs with no Azure account: `npm start` on a fresh clone, the CLI
 * and the tests all get a real Blob service to talk to.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";

/** Azurite's published development account (the same for every install). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteOptions {
  /** Directory for blobs and Azurite's own database; "memory" keeps nothing on disk (tests). */
  location: string | "memory";
  /** Port to bind on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Ignore headers and parameters Azurite does not support. Off unless something needs it. */
  loose?: boolean;
  /** How long to wait for Azurite to listen. */
  startTimeoutMs?: number;
  /**
   * Serve HTTPS with this certificate and key (PEM file paths) and accept
   * Entra ID bearer tokens ("basic" OAuth), so the managed-identity path
   * (user-delegation SAS) can be exercised locally. Azurite only accepts
   * tokens over HTTPS.
   */
  https?: { certPath: string; keyPath: string; oauth?: boolean };
}

export interface RunningAzurite {
  /** An account-key connection string for the emulator account. */
  connectionString: string;
  /** The account's Blob endpoint, e.g. http://127.0.0.1:10000/devstoreaccount1 (https with `https`). */
  url: string;
  /** Closes Azurite cleanly (its database is flushed) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Runs Azurite's entry point so that the child dies with its parent: when the
 * IPC channel closes (the parent exited, even by SIGKILL) it shuts itself down.
 * "callgate:stop" asks for a clean stop; it waits until Azurite has installed
 * its own SIGTERM handler (a moment after it starts listening), then runs it.
 */
const CHILD_WRAPPER = `
let requested = false;
const closeAzurite = () => {
  if (process.listenerCount("SIGTERM") > 0) process.emit("SIGTERM");
  else setTimeout(closeAzurite, 25);
};
process.on("message", (m) => {
  if (m === "callgate:stop" && !requested) { requested = true; closeAzurite(); }
});
process.on("disconnect", () => {
  if (requested) process.exit(0);
  requested = true;
  closeAzurite();
  setTimeout(() => process.exit(0), 3000);
});
require(process.argv[1]);
`;

const LISTENING = /successfully listens on (https?:\/\/\S+)/;

export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve("azurite/dist/src/blob/main.js");
  const args = [entry, "--blobHost", "127.0.0.1", "--blobPort", String(options.port ?? 0), "--skipApiVersionCheck", "--silent", "--disableTelemetry"];
  if (options.location === "memory") {
    args.push("--inMemoryPersistence");
  } else {
    mkdirSync(options.location, { recursive: true });
    args.push("--location", options.location);
  }
  if (options.loose) args.push("--loose");
  if (options.https) {
    args.push("--cert", options.https.certPath, "--key", options.https.keyPath);
    if (options.https.oauth) args.push("--oauth", "basic");
  }

  const child = spawn(process.execPath, ["-e", CHILD_WRAPPER, ...args], {
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    windowsHide: true,
  });
  // Never let the emulator outlive us, however we end.
  const killOnExit = () => child.kill();
  process.once("exit", killOnExit);

  let output = "";
  let endpoint: string;
  try {
    endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not start within ${options.startTimeoutMs ?? 20_000} ms.\n${output}`)), options.startTimeoutMs ?? 20_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = LISTENING.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`Azurite exited (code ${code}) before it was ready.\n${output}`));
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  } catch (error) {
    process.removeListener("exit", killOnExit);
    child.kill("SIGKILL");
    throw error;
  }
  // Keep draining its output so a chatty child never blocks on a full pipe.
  child.stdout!.removeAllListeners("data");
  child.stdout!.resume();
  child.stderr!.removeAllListeners("data");
  child.stderr!.resume();
  child.removeAllListeners("exit");
  // The IPC channel must not keep our own process alive.
  child.unref();
  (child.channel as unknown as { unref?: () => void } | undefined)?.unref?.();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();

  const url = `${endpoint.replace(/\/$/, "")}/${AZURITE_ACCOUNT}`;
  const connectionString = `DefaultEndpointsProtocol=${options.https ? "https" : "http"};AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${url};`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    connectionString,
    stop() {
      stopping ??= stopChild(child).finally(() => process.removeListener("exit", killOnExit));
      return stopping;
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // Hold our process open until the child has gone.
  child.ref();
  (child.channel as unknown as { ref?: () => void } | undefined)?.ref?.();
  (child.stdout as unknown as { ref?: () => void } | null)?.ref?.();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let closed = false;
  child.stdout?.on("data", (chunk: Buffer) => {
    if (chunk.toString().includes("successfully closed")) {
      closed = true;
      if (child.connected) child.disconnect();
    }
  });
  if (child.connected) {
    child.send("callgate:stop");
  } else {
    child.kill("SIGTERM");
  }
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 5_000).unref());
  if ((await Promise.race([exited, timeout])) === "timeout") {
    if (!closed && child.connected) child.disconnect();
    child.kill("SIGKILL");
    await exited;
  }
}
