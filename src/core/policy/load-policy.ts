/**
 * Reads an organisation's policy file. A DPO edits this file by hand, so every
 * problem is reported the way an editor would show it: file, line, column and
 * the field at fault, all problems at once. The file may also come from
 * somewhere hostile (a pull request, a shared drive), so size, aliases, tags
 * and control characters are bounded before anything trusts it, and nothing
 * but an `AppError` with code POLICY_INVALID ever escapes.
 *
 * Three steps, one file each: `read-policy-file.ts` (safe reading),
 * `parse-yaml.ts` (hardened YAML with positions), `policy-issues.ts` (zod
 * issues in located English).
 */
import { AppError } from "../errors.ts";
import { parsePolicyYaml } from "./parse-yaml.ts";
import { describeSchemaIssues, errorMessage, formatIssues, safeText, sortIssues, type PolicyIssue } from "./policy-issues.ts";
import { MAX_POLICY_BYTES, readPolicyFile, tooLargeMessage } from "./read-policy-file.ts";
import { policySchema, type Policy } from "./schema.ts";

export { formatIssues, formatPath, type PolicyIssue } from "./policy-issues.ts";
export { MAX_POLICY_BYTES } from "./read-policy-file.ts";

/**
 * The outcome of checking a policy text: the policy when it is valid,
 * otherwise its issues in file order, plus how many more were found but not
 * described (a hostile file can hold tens of thousands).
 */
export type PolicyCheck = { ok: true; policy: Policy } | { ok: false; issues: PolicyIssue[]; omitted: number };

/**
 * Validates policy text and returns either the policy or every issue found,
 * without throwing: for `callgate policy check` and editors that want the list.
 */
export function checkPolicy(text: string): PolicyCheck {
  try {
    return checkPolicyText(text);
  } catch (error) {
    // Belt and braces: an unforeseen failure inside the YAML library or zod
    // (a stack overflow on absurd nesting, say) is still a refusal, not a crash.
    return { ok: false, issues: [{ line: 1, column: 1, path: "", message: `the file could not be read as a policy (${safeText(errorMessage(error), 120)})` }], omitted: 0 };
  }
}

/**
 * Parses and validates a policy. `sourceName` (usually the path) prefixes
 * every error line. Throws AppError POLICY_INVALID listing every problem.
 */
export function parsePolicy(text: string, sourceName: string): Policy {
  const result = checkPolicy(text);
  if (result.ok) return result.policy;
  throw new AppError("POLICY_INVALID", formatIssues(sourceName, result.issues, result.omitted));
}

/**
 * Reads and validates a policy file. A missing, unreadable, oversized or
 * non-UTF-8 file is POLICY_INVALID too, so start-up has one failure to report.
 */
export async function loadPolicyFile(path: string): Promise<Policy> {
  return parsePolicy(await readPolicyFile(path), path);
}

function checkPolicyText(text: unknown): PolicyCheck {
  const fail = (issues: PolicyIssue[], omitted = 0): PolicyCheck => ({ ok: false, issues: sortIssues(issues), omitted });
  if (typeof text !== "string") return fail([{ line: 1, column: 1, path: "", message: "the policy must be text" }]);
  const size = Buffer.byteLength(text, "utf8");
  if (size > MAX_POLICY_BYTES) return fail([{ line: 1, column: 1, path: "", message: tooLargeMessage("", size) }]);
  const yaml = parsePolicyYaml(text);
  if (!yaml.ok) return fail(yaml.issues);
  const parsed = policySchema.safeParse(yaml.value);
  if (parsed.success) return { ok: true, policy: parsed.data };
  const { issues, omitted } = describeSchemaIssues(parsed.error.issues, yaml.value, yaml.positionOf);
  return fail(issues, omitted);
}
