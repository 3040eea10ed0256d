/**
 * Opens the recordings container the configuration names: a real account by
 * connection string or by account URL and managed identity, or (with nothing
 * configured) an Azurite started under the data directory. The container is
 * created if missing. For the composition root and the CLI.
 */
import { join } from "node:path";
import type { StorageConfig } from "../config.ts";
import { AzureRecordingStore } from "./azure-recording-store.ts";
import { startAzurite } from "./azurite.ts";

export interface OpenedRecordingStore {
  store: AzureRecordingStore;
  /** Stops Azurite if this call started it; otherwise nothing to close. */
  close(): Promise<void>;
}

export async function openRecordingStore(storage: StorageConfig): Promise<OpenedRecordingStore> {
  const options = { containerName: storage.container };
  if (storage.kind === "connection-string") {
    const store = AzureRecordingStore.fromConnectionString(storage.connectionString, options);
    await store.ensureContainer();
    return { store, close: async () => {} };
  }
  if (storage.kind === "account-url") {
    // Loaded only when used: the identity library is large.
    const { DefaultAzureCredential } = await import("@azure/identity");
    const store = AzureRecordingStore.fromAccountUrl(storage.url, new DefaultAzureCredential(), options);
    await store.ensureContainer();
    return { store, close: async () => {} };
  }
  const azurite = await startAzurite({ location: join(storage.dataDir, "azurite") });
  try {
    const store = AzureRecordingStore.fromConnectionString(azurite.connectionString, options);
    await store.ensureContainer();
    return { store, close: () => azurite.stop() };
  } catch (error) {
    await azurite.stop();
    throw error;
  }
}
