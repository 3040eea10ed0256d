/**
 * The Agents Playground that `npm start` runs is a local tool and stays one:
 * it dies with Callgate (close(), and a parent killed with SIGKILL), and
 * nothing it does leaves this machine: its telemetry is off, and the preload
 * refuses (and logs) any connection to an address that is not loopback, such
 * as the cloud metadata address its bundled Application Insights probes.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startAgentsPlayground, type AgentsPlayground } from "../../src/adapters/teams/index.ts";
import { createLogger } from "../../src/infra/logger.ts";
import { isLoopbackAddress } from "../../src/infra/loopback.ts";

const require = createRequire(import.meta.url);
const PRELOAD = fileURLToPath(new URL("../../src/adapters/teams/playground/bind-loopback.cjs", import.meta.url));
const HARNESS = fileURLToPath(new URL("./harness/start-playground-and-wait.ts", import.meta.url));
const TSX = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
const PLAYGROUND_CLI = require.resolve("@microsoft/m365agentsplayground/cli.js");

const person = (n: number) => ({
  id: `29:process-${n}`,
  aadObjectId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  name: `Person ${n}`,
  givenName: "Person",
  surname: String(n),
  email: `person${n}@example.test`,
  userPrincipalName: `person${n}@example.test`,
});

/** Live (not zombie) members of a process group, from /proc. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of execFileSync("ps", ["-e", "-o", "pid=,pgid=,stat="], { encoding: "utf8" }).split("\n")) {
    const [pid, group, stat] = entry.trim().split(/\s+/);
    if (Number(group) === pgid && stat && !stat.startsWith("Z")) members.push(Number(pid));
  }
  return members;
}

async function until<T>(check: () => T | Promise<T>, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** TCP sockets a process holds, as ss reports them: local and peer host of each. */
function tcpSocketsOf(pid: number): Array<{ state: string; local: string; peer: string }> {
  const host = (endpoint: string) => endpoint.replace(/:[^:]*$/, "").replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  return execFileSync("ss", ["-tanpH"], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line.includes(`pid=${pid},`))
    .map((line) => {
      const [state = "", , , local = "", peer = ""] = line.trim().split(/\s+/);
      return { state, local: host(local), peer: host(peer) };
    });
}

const onLoopback = (address: string) => address === "*" || address === "0.0.0.0" || address === "::" || (isIP(address) !== 0 && isLoopbackAddress(address));

function refusedConnections(netLog: string): Array<{ kind: string; host: string; port?: number }> {
  if (!existsSync(netLog)) return [];
  return readFileSync(netLog, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { kind: string; host: string; port?: number });
}

describe("the Agents Playground's process", () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  let playground: AgentsPlayground | undefined;

  afterEach(async () => {
    await playground?.close();
    playground = undefined;
    for (const child of children.splice(0)) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
      }
    }
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("runs in its own process group, which close() ends", async () => {
    playground = await startAgentsPlayground({ port: 0, botEndpoint: "http://127.0.0.1:9/api/messages", users: [person(1)], logger: createLogger({ level: "silent" }) });
    const pid = playground.pid;
    expect(groupMembers(pid)).toContain(pid);
    await playground.close();
    playground = undefined;
    expect(groupMembers(pid)).toEqual([]);
  });

  it("ends with its parent when the parent is killed with SIGKILL", async () => {
    const harness = spawn(TSX, [HARNESS], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    children.push(harness);
    let out = "";
    harness.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    const started = await until(() => (out.includes("\n") ? (JSON.parse(out.split("\n")[0]!) as { pid: number; url: string }) : undefined), 30_000, "the harness to start the Playground");
    expect(await (await fetch(`${started.url}/_debug/ping`)).text()).toContain("pong");
    expect(groupMembers(started.pid).length).toBeGreaterThan(0);

    // The harness runs under tsx's own wrapper; kill every process of its group at once, with no warning.
    process.kill(-harness.pid!, "SIGKILL");
    const goneAfter = Date.now();
    await until(() => groupMembers(started.pid).length === 0, 5_000, "the Playground's process group to end");
    expect(Date.now() - goneAfter).toBeLessThan(5_000);
    await expect(fetch(`${started.url}/_debug/ping`, { signal: AbortSignal.timeout(1_000) })).rejects.toThrow();
  }, 60_000);

  it("connects to nothing off this machine while it starts: telemetry off, every socket on loopback", async () => {
    playground = await startAgentsPlayground({ port: 0, botEndpoint: "http://127.0.0.1:9/api/messages", users: [person(1)], logger: createLogger({ level: "silent" }) });
    // Its telemetry would start within milliseconds; give it a second to try.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(refusedConnections(playground.netLog)).toEqual([]);
    const sockets = tcpSocketsOf(playground.pid);
    expect(sockets.some((s) => s.state === "LISTEN")).toBe(true);
    for (const socket of sockets) {
      expect(onLoopback(socket.local), JSON.stringify(socket)).toBe(true);
      expect(onLoopback(socket.peer), JSON.stringify(socket)).toBe(true);
    }
  });

  it("refuses, and logs, the cloud metadata and telemetry connections the Playground makes when its telemetry is left on", async () => {
    const dir = mkdtempSync(join(tmpdir(), "callgate-playground-trap-"));
    dirs.push(dir);
    const netLog = join(dir, "refused.jsonl");
    const env: NodeJS.ProcessEnv = { ...process.env, TEAMSAPPTESTER_BROWSER: "none", M365_AGENTS_PLAYGROUND_LOGFILE: join(dir, "playground.log"), CALLGATE_PLAYGROUND_NET_LOG: netLog, CALLGATE_PLAYGROUND_PARENT_PID: String(process.pid) };
    delete env.APPLICATION_INSIGHTS_NO_STATSBEAT;
    // Started by hand, without the settings startAgentsPlayground adds, so Application Insights reaches out as it would by default.
    const child = spawn(process.execPath, ["-r", PRELOAD, PLAYGROUND_CLI, "-e", "http://127.0.0.1:9/api/messages", "-c", "msteams", "-p", "0", "--dt"], { cwd: dir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const port = await until(() => /listening 127\.0\.0\.1:(\d+)/.exec(err)?.[1], 20_000, "the Playground to listen");
    const refused = await until(() => (refusedConnections(netLog).length > 0 ? refusedConnections(netLog) : undefined), 10_000, "a refused connection");
    expect(refused.map((r) => r.host)).toContain("169.254.169.254");
    expect(refused.every((r) => !onLoopback(r.host))).toBe(true);
    for (const socket of tcpSocketsOf(child.pid!)) {
      expect(onLoopback(socket.peer), JSON.stringify(socket)).toBe(true);
    }
    // Refused, not broken: it still serves on loopback.
    expect(await (await fetch(`http://127.0.0.1:${port}/_debug/ping`)).text()).toContain("pong");
  });

  it("lets the preload refuse names and addresses off this machine, and allow loopback", () => {
    const dir = mkdtempSync(join(tmpdir(), "callgate-preload-"));
    dirs.push(dir);
    const netLog = join(dir, "refused.jsonl");
    const script = `
      const net = require("node:net"), dns = require("node:dns"), http = require("node:http");
      const results = {};
      const settle = (name) => (e) => { results[name] = e ? e.code : "ok"; };
      net.connect(80, "169.254.169.254").on("error", settle("metadata"));
      net.connect({ host: "127.attacker.test", port: 80 }).on("error", settle("lookalike"));
      http.get("http://10.0.0.1/").on("error", settle("http"));
      fetch("https://dc.services.visualstudio.com/").catch((e) => settle("fetch")(e.cause ?? e));
      dns.lookup("example.org", settle("lookup"));
      const server = net.createServer((c) => c.end("hi")).listen(0, () => {
        net.connect(server.address().port, "localhost").on("data", () => { results.loopback = "ok"; server.close(); });
      });
      setTimeout(() => { process.stdout.write(JSON.stringify(results)); process.exit(0); }, 1500);
    `;
    const out = execFileSync(process.execPath, ["-r", PRELOAD, "-e", script], { env: { ...process.env, CALLGATE_PLAYGROUND_NET_LOG: netLog }, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ metadata: "ECONNREFUSED", lookalike: "ECONNREFUSED", http: "ECONNREFUSED", fetch: "ECONNREFUSED", lookup: "ECONNREFUSED", loopback: "ok" });
    expect(refusedConnections(netLog).map((r) => r.host).sort()).toEqual(["10.0.0.1", "127.attacker.test", "169.254.169.254", "dc.services.visualstudio.com", "example.org"]);
  });
});
