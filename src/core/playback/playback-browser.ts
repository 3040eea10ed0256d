/**
 * A playback link plays only in the requester's browser. Each browser holds a
 * random secret in an HttpOnly cookie; the grant stores the secrets' SHA-256
 * (PlaybackGrant.browserHashes), set by the first browser to open the link
 * or, with an identity provider, by signing in as the requester. Another
 * browser is refused, and the requester may allow it for one open.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";

/** A browser secret as newBrowserSecret mints it: 32 random bytes in base64url. */
export const browserSecretSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** How the grant is tied to its requester: the first browser to open it, or a sign-in with the organisation's identity provider. */
export type PlaybackBinding = "first-browser" | "sign-in";

export function newBrowserSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** The secret's hash, or null for anything that is not a secret Callgate minted. */
export function browserHashOf(secret: string | null | undefined): string | null {
  if (!browserSecretSchema.safeParse(secret).success) return null;
  return createHash("sha256").update(`browser:${secret}`).digest("hex");
}

/** "Chrome on Windows": enough for the requester to recognise their own device, no more. */
export function describeBrowser(userAgent: string | null): string {
  const ua = userAgent ?? "";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrome\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : "a browser";
  const system = /iPhone|iPad/.test(ua)
    ? "iPhone or iPad"
    : /Android/.test(ua)
      ? "Android"
      : /Windows/.test(ua)
        ? "Windows"
        : /Mac OS X|Macintosh/.test(ua)
          ? "a Mac"
          : /Linux/.test(ua)
            ? "Linux"
            : "an unknown device";
  return `${browser} on ${system}`;
}
