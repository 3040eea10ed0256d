/**
 * What counts as "this machine" for things that must never leave it (the
 * Teams local mode's Bot Connector, the HOST local mode may bind). Addresses
 * are compared, not strings: "127.attacker.test" starts like a loopback
 * address and is a name anyone can point anywhere.
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** An IP literal in 127.0.0.0/8 or ::1 (IPv4-mapped forms included); names are never loopback here. */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 0) return false;
  return LOOPBACK.check(bare, family === 4 ? "ipv4" : "ipv6");
}

/**
 * A loopback IP literal, or the name `localhost` when every address it
 * resolves to is loopback. Nothing else: other names may resolve anywhere,
 * and may resolve differently next time.
 */
export async function resolvesToLoopbackOnly(host: string): Promise<boolean> {
  if (isLoopbackAddress(host)) return true;
  if (host.toLowerCase() !== "localhost") return false;
  try {
    const addresses = await lookup(host, { all: true, verbatim: true });
    return addresses.length > 0 && addresses.every((a) => isLoopbackAddress(a.address));
  } catch {
    return false;
  }
}

/**
 * The URL of a loopback service: http(s), no user name or password, its host
 * resolving to loopback only. The URL is parsed as fetch would parse it, so
 * the host compared is the host connected to.
 */
export async function isLoopbackUrl(raw: unknown): Promise<boolean> {
  if (typeof raw !== "string" || raw.length > 2_000) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (url.username || url.password) return false;
  return resolvesToLoopbackOnly(url.hostname);
}
