/**
 * What the recordings benchmarks share: a two-site policy like the demo's,
 * a CoreContext around a database, and percentiles.
 */
import type { CoreContext } from "../../src/core/context.ts";
import { systemClock } from "../../src/core/ports/clock.ts";
import { policySchema, type Policy, type PolicyInput } from "../../src/core/policy/schema.ts";
import type { Database } from "../../src/infra/db/open-database.ts";

/** What each benchmark's run() returns: figures for machines, text for people. */
export interface BenchResult {
  name: string;
  figures: Record<string, number | string>;
  /** Printable lines, already formatted. */
  text: string;
}

/** A small two-site policy; a benchmark that needs more people or purposes passes them in `over`. */
export function benchPolicy(over: Partial<PolicyInput> = {}): Policy {
  return policySchema.parse({
    version: 1,
    organisation: { name: "Benchmark Trust", timeZone: "Europe/London" },
    sites: [
      { id: "northfield", name: "Northfield" },
      { id: "riverside", name: "Riverside" },
    ],
    roles: [
      { id: "slt", label: "Senior leaders" },
      { id: "dpo", label: "Data Protection Officer" },
    ],
    people: [
      { email: "head@bench.example", name: "Head", roles: ["slt"] },
      { email: "dpo@bench.example", name: "DPO", roles: ["dpo"] },
    ],
    requesting: { roles: ["slt"] },
    purposes: [{ id: "safeguarding", label: "Safeguarding", lawfulBasis: "Article 6(1)(e)", reasonPrompt: "Why?", approvals: [{ anyOf: ["dpo"] }] }],
    fulfilment: { mode: "automatic", roles: ["dpo"] },
    retention: { default: "12 months" },
    subjectAccess: { ownerRoles: ["dpo"] },
    disclosure: { authoriserRoles: ["dpo"], recorderMayAuthorise: true },
    compliance: { dpoRoles: ["dpo"] },
    ...over,
  });
}

export function benchContext(db: Database): CoreContext {
  return { db: db.prisma, policy: benchPolicy(), clock: systemClock };
}

/** The value below which `p` per cent of the samples fall (nearest rank); sorts a copy. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const ms = (n: number) => `${n.toFixed(2)} ms`;

/** Reads `--name value` from the command line. */
export function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
