/** Assertions shared by core tests. */
import { expect } from "vitest";
import type { CoreContext } from "../../src/core/context.ts";
import { AppError, isAppError } from "../../src/core/errors.ts";

/** Awaits `promise`, expects it to reject with an AppError of this code, and returns the error for further checks. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

/**
 * Audit rows as text for "names no number" checks, with hashes and ids taken
 * out first: a random SHA-256 or UUID contains "7946" often enough to make
 * such a check fail by chance.
 */
export function auditText(rows: unknown): string {
  return JSON.stringify(rows, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value))
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<id>")
    .replace(/\b[0-9a-f]{32,}\b/gi, "<hash>");
}

/** Awaits `promise`, expects it to reject with an AppError, and returns its code, field and message (anything else is thrown on). */
export async function refusal(promise: Promise<unknown>): Promise<Pick<AppError, "code" | "field" | "message">> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

/** The refusals audited under `action` (withRefusalAudit), oldest first, as [actor, code] pairs. */
export async function refusalsOf(t: { ctx: CoreContext }, action: string): Promise<Array<[string, string | undefined]>> {
  const entries = await t.ctx.db.auditEntry.findMany({ where: { action }, orderBy: { seq: "asc" } });
  return entries.map((e) => [e.actor, (e.details as { code?: string }).code]);
}
