/**
 * Opens the recordings container the configuration names: a real account by
 * connection string or by account URL and managed identity, or (with nothing
 * configured) an Azurite started under the data directory, and beside it the
 * container for files made for people (FILES_CONTAINER). Containers are
 * created if missing. For the composition root and the CLI.
 */
import { join } from "node:path";
import type { StorageConfig } from "../config.ts";
import { AzureAuditAnchorStore, DEFAULT_ANCHOR_CONTAINER } from "./azure-audit-anchor-store.ts";
import { AzureRecordingStore } from "./azure-recording-store.ts";
import { startAzurite } from "./azurite.ts";

/** Where exports, reports and bundles wait to be downloaded: never the recordings container. */
export const FILES_CONTAINER = "callgate-files";

export interface OpenedRecordingStore {
  store: AzureRecordingStore;
  /** The FileStore, on its own container in the same account. */
  files: AzureRecordingStore;
  /** The audit anchors, append-only, in their own container (CALLGATE_ANCHOR_CONTAINER) of the same account. */
  anchors: AzureAuditAnchorStore;
  /** Stops Azurite if this call started it; otherwise nothing to close. */
  close(): Promise<void>;
}

export async function openRecordingStore(storage: StorageConfig, anchorContainer: string = DEFAULT_ANCHOR_CONTAINER): Promise<OpenedRecordingStore> {
  const options = { containerName: storage.container };
  const files = { containerName: FILES_CONTAINER };
  if (storage.kind === "connection-string") {
    return ready(AzureRecordingStore.fromConnectionString(storage.connectionString, options), AzureRecordingStore.fromConnectionString(storage.connectionString, files), AzureAuditAnchorStore.fromConnectionString(storage.connectionString, anchorContainer), async () => {});
  }
  if (storage.kind === "account-url") {
    // Loaded only when used: the identity library is large.
    const { DefaultAzureCredential } = await import("@azure/identity");
    const credential = new DefaultAzureCredential();
    return ready(AzureRecordingStore.fromAccountUrl(storage.url, credential, options), AzureRecordingStore.fromAccountUrl(storage.url, credential, files), AzureAuditAnchorStore.fromAccountUrl(storage.url, credential, anchorContainer), async () => {});
  }
  const azurite = await startAzurite({ location: join(storage.dataDir, "azurite") });
  try {
    return await ready(
      AzureRecordingStore.fromConnectionString(azurite.connectionString, options),
      AzureRecordingStore.fromConnectionString(azurite.connectionString, files),
      AzureAuditAnchorStore.fromConnectionString(azurite.connectionString, anchorContainer),
      () => azurite.stop(),
    );
  } catch (error) {
    await azurite.stop();
    throw error;
  }
}

async function ready(store: AzureRecordingStore, files: AzureRecordingStore, anchors: AzureAuditAnchorStore, close: () => Promise<void>): Promise<OpenedRecordingStore> {
  await store.ensureContainer();
  await files.ensureContainer();
  await anchors.ensureContainer();
  return { store, files, anchors, close };
}
