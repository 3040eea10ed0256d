/**
 * Reads a policy file's text without trusting the file: it must be a regular
 * file, at most MAX_POLICY_BYTES (checked again while reading, in case it grew
 * since it was measured), and valid UTF-8. Every failure is an AppError
 * POLICY_INVALID naming the file, so start-up has one failure to report.
 */
import { open, stat } from "node:fs/promises";
import { AppError, isAppError } from "../errors.ts";
import { errorMessage, safeText } from "./policy-issues.ts";

/** A policy is a few kilobytes; anything over 1 MiB is a mistake or an attack. */
export const MAX_POLICY_BYTES = 1024 * 1024;

/** The policy file's text; throws AppError POLICY_INVALID if it cannot be read as above. */
export async function readPolicyFile(path: string): Promise<string> {
  const name = safeText(path, 300);
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new AppError("POLICY_INVALID", `${name}: is not a file`);
    if (info.size > MAX_POLICY_BYTES) throw new AppError("POLICY_INVALID", tooLargeMessage(name, info.size));
    const handle = await open(path, "r");
    try {
      // Read at most one byte past the limit, in case the file grew since stat.
      const buffer = Buffer.alloc(Math.min(info.size, MAX_POLICY_BYTES) + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      if (bytesRead > MAX_POLICY_BYTES) throw new AppError("POLICY_INVALID", tooLargeMessage(name, bytesRead));
      bytes = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError("POLICY_INVALID", `${name}: cannot be read (${describeFsError(error)})`, undefined, { cause: error });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new AppError("POLICY_INVALID", `${name}: is not UTF-8 text; save it as UTF-8`, undefined, { cause: error });
  }
}

/** "the file is 2049 KiB; a policy may be at most 1024 KiB", after `name: ` when there is a name. */
export function tooLargeMessage(name: string, bytes: number): string {
  return `${name ? `${name}: ` : ""}the file is ${Math.ceil(bytes / 1024)} KiB; a policy may be at most ${MAX_POLICY_BYTES / 1024} KiB`;
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return "there is no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a folder";
  return safeText(errorMessage(error), 120);
}
