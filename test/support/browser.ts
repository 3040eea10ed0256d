/**
 * Headless Chromium for end-to-end tests, driven by playwright-core. The
 * browser is Debian's own package (Playwright's downloader cannot work
 * offline), so a missing browser is a broken machine, not a reason to skip:
 * launchBrowser fails with the command that fixes it. CI installs it in
 * .ci/run.
 */
import { accessSync, constants, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser } from "playwright-core";

/** Where apt's chromium lives; CHROMIUM_PATH overrides it. */
export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

/** Flags that keep Chromium quiet and offline in a container (see STACK.md). */
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
] as const;

/** Screenshots and other files a human may want after a run; gitignored. */
export const ARTIFACTS_DIR = resolve("test-artifacts");

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium is not installed at ${path}, and the browser tests need it. ` +
        "Install it with `apt-get update && apt-get install -y chromium` (CI does this in .ci/run), or set CHROMIUM_PATH.",
    );
  }
  return path;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_FLAGS] });
}

/** A path under test-artifacts/ (created if missing) for a screenshot or similar. */
export function artifactPath(...parts: string[]): string {
  const path = join(ARTIFACTS_DIR, ...parts);
  mkdirSync(join(path, ".."), { recursive: true });
  return path;
}
