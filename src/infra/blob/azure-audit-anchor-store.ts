/**
 * The AuditAnchorStore on Azure Blob Storage: append blobs (one a year,
 * `anchors/2026.jsonl`) in their own container, CALLGATE_ANCHOR_CONTAINER.
 * It only ever creates a blob that does not exist yet and appends blocks to
 * it: no upload, overwrite, metadata change or delete is ever called, so the
 * app's credential needs only add, create, read and list on this container,
 * and the container can carry a time-based retention policy with protected
 * append writes allowed (docs/audit-anchoring.md).
 */
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { AppError } from "../../core/errors.ts";
import type { AuditAnchorStore } from "../../core/ports/audit-anchor-store.ts";
import { systemClock, type Clock } from "../../core/ports/clock.ts";
import type { TokenCredential } from "./azure-recording-store.ts";

export const DEFAULT_ANCHOR_CONTAINER = "callgate-audit-anchors";
const PREFIX = "anchors/";

export class AzureAuditAnchorStore implements AuditAnchorStore {
  constructor(
    private readonly container: ContainerClient,
    private readonly clock: Clock = systemClock,
  ) {}

  static fromConnectionString(connectionString: string, containerName = DEFAULT_ANCHOR_CONTAINER, clock?: Clock): AzureAuditAnchorStore {
    return new AzureAuditAnchorStore(BlobServiceClient.fromConnectionString(connectionString).getContainerClient(containerName), clock);
  }

  static fromAccountUrl(accountUrl: string, credential: TokenCredential, containerName = DEFAULT_ANCHOR_CONTAINER, clock?: Clock): AzureAuditAnchorStore {
    return new AzureAuditAnchorStore(new BlobServiceClient(accountUrl, credential).getContainerClient(containerName), clock);
  }

  get containerName(): string {
    return this.container.containerName;
  }

  /** Creates the container if missing (in production an operator creates it, with its immutability policy). */
  async ensureContainer(): Promise<void> {
    await call(`create the ${this.container.containerName} container`, () => this.container.createIfNotExists());
  }

  async append(line: string): Promise<void> {
    if (/[\r\n]/.test(line)) throw new AppError("INVALID_INPUT", "An anchor is one line.");
    const body = Buffer.from(`${line}\n`, "utf8");
    const blob = this.container.getAppendBlobClient(`${PREFIX}${this.clock.now().getUTCFullYear()}.jsonl`);
    // If-None-Match: * under the hood: an existing blob is never replaced.
    await call("create the anchor blob", () => blob.createIfNotExists());
    await call("append an audit anchor", () => blob.appendBlock(body, body.length));
  }

  async list(): Promise<string[]> {
    const lines: string[] = [];
    const names: string[] = [];
    for await (const item of this.container.listBlobsFlat({ prefix: PREFIX })) names.push(item.name);
    for (const name of names.sort()) {
      const body = await call("read the audit anchors", () => this.container.getAppendBlobClient(name).downloadToBuffer());
      for (const line of body.toString("utf8").split("\n")) if (line.trim()) lines.push(line);
    }
    return lines;
  }
}

async function call<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new AppError("STORAGE_ERROR", `Could not ${what} in the audit anchor store.`, undefined, { cause: error });
  }
}
