/**
 * Preloaded (`node -r`) into the Microsoft 365 Agents Playground, which
 * listens on every interface, has no option to choose one, and (through the
 * Application Insights SDK it bundles) probes the cloud metadata address
 * 169.254.169.254 and telemetry endpoints even with --disable-telemetry.
 * This file keeps it a local tool that lives and dies with Callgate:
 *
 * - every server it opens is pinned to 127.0.0.1, and each bound address is
 *   announced on stderr so the parent knows the real port (the Playground
 *   silently picks another if its port is taken);
 * - every outbound connection to anything but loopback is refused at the
 *   socket (net and tls sockets carry http, https, fetch and proxies alike),
 *   as are dns look-ups and resolutions of other names and UDP sends, and
 *   each refusal is appended as a JSON line to CALLGATE_PLAYGROUND_NET_LOG
 *   when that is set;
 * - a watchdog ends the Playground's process group when the parent goes
 *   away, however it went: its stdin pipe (which only the parent holds)
 *   closes, or CALLGATE_PLAYGROUND_PARENT_PID stops existing.
 */
"use strict";
const net = require("node:net");
const dns = require("node:dns");
const dgram = require("node:dgram");
const { appendFileSync } = require("node:fs");

const HOST = "127.0.0.1";

// --- Servers: loopback only -------------------------------------------------

const originalListen = net.Server.prototype.listen;

net.Server.prototype.listen = function listen(...args) {
  this.once("listening", () => {
    const address = this.address();
    if (address && typeof address === "object") process.stderr.write(`[callgate-playground] listening ${address.address}:${address.port}\n`);
  });
  const first = args[0];
  if (first && typeof first === "object" && !Array.isArray(first)) {
    // listen({ port, host }) or listen(handle): only the options form has a host.
    if (!("fd" in first) && !("_handle" in first) && !("path" in first)) args[0] = { ...first, host: HOST };
    return originalListen.apply(this, args);
  }
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, callback]): replace or insert the host.
    if (typeof args[1] === "string") args[1] = HOST;
    else args.splice(1, 0, HOST);
    return originalListen.apply(this, args);
  }
  if (first === undefined || typeof first === "function") {
    // listen() or listen(callback): an ephemeral port on loopback.
    return originalListen.apply(this, [0, HOST, ...args.slice(first === undefined ? 1 : 0)]);
  }
  return originalListen.apply(this, args);
};

// --- Outbound: loopback only --------------------------------------------------

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** An IP literal on loopback, or the name localhost (whose answers the dns guard checks in turn). */
function isLoopbackHost(host) {
  if (host === undefined || host === null || host === "") return true; // Node's default is localhost.
  const bare = String(host).replace(/^\[(.*)\]$/, "$1");
  if (bare.toLowerCase() === "localhost") return true;
  const family = net.isIP(bare);
  return family !== 0 && LOOPBACK.check(bare, family === 4 ? "ipv4" : "ipv6");
}

function refusal(kind, host, port) {
  const entry = { at: new Date().toISOString(), kind, host: String(host), ...(port !== undefined ? { port: Number(port) } : {}) };
  const file = process.env.CALLGATE_PLAYGROUND_NET_LOG;
  if (file) {
    try {
      appendFileSync(file, `${JSON.stringify(entry)}\n`);
    } catch {
      // Logging a refusal must never turn it into a crash.
    }
  }
  const error = new Error(`connect ECONNREFUSED ${host}${port !== undefined ? `:${port}` : ""} (the Agents Playground may only connect to this machine)`);
  error.code = "ECONNREFUSED";
  error.syscall = kind;
  return error;
}

/** Where a socket.connect(...) call is headed: { path } for local IPC, else { host, port }. */
function connectTarget(args) {
  let first = args[0];
  // net internals pass [options, callback] as one array.
  if (Array.isArray(first)) first = first[0];
  // As net decides: a truthy path is a local pipe (http's agent passes path: null for TCP).
  if (first && typeof first === "object") return first.path ? { path: first.path } : { host: first.host ?? first.hostname, port: first.port };
  if (typeof first === "string" && !/^\d+$/.test(first)) return { path: first };
  return { host: typeof args[1] === "string" ? args[1] : undefined, port: first };
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  const target = connectTarget(args);
  if (!target.path && !isLoopbackHost(target.host)) {
    const error = refusal("connect", target.host, target.port);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return originalConnect.apply(this, args);
};

function guardLookup(original) {
  return function lookup(hostname, options, callback) {
    const done = typeof options === "function" ? options : callback;
    const opts = typeof options === "object" && options !== null ? options : {};
    if (!isLoopbackHost(hostname)) {
      const error = refusal("lookup", hostname);
      process.nextTick(() => done(error));
      return {};
    }
    return original.call(this, hostname, options, (err, address, family) => {
      if (err) return done(err, address, family);
      const all = Array.isArray(address) ? address : [{ address, family }];
      if (!all.every((a) => isLoopbackHost(a.address))) return done(refusal("lookup", hostname));
      return opts.all ? done(null, address) : done(null, address, family);
    });
  };
}
dns.lookup = guardLookup(dns.lookup);
const originalPromisesLookup = dns.promises.lookup;
dns.promises.lookup = async function lookup(hostname, options) {
  if (!isLoopbackHost(hostname)) throw refusal("lookup", hostname);
  const answer = await originalPromisesLookup.call(this, hostname, options);
  const all = Array.isArray(answer) ? answer : [answer];
  if (!all.every((a) => isLoopbackHost(a.address))) throw refusal("lookup", hostname);
  return answer;
};

// Name resolution through c-ares (dns.resolve*, Resolver): only localhost.
for (const target of [dns, dns.promises, dns.Resolver.prototype, dns.promises.Resolver.prototype]) {
  for (const name of Object.getOwnPropertyNames(target)) {
    if (!/^resolve/.test(name) || typeof target[name] !== "function") continue;
    const original = target[name];
    const isPromise = target === dns.promises || target === dns.promises.Resolver.prototype;
    target[name] = function resolve(hostname, ...rest) {
      if (isLoopbackHost(hostname)) return original.call(this, hostname, ...rest);
      const error = refusal("resolve", hostname);
      if (isPromise) return Promise.reject(error);
      const done = rest.at(-1);
      if (typeof done === "function") process.nextTick(() => done(error));
      return undefined;
    };
  }
}

const originalSend = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function send(...args) {
  // send(msg[, offset, length], port[, address][, callback]): the address is the first string after the message.
  const address = args.slice(1).find((a) => typeof a === "string");
  if (address !== undefined && !isLoopbackHost(address)) {
    const done = args.at(-1);
    const error = refusal("send", address);
    if (typeof done === "function") process.nextTick(() => done(error));
    return;
  }
  return originalSend.apply(this, args);
};

// --- Watchdog: die with the parent ------------------------------------------

function endGroup() {
  // The Playground leads its own process group (spawned detached): end all of it.
  try {
    process.kill(-process.pid, "SIGKILL");
  } catch {
    process.exit(0);
  }
}

const parentPid = Number(process.env.CALLGATE_PLAYGROUND_PARENT_PID);
if (Number.isInteger(parentPid) && parentPid > 1) {
  const timer = setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch (error) {
      if (error && error.code === "ESRCH") endGroup();
    }
    // Orphans are re-parented (to init or a subreaper), so a changed ppid means the parent is gone too.
    if (process.ppid !== parentPid) endGroup();
  }, 250);
  timer.unref();
}

if (process.env.CALLGATE_PLAYGROUND_WATCH_STDIN === "1" && process.stdin && !process.stdin.isTTY) {
  // Only the parent holds the other end: end-of-file or an error means it is gone.
  process.stdin.on("end", endGroup);
  process.stdin.on("close", endGroup);
  process.stdin.on("error", endGroup);
  process.stdin.resume();
}
