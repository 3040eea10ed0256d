/**
 * Preloaded (`node -r`) into the Microsoft 365 Agents Playground, which
 * listens on every interface and has no option to choose one. Every server it
 * opens is pinned to 127.0.0.1, so the local trial is never reachable from
 * the network; each bound address is announced on stderr so the parent knows
 * the real port (the Playground silently picks another if its port is taken).
 */
"use strict";
const net = require("node:net");

const HOST = "127.0.0.1";
const original = net.Server.prototype.listen;

net.Server.prototype.listen = function listen(...args) {
  this.once("listening", () => {
    const address = this.address();
    if (address && typeof address === "object") process.stderr.write(`[callgate-playground] listening ${address.address}:${address.port}\n`);
  });
  const first = args[0];
  if (first && typeof first === "object" && !Array.isArray(first)) {
    // listen({ port, host }) or listen(handle): only the options form has a host.
    if (!("fd" in first) && !("_handle" in first) && !("path" in first)) args[0] = { ...first, host: HOST };
    return original.apply(this, args);
  }
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, callback]): replace or insert the host.
    if (typeof args[1] === "string") args[1] = HOST;
    else args.splice(1, 0, HOST);
    return original.apply(this, args);
  }
  if (first === undefined || typeof first === "function") {
    // listen() or listen(callback): an ephemeral port on loopback.
    return original.apply(this, [0, HOST, ...args.slice(first === undefined ? 1 : 0)]);
  }
  return original.apply(this, args);
};
