/**
 * 50 authorisers press Approve on one request at the same moment. Exactly one
 * transition must happen, with one set of audit entries, and the audit chain
 * must still verify. Run alone: npx tsx bench/concurrent-approvals.ts
 */
import { performance } from "node:perf_hooks";
import { verifyAuditChain } from "../src/core/audit/verify-audit-chain.ts";
import type { CoreContext } from "../src/core/context.ts";
import { isAppError } from "../src/core/errors.ts";
import { policySchema } from "../src/core/policy/schema.ts";
import { systemClock } from "../src/core/ports/clock.ts";
import { recordDecision } from "../src/core/requests/record-decision.ts";
import { submitRequest } from "../src/core/requests/submit-request.ts";
import { openDatabase, type Database } from "../src/infra/db/open-database.ts";
import { ms } from "./support/bench-context.ts";
import { throwawayPostgres } from "./support/throwaway-postgres.ts";

const APPROVERS = 50;

const policy = policySchema.parse({
  version: 1,
  organisation: { name: "Bench Trust" },
  sites: [{ id: "main", name: "Main" }],
  roles: [{ id: "slt", label: "SLT" }, { id: "director", label: "Director" }, { id: "dpo", label: "DPO" }],
  people: [
    { email: "requester@bench.example", name: "Requester", roles: ["slt"] },
    { email: "dpo@bench.example", name: "DPO", roles: ["dpo"] },
    ...Array.from({ length: APPROVERS }, (_, i) => ({ email: `director${i}@bench.example`, name: `Director ${i}`, roles: ["director"] })),
  ],
  requesting: { roles: ["slt"] },
  purposes: [{ id: "complaint", label: "Complaint", lawfulBasis: "6(1)(f)", reasonPrompt: "Why?", approvals: [{ anyOf: ["director"] }] }],
  fulfilment: { mode: "automatic", roles: ["dpo"] },
  retention: { default: "12 months" },
  subjectAccess: { ownerRoles: ["dpo"] },
  disclosure: { authoriserRoles: ["dpo"] },
  compliance: { dpoRoles: ["dpo"] },
});

async function once(database: Database): Promise<string> {
  const ctx: CoreContext = { db: database.prisma, policy, clock: systemClock };
  const request = await submitRequest(ctx, { requesterEmail: "requester@bench.example", purposeId: "complaint", date: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10), time: "10:00", number: "020 7946 0001", reason: "Complaint about a call to reception" });
  const started = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: APPROVERS }, (_, i) => recordDecision(ctx, { requestId: request.id, deciderEmail: `director${i}@bench.example`, outcome: "approve" })),
  );
  const elapsed = performance.now() - started;
  const ok = results.filter((r) => r.status === "fulfilled").length;
  const refused = results.filter((r) => r.status === "rejected" && isAppError(r.reason) && r.reason.code === "ALREADY_DECIDED").length;
  const other = results.length - ok - refused;
  const transitions = await database.prisma.auditEntry.count({ where: { requestId: request.id, action: "request.authorised" } });
  const decisions = await database.prisma.decision.count({ where: { requestId: request.id } });
  const chain = await verifyAuditChain(database.prisma);
  return `${APPROVERS} concurrent approvals on ${database.kind}: ${ok} succeeded, ${refused} refused as already decided, ${other} other errors; transitions=${transitions}, decisions=${decisions}, audit chain ${chain.ok ? "verifies" : `BROKEN at ${chain.firstBad?.seq}`}; all settled in ${ms(elapsed)}`;
}

export async function run(): Promise<string[]> {
  const lines: string[] = [];
  const postgres = await throwawayPostgres("callgate_bench_approvals", 20);
  try {
    lines.push(await once(postgres));
  } finally {
    await postgres.close();
  }
  const lite = await openDatabase({ kind: "pglite", dataDir: "memory" });
  try {
    lines.push(await once(lite));
  } finally {
    await lite.close();
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await run()) console.log(line);
}
