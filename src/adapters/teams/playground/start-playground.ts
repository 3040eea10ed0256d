/**
 * Starts the Microsoft 365 Agents Playground (the local Teams client) as a
 * child process for the local trial and the tests: bound to 127.0.0.1 (it
 * has no host option, so a preload pins every server it opens), pointed at
 * Callgate's /api/messages, with a config whose users are the policy's
 * people. Its diagnostics go to a log file, and a bad config makes it exit
 * without a word, so a failed start reports that file's tail.
 *
 * It is a local tool, and stays one: its telemetry is turned off (flag and
 * environment), the same preload refuses every connection it tries to make
 * off this machine (logged to `netLog`), and it runs in its own process
 * group, which close() ends and which ends itself when this process goes
 * away, even by SIGKILL (the preload watches our pid and its stdin pipe).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "../../../infra/logger.ts";

/** One Playground user; the first in a list is the current user, who the web page speaks as. */
export interface PlaygroundUser {
  /** The Teams user id (an MRI such as 29:…). */
  id: string;
  aadObjectId: string;
  name: string;
  givenName: string;
  surname: string;
  email: string;
  userPrincipalName: string;
}

export interface StartAgentsPlaygroundOptions {
  /** 0 picks a free port; a port that is taken is replaced by a free one (the Playground would do so silently). */
  port: number;
  /** Callgate's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages */
  botEndpoint: string;
  /** The current user first, then up to five others (the Playground needs exactly five; the rest is filled with people not in the policy). */
  users: readonly PlaygroundUser[];
  logger: Logger;
  /** Where the config and log file go; a fresh temporary directory by default. */
  dataDir?: string;
  /** How long to wait for /_debug/ping. Default 20 s. */
  startTimeoutMs?: number;
}

export interface AgentsPlayground {
  /** The web page and API, e.g. http://127.0.0.1:56150 */
  url: string;
  port: number;
  /** The current user's personal chat with the bot. */
  personalChatId: string;
  tenantId: string;
  botId: string;
  /** The six users, current user first (padding included). */
  users: readonly PlaygroundUser[];
  logFile: string;
  /** JSON lines, one per connection or look-up the preload refused because it was not for this machine. */
  netLog: string;
  /** The Playground's pid, which is also its process group's id. */
  pid: number;
  close(): Promise<void>;
}

export const PLAYGROUND_TENANT_ID = "00000000-0000-4000-8000-00000000aaaa";
export const PLAYGROUND_BOT_ID = "28:callgate-bot";

const require = createRequire(import.meta.url);
const PRELOAD = fileURLToPath(new URL("./bind-loopback.cjs", import.meta.url));

export async function startAgentsPlayground(options: StartAgentsPlaygroundOptions): Promise<AgentsPlayground> {
  const [current, ...given] = options.users;
  if (!current) throw new Error("the Agents Playground needs at least one user");
  const others = [...given.slice(0, 5)];
  for (let i = others.length; i < 5; i++) others.push(placeholder(i));
  const port = options.port && (await isFree(options.port)) ? options.port : await freePort();
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), "callgate-playground-"));
  const configPath = join(dir, ".m365agentsplayground.yml");
  const logFile = join(dir, "m365agentsplayground.log");
  const netLog = join(dir, "refused-connections.jsonl");
  // Named after its user, so Playgrounds run side by side never share a chat id.
  const personalChatId = `personal-chat-${current.id.replace(/[^A-Za-z0-9-]/g, "-")}`;
  const toConfig = (u: PlaygroundUser) => ({ id: u.id, name: u.name, userPrincipleName: u.userPrincipalName, aadObjectId: u.aadObjectId, givenName: u.givenName, surname: u.surname, email: u.email });
  const config = {
    version: "0.1.1",
    tenantId: PLAYGROUND_TENANT_ID,
    bot: { id: PLAYGROUND_BOT_ID, name: "Callgate" },
    currentUser: toConfig(current),
    users: others.map(toConfig),
    personalChat: { id: personalChatId },
    groupChat: { id: "callgate-group-chat", name: "Callgate trial group chat" },
    team: { id: "callgate-team", name: "Callgate trial team", aadGroupId: "00000000-0000-4000-8000-00000000bbbb", channels: [] },
  };
  // JSON is YAML, and needs no YAML writer.
  writeFileSync(configPath, JSON.stringify(config, null, 2));

  const cli = require.resolve("@microsoft/m365agentsplayground/cli.js");
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["-r", PRELOAD, cli, "-e", options.botEndpoint, "-c", "msteams", "-p", String(port), "--su", `${url}/_connector`, "--dt"], {
    cwd: dir,
    env: playgroundEnv({ configPath, logFile, netLog }),
    // Its own process group, so close() can end it and anything it starts; stdin is
    // the pipe whose closing tells the preload's watchdog that we are gone.
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
  try {
    await waitForPing(url, child, options.startTimeoutMs ?? 20_000);
  } catch (error) {
    killGroup(child, "SIGKILL");
    const tail = readTail(logFile) || output.join("").slice(-2_000);
    throw new Error(`the Agents Playground did not start: ${(error as Error).message}\n${tail}`);
  }
  options.logger.debug({ url, configPath }, "Agents Playground started");
  return {
    url,
    port,
    personalChatId,
    tenantId: PLAYGROUND_TENANT_ID,
    botId: PLAYGROUND_BOT_ID,
    users: [current, ...others],
    logFile,
    netLog,
    pid: child.pid!,
    close: () => stop(child),
  };
}

/**
 * The child's environment: ours without proxy settings (every connection
 * stays on loopback, so none may be routed elsewhere), its telemetry and the
 * Application Insights statsbeat (which probes 169.254.169.254) off, and what
 * the preload needs to guard the network and watch for our end.
 */
function playgroundEnv(paths: { configPath: string; logFile: string; netLog: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (/^(https?|all|no)_proxy$/i.test(name)) delete env[name];
  return {
    ...env,
    TEAMSAPPTESTER_BROWSER: "none",
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: paths.configPath,
    M365_AGENTS_PLAYGROUND_LOGFILE: paths.logFile,
    APPLICATION_INSIGHTS_NO_STATSBEAT: "true",
    APPLICATION_INSIGHTS_NO_DIAGNOSTIC_CHANNEL: "true",
    APPLICATION_INSIGHTS_NO_HTTP_AGENT_KEEP_ALIVE: "true",
    APPLICATION_INSIGHTS_DISABLE_WARNING_LOGS: "true",
    CALLGATE_PLAYGROUND_NET_LOG: paths.netLog,
    CALLGATE_PLAYGROUND_PARENT_PID: String(process.pid),
    CALLGATE_PLAYGROUND_WATCH_STDIN: "1",
  };
}

/** Signals the child's whole process group (it leads one: spawned detached). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function placeholder(i: number): PlaygroundUser {
  const n = i + 1;
  return { id: `29:not-in-policy-${n}`, aadObjectId: `00000000-0000-4000-9000-${String(n).padStart(12, "0")}`, name: `Visitor ${n}`, givenName: "Visitor", surname: String(n), email: `visitor${n}@not-in-policy.example`, userPrincipalName: `visitor${n}@not-in-policy.example` };
}

async function waitForPing(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/_debug/ping`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok && (await res.text()).includes("pong")) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no answer on ${url}/_debug/ping within ${timeoutMs} ms`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    // The leader is gone; make sure nothing it started lingers in its group.
    killGroup(child, "SIGKILL");
    child.stdin?.destroy();
    return;
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  killGroup(child, "SIGTERM");
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), 3_000);
  await exited;
  clearTimeout(timer);
  killGroup(child, "SIGKILL");
  child.stdin?.destroy();
}

/** A TCP port on 127.0.0.1 that nothing listens on just now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function readTail(path: string): string {
  try {
    return readFileSync(path, "utf8").slice(-2_000);
  } catch {
    return "";
  }
}
