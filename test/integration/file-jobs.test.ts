/**
 * Blob work after commit: a disclosure's form and zip are made by a file job,
 * never inside the decision's transaction, so slow storage cannot hold the
 * audit log's lock that every state change waits on. Real Azurite behind a
 * gate the test opens, both databases.
 */
import { describe, expect, it } from "vitest";
import { sendAuditExport } from "../../src/core/audit/export-audit.ts";
import { verifyAuditChain } from "../../src/core/audit/verify-audit-chain.ts";
import type { CoreContext } from "../../src/core/context.ts";
import { submitDisclosure, type SubmitDisclosureInput } from "../../src/core/disclosure/submit-disclosure.ts";
import { runFileJobs } from "../../src/core/files/run-file-jobs.ts";
import type { FileStore } from "../../src/core/ports/file-store.ts";
import type { RecordingStore } from "../../src/core/ports/recording-store.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { type TestStorage, useTestStorage } from "../support/storage.ts";
import { P, testPolicy } from "../support/test-policy.ts";
import { policeDisclosure } from "../support/inputs.ts";

const policy = testPolicy({ disclosure: { authoriserRoles: ["dpo", "ceo"] } });

const police = (over: Partial<SubmitDisclosureInput> = {}) => policeDisclosure({ releaseMode: "zip", ...over });

/** Holds storage calls until the test opens it; `holdFirst` holds only that many, letting later ones through. */
class Gate {
  private opened = false;
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  private reached!: () => void;
  /** Resolves when the first call arrives at the gate. */
  readonly reachedFirst = new Promise<void>((resolve) => (this.reached = resolve));
  calls = 0;
  constructor(private readonly holdFirst = Infinity) {}
  async hold<T>(work: () => Promise<T>): Promise<T> {
    this.reached();
    if (++this.calls <= this.holdFirst && !this.opened) await this.gate;
    return work();
  }
  release(): void {
    this.opened = true;
    this.open();
  }
}

/** `target` with some methods replaced; the rest still reach `target` itself. */
function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(object, key) {
      if (key in overrides) return overrides[key as keyof T];
      const value: unknown = Reflect.get(object, key);
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}

/** The Azurite stores with uploads and audio reads behind the gate; deletions are noted. */
function gatedStores(storage: TestStorage, gate: Gate): { files: FileStore; recordings: RecordingStore; deleted: string[] } {
  const deleted: string[] = [];
  const files = withOverrides<FileStore>(storage.files, {
    put: (name, body, options) => gate.hold(() => storage.files.put(name, body, options)),
    delete: async (name) => {
      deleted.push(name);
      await storage.files.delete(name);
    },
  });
  const recordings = withOverrides<RecordingStore>(storage.recordings, { read: (name) => gate.hold(() => storage.recordings.read(name)) });
  return { files, recordings, deleted };
}

/** The promise's value, or "stalled" if it has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | "stalled"> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<"stalled">((resolve) => (timer = setTimeout(() => resolve("stalled"), ms)));
  try {
    return await Promise.race([promise, stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until the job has been claimed and its storage call is held at the gate. */
async function untilHeld(gate: Gate): Promise<void> {
  expect(await within(gate.reachedFirst, 10_000)).not.toBe("stalled");
}

/** A safeguarding request at the north site with its one call, waiting for the north principal. */
async function unrelatedRequest(storage: TestStorage, ctx: CoreContext) {
  await storage.addRecording(ctx, { startedAt: new Date("2026-11-19T14:35:00Z"), siteId: "north", number: "020 7946 0002" });
  return submitRequest(ctx, { requesterEmail: P.requester, purposeId: "safeguarding", date: "2026-11-19", time: "14:30", windowMinutes: 30, direction: "inbound", number: "020 7946 0002", reason: "Parent reported an abusive call to the office" });
}

describe.each(DATABASE_KINDS)("file jobs on %s", (kind) => {
  const t = useTestCore(kind, { policy });
  const storage = useTestStorage();

  it("does not let a slow blob store stall the decision that completes a disclosure, nor an unrelated decision", async () => {
    const gate = new Gate();
    const stores = gatedStores(storage, gate);
    t.ctx.files = stores.files;
    t.ctx.recordings = stores.recordings;
    let job: ReturnType<typeof runFileJobs> | undefined;
    try {
      const call = await storage.addRecording(t.ctx, { startedAt: new Date("2026-11-18T14:32:00Z"), siteId: "south", extension: "201" });
      const { request: disclosure } = await submitDisclosure(t.ctx, police());
      const other = await unrelatedRequest(storage, t.ctx);

      const completed = await within(recordDecision(t.ctx, { requestId: disclosure.id, deciderEmail: P.ceo, outcome: "approve" }), 5_000);
      expect(completed).not.toBe("stalled");
      expect(completed).toMatchObject({ status: "FULFILLED" });
      expect(await t.ctx.db.fileJob.count({ where: { status: "PENDING", requestId: disclosure.id } })).toBe(1);

      // The job reads the audio and uploads while another authoriser decides something else.
      job = runFileJobs(t.ctx);
      await untilHeld(gate);
      const decided = await within(recordDecision(t.ctx, { requestId: other.id, deciderEmail: P.northHead, outcome: "approve" }), 5_000);
      expect(decided).toMatchObject({ status: "FULFILLED" });
      expect(await t.ctx.db.deliveredFile.count()).toBe(0);
      expect((await t.ctx.db.disclosure.findUniqueOrThrow({ where: { requestId: disclosure.id } })).disclosedAt).toBeNull();

      gate.release();
      expect(await job).toEqual({ done: 1, retrying: 0, failed: 0 });
      await t.deliver();
      const files = await t.ctx.db.deliveredFile.findMany({ where: { ownerEmail: P.dpo }, orderBy: { kind: "asc" } });
      expect(files.map((f) => f.kind)).toEqual(["disclosure-bundle", "disclosure-form"]);
      expect((await t.ctx.db.disclosure.findUniqueOrThrow({ where: { requestId: disclosure.id } })).formSha256).toBe(files[1]!.sha256);
      expect(t.channel.to(P.dpo, "file-ready")).toHaveLength(2);
      expect(t.channel.to(P.requester, "access-granted")).toHaveLength(1);
      const released = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "disclosure.released" } });
      expect(released).toMatchObject({ actor: "system", requestId: disclosure.id }); // matched automatically
      expect(released.details).toMatchObject({ releaseMode: "zip", callId: call.callId, bundleFileId: files[0]!.id, formFileId: files[1]!.id });
      expect(await t.ctx.db.fileJob.findFirstOrThrow()).toMatchObject({ status: "DONE", attempts: 1 });
      expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    } finally {
      gate.release();
      await job?.catch(() => undefined);
    }
  });

  it("does not let an audit export's slow upload stall a decision", async () => {
    const gate = new Gate();
    t.ctx.files = gatedStores(storage, gate).files;
    const other = await unrelatedRequest(storage, t.ctx);
    const exporting = sendAuditExport(t.ctx, { actorEmail: P.dpo, query: "this month", format: "csv" });
    try {
      await untilHeld(gate);
      const decided = await within(recordDecision(t.ctx, { requestId: other.id, deciderEmail: P.northHead, outcome: "approve" }), 5_000);
      expect(decided).toMatchObject({ status: "FULFILLED" });
      gate.release();
      const { file } = await exporting;
      expect(await t.ctx.db.deliveredFile.findUniqueOrThrow({ where: { id: file.fileId } })).toMatchObject({ kind: "audit-csv", ownerEmail: P.dpo });
    } finally {
      gate.release();
      await exporting.catch(() => undefined);
    }
  });

  it("retries a job whose storage fails, then gives up, audits it and tells the DPO, delivering nothing", async () => {
    storage.attach(t.ctx);
    t.ctx.files = withOverrides<FileStore>(storage.files, { put: () => Promise.reject(new Error("storage account unreachable")) });
    await storage.addRecording(t.ctx, { startedAt: new Date("2026-11-18T14:32:00Z"), siteId: "south", extension: "201" });
    const { request } = await submitDisclosure(t.ctx, police({ releaseMode: "link" }));
    await recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.ceo, outcome: "approve" });

    expect(await runFileJobs(t.ctx, { maxAttempts: 2 })).toEqual({ done: 0, retrying: 1, failed: 0 });
    expect(await t.ctx.db.fileJob.findFirstOrThrow()).toMatchObject({ status: "PENDING", attempts: 1, lastError: "FILE_JOB_FAILED: storage account unreachable" });
    // Not again until the backoff has passed.
    expect(await runFileJobs(t.ctx, { maxAttempts: 2 })).toEqual({ done: 0, retrying: 0, failed: 0 });
    t.clock.advance(6_000);
    expect(await runFileJobs(t.ctx, { maxAttempts: 2 })).toEqual({ done: 0, retrying: 0, failed: 1 });

    expect(await t.ctx.db.fileJob.findFirstOrThrow()).toMatchObject({ status: "FAILED", attempts: 2 });
    expect(await t.ctx.db.deliveredFile.count()).toBe(0);
    expect((await t.ctx.db.disclosure.findUniqueOrThrow({ where: { requestId: request.id } })).disclosedAt).toBeNull();
    const failed = await t.ctx.db.auditEntry.findFirstOrThrow({ where: { action: "file-job.failed" } });
    expect(failed).toMatchObject({ actor: "system", requestId: request.id });
    expect(failed.details).toMatchObject({ kind: "disclosure-release", owner: P.dpo, attempts: 2, code: "FILE_JOB_FAILED" });
    await t.deliver();
    const told = t.channel.to(P.dpo, "compliance-notice");
    expect(told).toHaveLength(1);
    expect(JSON.stringify(told[0])).toContain(`Files for ${request.reference} could not be made`);
  });

  it("takes a job's effect once when its lease runs out during a slow upload and another run does it too", async () => {
    const gate = new Gate(1);
    const stores = gatedStores(storage, gate);
    t.ctx.files = stores.files;
    t.ctx.recordings = stores.recordings;
    await storage.addRecording(t.ctx, { startedAt: new Date("2026-11-18T14:32:00Z"), siteId: "south", extension: "201" });
    const { request } = await submitDisclosure(t.ctx, police({ releaseMode: "link" }));
    await recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.ceo, outcome: "approve" });

    const slow = runFileJobs(t.ctx);
    await untilHeld(gate);
    t.clock.advance(11 * 60_000);
    expect(await runFileJobs(t.ctx)).toEqual({ done: 1, retrying: 0, failed: 0 });
    gate.release();
    // The first run finds the job done: it records nothing and removes what it stored.
    expect(await slow).toEqual({ done: 0, retrying: 0, failed: 0 });

    const files = await t.ctx.db.deliveredFile.findMany();
    expect(files.map((f) => f.kind)).toEqual(["disclosure-form"]);
    expect(stores.deleted).toHaveLength(1);
    expect(stores.deleted[0]).not.toBe(files[0]!.blobName);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "disclosure.released" } })).toBe(1);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "file.delivered" } })).toBe(1);
  });
});
