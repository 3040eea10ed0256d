/**
 * The playback pages' cookies. The browser secret (playback-browser.ts) is
 * HttpOnly, SameSite=Strict and, when PUBLIC_URL is https, Secure; it is
 * scoped to /play and kept long enough to outlast any grant's access window.
 */
import type { Request, Response } from "express";

export const BROWSER_COOKIE = "callgate_browser";
const BROWSER_COOKIE_LIFETIME_MS = 180 * 24 * 60 * 60_000;

/** One cookie's value from the request, or null. Express parses no cookies by itself. */
export function readCookie(req: Request, name: string): string | null {
  for (const part of (req.get("cookie") ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

export function setBrowserCookie(res: Response, secret: string, secure: boolean): void {
  res.cookie(BROWSER_COOKIE, secret, { httpOnly: true, secure, sameSite: "strict", path: "/play", maxAge: BROWSER_COOKIE_LIFETIME_MS });
}
