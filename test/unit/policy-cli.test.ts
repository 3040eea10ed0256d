import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);

/** Runs the real `callgate` entry point and reports how it ended. */
async function callgate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { encoding: "utf8" });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    return { code: failed.code ?? -1, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("callgate policy", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "callgate-cli-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("check says a valid policy is valid and counts what it holds", async () => {
    const result = await callgate("policy", "check", "policies/demo.yml");
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe("policies/demo.yml is valid: 7 people, 5 purposes, 2 sites, 6 roles.");
  });

  it("check passes with warnings for assumed values and a review date passed", async () => {
    const result = await callgate("policy", "check", "policies/vision-academy-learning-trust.yml");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Warnings \(\d+\):$/m);
    expect(result.stdout).toContain("- retention.default is assumed (");
    expect(result.stdout).toContain("- The written policy was due for review on 31/05/2024;");
  });

  it("check fails a policy that contradicts itself, with code 2 and the reason", async () => {
    const path = join(dir, "contradiction.yml");
    const demo = await readFile("policies/demo.yml", "utf8");
    await writeFile(path, demo.replace("    roles: [staff]\n", "    roles: []\n"));
    const result = await callgate("policy", "check", path);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path} contradicts itself (1 problem):\n- Nobody can ask for "My own calls": nobody holds a role that may request it.`);
  });

  it("check lists every problem on stderr and exits with code 2", async () => {
    const path = join(dir, "broken.yml");
    const demo = await readFile("policies/demo.yml", "utf8");
    await writeFile(path, demo.replace("mode: automatic", "mode: manual").replace("  accessWindow: 7 days", "  accessWindow: a week"));
    const result = await callgate("policy", "check", path);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toBe(`${path} is not a valid policy (2 problems):`);
    expect(lines[1]).toMatch(new RegExp(`^${path}:\\d+:9 fulfilment\\.mode: must be one of`));
    expect(lines[2]).toMatch(new RegExp(`^${path}:\\d+:17 playback\\.accessWindow: "a week" is not a duration`));
  });

  it("explain prints the plain-English report", async () => {
    const result = await callgate("policy", "explain", "policies/ecs.yml");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Call recording policy for ECS UK Ltd\n/);
    expect(result.stdout).toContain("Needs 1 approval:");
    expect(result.stdout).toContain("never matched by Callgate alone");
  });

  it("explain refuses a missing file with code 2", async () => {
    const result = await callgate("policy", "explain", join(dir, "absent.yml"));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot be read (there is no such file)");
  });
});
