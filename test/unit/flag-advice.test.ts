import { describe, expect, it } from "vitest";
import { withFlagAdvice } from "../../src/commands/flag-advice.ts";
import { AppError } from "../../src/core/errors.ts";

const failWith = (error: Error) => () => Promise.reject(error);

describe("withFlagAdvice", () => {
  it("names the flag for an input the core could not read", async () => {
    const error = await withFlagAdvice({ receivedOn: "--received" }, failWith(new AppError("INVALID_INPUT", "Give the date received as a real date.", "receivedOn"))).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INVALID_INPUT", field: "receivedOn", message: "Give the date received as a real date (--received)." });
  });

  it("leaves other errors, other fields and other codes as they are", async () => {
    const forbidden = new AppError("FORBIDDEN", "Only the DPO can.", "number");
    const unmapped = new AppError("INVALID_INPUT", "Give a reason.", "reason");
    const crash = new Error("database fell over");
    for (const error of [forbidden, unmapped, crash]) {
      await expect(withFlagAdvice({ number: "--number" }, failWith(error))).rejects.toBe(error);
    }
    expect(await withFlagAdvice({ number: "--number" }, () => Promise.resolve(42))).toBe(42);
  });
});
