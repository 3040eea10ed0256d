/**
 * The RecordingStore port on Azure Blob Storage (and Azurite locally).
 *
 * Two ways in, because production should hold no account key:
 * - a connection string with an account key: links are service SAS signed
 *   with that key (Azurite, or accounts that still use keys);
 * - an account URL and an Entra ID credential (DefaultAzureCredential, a
 *   managed identity in Azure): links are user-delegation SAS, signed with a
 *   short-lived key the service hands out, cached until it nears expiry.
 *
 * Every link is read-only, for exactly one blob, with the caller's expiry.
 * Links are for files (FileStore); the RecordingStore side never hands one
 * out: playback streams audio through Callgate with readRange, so revoking a
 * grant stops it at the next request and no blob metadata reaches a browser.
 *
 * The same class, on its own container, is the FileStore for files made for
 * people (exports, reports, bundles), so their links can never read audio.
 */
import type { DefaultAzureCredential } from "@azure/identity";
import {
  BlobSASPermissions,
  BlobServiceClient,
  RestError,
  SASProtocol,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
  type BlobSASSignatureValues,
  type ContainerClient,
  type ContainerListBlobFlatSegmentResponse,
  type UserDelegationKey,
} from "@azure/storage-blob";
import { AppError } from "../../core/errors.ts";
import { systemClock, type Clock } from "../../core/ports/clock.ts";
import type { Readable } from "node:stream";
import type { FileStore } from "../../core/ports/file-store.ts";
import type { AccessTier, BlobRange, ByteRange, RecordingPage, RecordingStore, StoredRecording, TierStatus } from "../../core/ports/recording-store.ts";

const ACCESS_TIERS: readonly AccessTier[] = ["Hot", "Cool", "Cold", "Archive"];

export const DEFAULT_CONTAINER = "recordings";

/** Any Entra ID credential (DefaultAzureCredential, ManagedIdentityCredential, ...). */
export type TokenCredential = Pick<DefaultAzureCredential, "getToken">;

/** Azure allows at most 5,000 blobs per listing page. */
export const MAX_PAGE_SIZE = 5_000;

/** A user-delegation key (and so any SAS it signs) lives at most 7 days. */
const MAX_DELEGATION_MS = 7 * 24 * 60 * 60 * 1000;
/** Ask for keys that last a day, so one key signs many links. */
const DELEGATION_KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** Allowance for clocks that disagree with Azure's. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface AzureRecordingStoreOptions {
  /** Container the phone system exports into; default "recordings". */
  containerName?: string;
  /** Time source for delegation-key caching and expiry checks. */
  clock?: Clock;
}

export interface UploadOptions {
  contentType: string;
  /** Blob metadata (keys lower-case, per docs/recording-convention.md). */
  metadata?: Record<string, string>;
  /** Blob index tags (values may not contain "@"). */
  tags?: Record<string, string>;
}

type Signer =
  | { kind: "account-key"; credential: StorageSharedKeyCredential }
  | { kind: "user-delegation"; accountName: string };

export class AzureRecordingStore implements RecordingStore, FileStore {
  readonly containerName: string;
  private readonly container: ContainerClient;
  private readonly clock: Clock;
  private delegationKey: Promise<UserDelegationKey> | undefined;

  private constructor(
    private readonly service: BlobServiceClient,
    private readonly signer: Signer,
    options: AzureRecordingStoreOptions,
  ) {
    this.containerName = options.containerName ?? DEFAULT_CONTAINER;
    this.container = service.getContainerClient(this.containerName);
    this.clock = options.clock ?? systemClock;
  }

  /** From a connection string; it must carry an account key, which signs the links. */
  static fromConnectionString(connectionString: string, options: AzureRecordingStoreOptions = {}): AzureRecordingStore {
    let service: BlobServiceClient;
    try {
      service = BlobServiceClient.fromConnectionString(connectionString);
    } catch (error) {
      throw new AppError("CONFIG_INVALID", "AZURE_STORAGE_CONNECTION_STRING is not a valid Azure Storage connection string.", "AZURE_STORAGE_CONNECTION_STRING", { cause: error });
    }
    if (!(service.credential instanceof StorageSharedKeyCredential)) {
      throw new AppError(
        "CONFIG_INVALID",
        "AZURE_STORAGE_CONNECTION_STRING must include an AccountKey so Callgate can sign playback links. Without a key, use AZURE_STORAGE_ACCOUNT_URL and a managed identity instead.",
        "AZURE_STORAGE_CONNECTION_STRING",
      );
    }
    return new AzureRecordingStore(service, { kind: "account-key", credential: service.credential }, options);
  }

  /**
   * From an account URL (https://ACCOUNT.blob.core.windows.net) and an Entra ID
   * credential. The identity needs "Storage Blob Data Contributor" on the
   * container (to list, delete and create it) and "Storage Blob Delegator" on
   * the account (to sign links).
   */
  static fromAccountUrl(accountUrl: string, credential: TokenCredential, options: AzureRecordingStoreOptions = {}): AzureRecordingStore {
    let service: BlobServiceClient;
    try {
      service = new BlobServiceClient(accountUrl, credential);
    } catch (error) {
      throw new AppError("CONFIG_INVALID", "AZURE_STORAGE_ACCOUNT_URL is not a valid URL.", "AZURE_STORAGE_ACCOUNT_URL", { cause: error });
    }
    const accountName = service.accountName;
    if (!accountName) {
      throw new AppError("CONFIG_INVALID", "Callgate could not read the storage account's name from AZURE_STORAGE_ACCOUNT_URL.", "AZURE_STORAGE_ACCOUNT_URL");
    }
    return new AzureRecordingStore(service, { kind: "user-delegation", accountName }, options);
  }

  /** Creates the container if it is missing; call once at start. */
  async ensureContainer(): Promise<void> {
    await storageCall(`create the ${this.containerName} container`, () => this.container.createIfNotExists());
  }

  async listPage(continuationToken: string | undefined, pageSize: number): Promise<RecordingPage> {
    const maxPageSize = Math.min(Math.max(1, Math.floor(pageSize)), MAX_PAGE_SIZE);
    const page = await storageCall("list the recordings container", async () => {
      const pages = this.container
        .listBlobsFlat({ includeMetadata: true, includeTags: true })
        .byPage({ continuationToken: continuationToken || undefined, maxPageSize });
      const next = await pages.next();
      return next.done ? undefined : (next.value as ContainerListBlobFlatSegmentResponse);
    });
    const items: StoredRecording[] = (page?.segment.blobItems ?? []).map((blob) => ({
      blobName: blob.name,
      contentType: blob.properties.contentType || undefined,
      sizeBytes: blob.properties.contentLength ?? undefined,
      metadata: mergeMetadata(blob.metadata, blob.tags),
    }));
    return { items, continuationToken: page?.continuationToken || undefined };
  }

  async readUrl(blobName: string, expiresAt: Date, options: { contentType?: string; fileName?: string } = {}): Promise<string> {
    if (blobName.length === 0) throw new AppError("INVALID_INPUT", "A recording needs a blob name before it can be played.", "blobName");
    const now = this.clock.now();
    if (!(expiresAt.getTime() > now.getTime())) {
      throw new AppError("INVALID_INPUT", "A playback link must expire in the future.", "expiresAt");
    }
    const blob = this.container.getBlobClient(blobName);
    const values: BlobSASSignatureValues = {
      containerName: this.containerName,
      blobName,
      permissions: BlobSASPermissions.parse("r"),
      expiresOn: expiresAt,
      // Real accounts are HTTPS-only; Azurite on a laptop speaks plain HTTP.
      protocol: blob.url.startsWith("https:") ? SASProtocol.Https : SASProtocol.HttpsAndHttp,
      contentDisposition: options.fileName ? `attachment; filename="${options.fileName.replace(/[^\w.-]/g, "_")}"` : "inline",
      ...(options.contentType ? { contentType: options.contentType } : {}),
    };
    const sas =
      this.signer.kind === "account-key"
        ? generateBlobSASQueryParameters(values, this.signer.credential)
        : generateBlobSASQueryParameters(values, await this.userDelegationKey(expiresAt), this.signer.accountName);
    return `${blob.url}?${sas.toString()}`;
  }

  async readRange(blobName: string, range: ByteRange, options: { signal?: AbortSignal } = {}): Promise<BlobRange> {
    const blob = this.container.getBlobClient(blobName);
    const size = async () => (await storageCall("read a recording's size", () => blob.getProperties({ abortSignal: options.signal }), blobName)).contentLength ?? 0;
    let offset: number;
    let count: number | undefined;
    if ("suffix" in range) {
      // Azure has no suffix ranges: ask for the size, then read from there.
      const totalBytes = await size();
      if (totalBytes === 0 || range.suffix === 0) return { outcome: "unsatisfiable", totalBytes };
      offset = Math.max(0, totalBytes - range.suffix);
      count = undefined;
    } else {
      offset = range.offset;
      count = range.count;
    }
    try {
      // Only the body and its range are passed on: the response also carries
      // the blob's metadata (x-ms-meta-*, personal data), which stays here.
      const response = await blob.download(offset, count, { abortSignal: options.signal });
      const body = response.readableStreamBody as Readable | undefined;
      if (!body) throw new AppError("STORAGE_ERROR", "Azure Blob Storage sent no body for a recording.");
      const sent = response.contentLength ?? 0;
      const total = /\/(\d+)$/.exec(response.contentRange ?? "")?.[1];
      const totalBytes = total === undefined ? offset + sent : Number(total);
      // Azure answers 416 here; Azurite answers with what it has. Either way, nothing to send.
      if (offset >= totalBytes || sent === 0) {
        body.destroy();
        return { outcome: "unsatisfiable", totalBytes };
      }
      return { outcome: "bytes", body, offset, count: sent, totalBytes };
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 416) return { outcome: "unsatisfiable", totalBytes: await size() };
      throw storageError("read a recording", error, blobName);
    }
  }

  async read(blobName: string): Promise<Buffer> {
    return storageCall("read a recording", () => this.container.getBlobClient(blobName).downloadToBuffer());
  }

  async put(name: string, body: Buffer | Readable, options: { contentType: string }): Promise<void> {
    const blob = this.container.getBlockBlobClient(name);
    const headers = { blobHTTPHeaders: { blobContentType: options.contentType } };
    await storageCall("store a file", () => (Buffer.isBuffer(body) ? blob.uploadData(body, headers) : blob.uploadStream(body, 4 * 1024 * 1024, 4, headers)));
  }

  async delete(blobName: string): Promise<void> {
    await storageCall("delete a recording", () => this.container.getBlobClient(blobName).deleteIfExists({ deleteSnapshots: "include" }));
  }

  async setTier(blobName: string, tier: AccessTier): Promise<void> {
    await storageCall(`move a recording to the ${tier} tier`, () => this.container.getBlobClient(blobName).setAccessTier(tier, tier === "Archive" ? {} : { rehydratePriority: "Standard" }), blobName);
  }

  async tierOf(blobName: string): Promise<TierStatus> {
    const properties = await storageCall("read a recording's tier", () => this.container.getBlobClient(blobName).getProperties(), blobName);
    const tier = ACCESS_TIERS.find((t) => t.toLowerCase() === (properties.accessTier ?? "").toLowerCase());
    return { tier, rehydrating: (properties.archiveStatus ?? "").startsWith("rehydrate-pending") };
  }

  async ping(): Promise<void> {
    await storageCall("reach the recordings container", () => this.container.getProperties({ abortSignal: AbortSignal.timeout(5_000) }));
  }

  /**
   * Uploads one recording unless a blob of that name exists (used by the demo
   * seeder and benchmarks; the phone system uploads real recordings itself).
   */
  async upload(blobName: string, body: Buffer, options: UploadOptions): Promise<"created" | "exists"> {
    try {
      await this.container.getBlockBlobClient(blobName).uploadData(body, {
        blobHTTPHeaders: { blobContentType: options.contentType },
        ...(options.metadata ? { metadata: options.metadata } : {}),
        ...(options.tags ? { tags: options.tags } : {}),
        conditions: { ifNoneMatch: "*" },
      });
      return "created";
    } catch (error) {
      if (error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412)) return "exists";
      throw storageError("upload a recording", error);
    }
  }

  /** Whether a blob of that name exists. */
  async exists(blobName: string): Promise<boolean> {
    return storageCall("check a recording", () => this.container.getBlobClient(blobName).exists());
  }

  /**
   * A user-delegation key valid at least until `expiresAt`, reused across
   * links. Concurrent callers share one request for a new key.
   */
  private async userDelegationKey(expiresAt: Date): Promise<UserDelegationKey> {
    const now = this.clock.now().getTime();
    if (expiresAt.getTime() - now > MAX_DELEGATION_MS - CLOCK_SKEW_MS) {
      throw new AppError("INVALID_INPUT", "A playback link signed with Entra ID can last at most 7 days.", "expiresAt");
    }
    const cached = this.delegationKey;
    if (cached) {
      const key = await cached.catch(() => undefined);
      if (key && key.signedExpiresOn.getTime() >= expiresAt.getTime() + CLOCK_SKEW_MS) return key;
      if (this.delegationKey !== cached) return this.userDelegationKey(expiresAt);
    }
    const startsOn = new Date(now - CLOCK_SKEW_MS);
    const wanted = Math.max(now + DELEGATION_KEY_LIFETIME_MS, expiresAt.getTime() + CLOCK_SKEW_MS);
    const expiresOn = new Date(Math.min(wanted, now + MAX_DELEGATION_MS - 60_000));
    const request = storageCall("get a user delegation key", () => this.service.getUserDelegationKey(startsOn, expiresOn));
    this.delegationKey = request;
    request.catch(() => {
      if (this.delegationKey === request) this.delegationKey = undefined;
    });
    return request;
  }
}

/** Metadata keys lower-cased; index tags fill any key the metadata lacks. */
function mergeMetadata(metadata: Record<string, string> | undefined, tags: Record<string, string> | undefined): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags ?? {})) merged[key.toLowerCase()] = value;
  for (const [key, value] of Object.entries(metadata ?? {})) merged[key.toLowerCase()] = value;
  return merged;
}

async function storageCall<T>(what: string, call: () => Promise<T>, blobName?: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw storageError(what, error, blobName);
  }
}

/** `blobName` given: a missing blob is NOT_FOUND (its audio was deleted), not a storage failure. */
function storageError(what: string, error: unknown, blobName?: string): AppError {
  if (error instanceof AppError) return error;
  if (blobName !== undefined && error instanceof RestError && error.statusCode === 404) {
    return new AppError("NOT_FOUND", "The audio of this recording is no longer stored.", undefined, { cause: error });
  }
  // Reading an Archive-tier blob (409 BlobArchived): it must be rehydrated first, which the caller asks for.
  if (error instanceof RestError && error.statusCode === 409 && error.code === "BlobArchived") {
    return new AppError("WRONG_STATE", "This recording is in the archive and must be retrieved before it can be played or copied; that can take up to 15 hours.", "archived", { cause: error });
  }
  const status = error instanceof RestError && error.statusCode ? ` (HTTP ${error.statusCode})` : "";
  return new AppError("STORAGE_ERROR", `Callgate could not ${what} in Azure Blob Storage${status}.`, undefined, { cause: error });
}
