/**
 * Builds a core context on a fresh database with a manual clock, the test
 * policy and a recording chat channel where every policy person is linked.
 */
import { afterEach, beforeEach } from "vitest";
import type { CoreContext } from "../../src/core/context.ts";
import { runFileJobs } from "../../src/core/files/run-file-jobs.ts";
import { linkChatIdentity } from "../../src/core/identity/link-chat-identity.ts";
import { deliverNotifications } from "../../src/core/notify/deliver-notifications.ts";
import type { Policy } from "../../src/core/policy/schema.ts";
import { ManualClock } from "../../src/core/ports/clock.ts";
import type { Database } from "../../src/infra/db/open-database.ts";
import { freshDatabase, type DatabaseKind } from "./databases.ts";
import { RecordingChannel } from "./recording-channel.ts";
import { testPolicy } from "./test-policy.ts";

export const NOW = new Date("2026-11-20T12:00:00Z");

export interface TestCore {
  ctx: CoreContext;
  clock: ManualClock;
  channel: RecordingChannel;
  database: Database;
  /** Runs every due file job (disclosure forms and zips), then delivers every pending notice now. */
  deliver(): Promise<void>;
  close(): Promise<void>;
}

export interface TestCoreOptions {
  policy?: Policy;
  /** Link every policy person to the test chat platform first (default true). */
  linkEveryone?: boolean;
  poolSize?: number;
}

export async function testCore(kind: DatabaseKind, options: TestCoreOptions = {}): Promise<TestCore> {
  const database = await freshDatabase(kind, { poolSize: options.poolSize });
  const clock = new ManualClock(NOW);
  const ctx: CoreContext = { db: database.prisma, policy: options.policy ?? testPolicy(), clock };
  const channel = new RecordingChannel();
  if (options.linkEveryone !== false) {
    for (const person of ctx.policy.people) await linkChatIdentity(ctx, { platform: "test", platformUserId: person.email, email: person.email });
  }
  return {
    ctx,
    clock,
    channel,
    database,
    async deliver() {
      for (let i = 0; i < 20; i++) {
        const jobs = await runFileJobs(ctx);
        const r = await deliverNotifications(ctx, { channels: [channel], publicUrl: "https://callgate.test" });
        if (jobs.done + jobs.retrying + jobs.failed + r.sent + r.retrying + r.failed === 0) return;
      }
    },
    close: () => database.close(),
  };
}

/**
 * The shared fixture of the core tests: each test in the enclosing `describe`
 * gets its own TestCore on an emptied database, closed after it. The handle
 * returned is live: read `t.ctx` inside a test or hook, not at collection.
 * Options may be a function, for policies a test file builds per test.
 */
export function useTestCore(kind: DatabaseKind, options: TestCoreOptions | (() => TestCoreOptions) = {}): TestCore {
  const live = {} as TestCore;
  beforeEach(async () => {
    Object.assign(live, await testCore(kind, typeof options === "function" ? options() : options));
  });
  afterEach(async () => {
    await live.close();
  });
  return live;
}

let callCounter = 0;

/** Adds one catalogue entry (with audio unless told otherwise). */
export async function addRecording(ctx: CoreContext, fields: { startedAt: Date; number?: string | null; extension?: string; siteId?: string; direction?: "INBOUND" | "OUTBOUND"; audio?: boolean; staffEmail?: string }) {
  const callId = `call-${++callCounter}-${Math.random().toString(36).slice(2, 8)}`;
  return ctx.db.recording.create({
    data: {
      callId,
      startedAt: fields.startedAt,
      durationSeconds: 120,
      direction: fields.direction ?? "INBOUND",
      externalNumber: fields.number === undefined ? "+442079460001" : fields.number,
      extension: fields.extension ?? "102",
      siteId: fields.siteId ?? "north",
      staffEmail: fields.staffEmail ?? null,
      blobName: fields.audio === false ? null : `${fields.siteId ?? "north"}/${callId}.wav`,
      contentType: fields.audio === false ? null : "audio/wav",
      source: fields.audio === false ? "CALL_LOG" : "BLOB",
    },
  });
}
