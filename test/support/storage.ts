/**
 * A real Azurite with the recordings container and the files container, for
 * core tests that need audio (bundles, retention) or deliver files. One per
 * test file or describe block (useTestStorage), its stores given to a
 * TestCore's context.
 */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { AzureRecordingStore } from "../../src/infra/blob/azure-recording-store.ts";
import { startAzurite, type RunningAzurite } from "../../src/infra/blob/azurite.ts";
import { FILES_CONTAINER } from "../../src/infra/blob/open-recording-store.ts";
import type { CoreContext } from "../../src/core/context.ts";
import { normalisePhoneNumber } from "../../src/core/phone.ts";
import { addRecording } from "./core.ts";

export interface TestStorage {
  azurite: RunningAzurite;
  recordings: AzureRecordingStore;
  files: AzureRecordingStore;
  /** Gives a core context these stores (tests build contexts without them). */
  attach(ctx: CoreContext): void;
  /** Uploads a small WAV body under this blob name. */
  putAudio(blobName: string, body?: Buffer): Promise<void>;
  /** Adds a catalogue entry as addRecording does, with `number` as a person would type it, and uploads its audio here. */
  addRecording(ctx: CoreContext, fields: Parameters<typeof addRecording>[1]): ReturnType<typeof addRecording>;
  /** The bytes of a delivered file, found by its DeliveredFile row's blob name. */
  readFile(blobName: string): Promise<Buffer>;
  stop(): Promise<void>;
}

/** A tiny valid WAV header plus silence, so tests can tell files apart by name and size. */
export function fakeWav(seconds = 1): Buffer {
  const rate = 8000;
  const data = Buffer.alloc(rate * seconds * 2);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8);
  header.write("fmt ", 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

export async function startTestStorage(options: { container?: string } = {}): Promise<TestStorage> {
  const azurite = await startAzurite({ location: "memory" });
  const recordings = AzureRecordingStore.fromConnectionString(azurite.connectionString, { containerName: options.container ?? "recordings" });
  const files = AzureRecordingStore.fromConnectionString(azurite.connectionString, { containerName: FILES_CONTAINER });
  await recordings.ensureContainer();
  await files.ensureContainer();
  const putAudio = async (blobName: string, body = fakeWav()) => {
    await recordings.upload(blobName, body, { contentType: "audio/wav" });
  };
  return {
    azurite,
    recordings,
    files,
    attach(ctx) {
      ctx.recordings = recordings;
      ctx.files = files;
    },
    putAudio,
    async addRecording(ctx, fields) {
      const row = await addRecording(ctx, { ...fields, ...(fields.number ? { number: normalisePhoneNumber(fields.number) } : {}) });
      if (row.blobName) await putAudio(row.blobName);
      return row;
    },
    readFile: (blobName) => files.read(blobName),
    stop: () => azurite.stop(),
  };
}

/**
 * One Azurite for the enclosing describe block, or the file when called at
 * the top level: started in beforeAll and stopped in afterAll. With `t`, its
 * stores are given to t's context before each test (register `t` first). The
 * storage is there from beforeAll on, so use it in hooks and tests.
 */
export function useTestStorage(t?: { ctx: CoreContext }): TestStorage {
  let running: TestStorage | undefined;
  const started = (): TestStorage => {
    if (!running) throw new Error("The test storage is started in beforeAll: use it in hooks and tests.");
    return running;
  };
  beforeAll(async () => {
    running = await startTestStorage();
  });
  afterAll(async () => {
    await running?.stop();
  });
  if (t) {
    beforeEach(() => {
      started().attach(t.ctx);
    });
  }
  return {
    get azurite() {
      return started().azurite;
    },
    get recordings() {
      return started().recordings;
    },
    get files() {
      return started().files;
    },
    attach: (ctx) => started().attach(ctx),
    putAudio: (blobName, body) => started().putAudio(blobName, body),
    addRecording: (ctx, fields) => started().addRecording(ctx, fields),
    readFile: (blobName) => started().readFile(blobName),
    stop: () => started().stop(),
  };
}
