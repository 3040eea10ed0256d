/**
 * `callgate policy check FILE` and `callgate policy explain FILE`: what a DPO
 * runs before handing a policy to Callgate, and to see it in words.
 */
import type { Command } from "commander";
import { AppError } from "../../core/errors.ts";
import { explainPolicy } from "../../core/policy/explain-policy.ts";
import { loadPolicyFile } from "../../core/policy/load-policy.ts";
import { reviewPolicy } from "../../core/policy/review-policy.ts";
import type { Policy } from "../../core/policy/schema.ts";
import type { RegisterCommand } from "./index.ts";

/** Registers the `policy` command group. */
export const registerPolicyCommands: RegisterCommand = (program: Command) => {
  const policy = program.command("policy").description("Check an organisation's policy file or explain it in plain English");

  policy
    .command("check")
    .description("Validate a policy file; exits with code 2 and lists every problem if it is invalid or contradicts itself, and prints warnings (assumptions to confirm, a review date passed)")
    .argument("<file>", "the policy YAML file")
    .action(async (file: string) => {
      const loaded = await loadOrReport(file);
      if (!loaded) return;
      const { contradictions, warnings } = reviewPolicy(loaded, new Date());
      if (contradictions.length > 0) {
        console.error(`${file} contradicts itself (${contradictions.length} ${contradictions.length === 1 ? "problem" : "problems"}):`);
        for (const c of contradictions) console.error(`- ${c}`);
        process.exitCode = 2;
      } else {
        console.log(`${file} is valid: ${summarise(loaded)}.`);
      }
      if (warnings.length > 0) {
        const out = contradictions.length > 0 ? console.error : console.log;
        out(`Warnings (${warnings.length}):`);
        for (const w of warnings) out(`- ${w}`);
      }
    });

  policy
    .command("explain")
    .description("Describe a policy in plain English: who may ask, who authorises, how long access and recordings last")
    .argument("<file>", "the policy YAML file")
    .action(async (file: string) => {
      const loaded = await loadOrReport(file);
      if (loaded) process.stdout.write(explainPolicy(loaded));
    });
};

/**
 * An invalid policy is the expected outcome of `check`, not a crash: its
 * problems go to stderr as the loader wrote them, one per line, with exit code 2.
 */
async function loadOrReport(file: string): Promise<Policy | undefined> {
  try {
    return await loadPolicyFile(file);
  } catch (error) {
    if (error instanceof AppError && error.code === "POLICY_INVALID") {
      console.error(error.message);
      process.exitCode = 2;
      return undefined;
    }
    throw error;
  }
}

function summarise(policy: Policy): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    count(policy.people.length, "person", "people"),
    count(policy.purposes.length, "purpose", "purposes"),
    count(policy.sites.length, "site", "sites"),
    count(policy.roles.length, "role", "roles"),
  ].join(", ");
}
