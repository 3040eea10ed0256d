/**
 * Builds a CoreContext for one CLI run from the same environment variables
 * the server reads (parsed once by loadConfig): DATABASE_URL or embedded
 * PGlite under CALLGATE_DATA_DIR; AZURE_STORAGE_CONNECTION_STRING,
 * AZURE_STORAGE_ACCOUNT_URL (managed identity) or an Azurite started under
 * the data directory; CALLGATE_POLICY; CALLGATE_CONTAINER; the audit
 * anchors (CALLGATE_ANCHOR_CONTAINER, CALLGATE_AUDIT_SIGNING_KEY or
 * CALLGATE_AUDIT_VERIFY_KEY).
 */
import type { CoreContext } from "../core/context.ts";
import { loadPolicyFile } from "../core/policy/load-policy.ts";
import { systemClock } from "../core/ports/clock.ts";
import type { AzureRecordingStore } from "../infra/blob/azure-recording-store.ts";
import { openRecordingStore } from "../infra/blob/open-recording-store.ts";
import { loadConfig, type Config } from "../infra/config.ts";
import { openDatabase } from "../infra/db/open-database.ts";
import { openAuditAnchoring } from "../infra/open-audit-anchoring.ts";

export interface CliContext {
  ctx: CoreContext & { recordings: AzureRecordingStore };
  config: Config;
  /** Closes the database and stops Azurite if this run started it. */
  close(): Promise<void>;
}

export async function openCliContext(env: NodeJS.ProcessEnv = process.env): Promise<CliContext> {
  const config = loadConfig(env);
  // The policy first: a bad policy should fail before anything starts.
  const policy = await loadPolicyFile(config.policyPath);
  const database = await openDatabase(
    config.database.kind === "pglite"
      ? { kind: "pglite", dataDir: config.database.dataDir }
      : { kind: "postgresql", url: config.database.url, poolSize: config.database.poolSize },
  );
  let opened: Awaited<ReturnType<typeof openRecordingStore>>;
  try {
    opened = await openRecordingStore(config.storage, config.auditAnchoring.container);
  } catch (error) {
    await database.close();
    throw error;
  }
  const { anchoring, createdKeyPath } = openAuditAnchoring(config, opened.anchors, "cli");
  if (createdKeyPath) console.error(`No CALLGATE_AUDIT_SIGNING_KEY: generated an audit signing key for this trial at ${createdKeyPath}.`);
  return {
    ctx: { db: database.prisma, policy, clock: systemClock, recordings: opened.store, files: opened.files, ...(anchoring ? { anchoring } : {}) },
    config,
    async close() {
      await Promise.allSettled([database.close(), opened.close()]);
    },
  };
}

/**
 * Runs one CLI action against a freshly opened context and always closes it,
 * whether the action succeeds or throws (errors reach the program's handler).
 */
export async function withCliContext<T>(work: (cli: CliContext) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const cli = await openCliContext(env);
  try {
    return await work(cli);
  } finally {
    await cli.close();
  }
}
