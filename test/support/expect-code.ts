/** Assertions shared by core tests. */
import { expect } from "vitest";
import { AppError } from "../../src/core/errors.ts";

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
