/**
 * Prepares what the subject is sent, for the DPO to pass on, in one of two
 * forms the DPO chooses:
 *
 * - `zip`: one archive with the audio files, calls.csv and the covering
 *   letter. One thing to check and send (secure e-mail, a portal, or on
 *   encrypted media by post); the right choice for most requests.
 * - `links`: each audio file, the CSV and the letter as separate downloads,
 *   each its own time-limited link DMed to the DPO, who forwards them. For
 *   many or long recordings, where one archive would be too big to send, and
 *   for subjects who cannot open a zip file. Each link lives as long as the
 *   policy's playback access window, so the subject has time to use it.
 *
 * Either way the files are delivered to the DPO, never to chat: all stored
 * first, then recorded in one transaction with the bundle's audit entry.
 * Calls withheld are left out and named in the letter with the reason; calls
 * still marked for third-party review stop the bundle until the DPO releases
 * or withholds them. The subject's identity must be verified first.
 *
 * A released call whose audio is archived (retention.archive) cannot be read
 * until it is back: the command asks for it, tells the owner, and writes the
 * bundle as a file job held until the rehydrate job has every such call back
 * (releaseWaitingBundles); the job then builds and records the same bundle.
 */
import type { FileJob, Prisma } from "../../generated/prisma/client.ts";
import type { CoreContext, Tx } from "../context.ts";
import { transact } from "../context.ts";
import { calendarText } from "../calendar.ts";
import { enqueueFileJob } from "../files/file-jobs.ts";
import type { FileJobWork } from "../files/run-file-jobs.ts";
import { findPerson, holdsRole } from "../policy/access.ts";
import type { Person } from "../policy/schema.ts";
import { ARCHIVE_TIER, archiveRetrievalText, askArchivedBack, findArchived, HELD_UNTIL } from "../recordings/rehydrate-recording.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { buildZip } from "../documents/zip.ts";
import { AppError } from "../errors.ts";
import { recordFile, storeThenRecord, type DeliveredFileRef, type FileToDeliver } from "../files/deliver-file.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { addDuration } from "../policy/duration.ts";
import { buildCoveringLetter, signerRole } from "./subject-access-letter.ts";
import { buildSubjectAccessView, loadSubjectAccess, type SubjectAccessView, type SubjectAccessWithDetail } from "./subject-access-view.ts";
import { lockSubjectAccess, requireOpen, requireSubjectAccessOwner, subjectAccessTeam, todayFor } from "./subject-access-rules.ts";
import { MAX_ZIP_AUDIO_BYTES, readSubjectAudio, subjectCallsCsv, type SubjectCall } from "./subject-files.ts";
import { withRefusalAudit } from "../guards.ts";

export type BundleMode = "zip" | "links";

export interface PrepareSubjectAccessBundleInput {
  actorEmail: string;
  reference: string;
  mode: BundleMode;
}

/** One file made, as delivered to the DPO (the CLI also writes `body` to disk). */
export interface BundleFile extends DeliveredFileRef {
  fileName: string;
  contentType: string;
  body: Buffer;
}

export interface PreparedBundle {
  view: SubjectAccessView;
  mode: BundleMode;
  /** Empty while the bundle waits for archived calls. */
  files: BundleFile[];
  released: number;
  withheld: number;
  /** Calls being retrieved from the archive: the bundle is made and sent when they are back (0 when it was made now). */
  waitingForArchive: number;
}

export async function prepareSubjectAccessBundle(ctx: CoreContext, input: PrepareSubjectAccessBundleInput): Promise<PreparedBundle> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "subject-access.refused", command: "prepare-subject-access-bundle", reference: input.reference }, () => attemptPrepareSubjectAccessBundle(ctx, input));
}

async function attemptPrepareSubjectAccessBundle(ctx: CoreContext, input: PrepareSubjectAccessBundleInput): Promise<PreparedBundle> {
  const actor = requireSubjectAccessOwner(ctx.policy, input.actorEmail);
  if (input.mode !== "zip" && input.mode !== "links") throw new AppError("INVALID_INPUT", "Choose zip (one archive) or links (a download per file).", "mode");
  if (!ctx.files) throw new AppError("STORAGE_ERROR", "Callgate has nowhere to keep files for download.");
  const sar = await loadSubjectAccess(ctx.db, input.reference);
  const plan = planBundle(sar, input.mode);
  // Archived audio cannot be read until it is back: ask for it, and make the bundle then (bundle job).
  if ((await findArchived(ctx.db, plan.released.map((c) => c.recording.id))).length > 0) return waitForArchive(ctx, sar, plan, actor, input.mode);

  const work = await buildBundle(ctx, sar, plan, actor, input.mode);
  // Every file is stored first, outside any transaction (uploads can be large);
  // then one short transaction records them all with the bundle's audit entry.
  // The request's row lock comes first, then the audit log's (as in every other command), so the two never deadlock.
  const delivered = await storeThenRecord(ctx, work.files, async (tx, at, stored) => {
    await work.lockOpen(tx);
    const refs: DeliveredFileRef[] = [];
    for (const file of stored) refs.push(await recordFile(tx, at, file));
    await work.record(tx, refs);
    return refs;
  });
  const files = delivered.map((ref, i) => ({ ...ref, fileName: work.files[i]!.fileName, contentType: work.files[i]!.contentType, body: work.files[i]!.body }));
  return { view: buildSubjectAccessView(ctx, await loadSubjectAccess(ctx.db, sar.id)), mode: input.mode, files, released: plan.released.length, withheld: plan.withheld.length, waitingForArchive: 0 };
}

/** What the bundle holds: the calls released and those withheld with the reason the subject is told. Refuses a request not ready for one. */
interface BundlePlan {
  released: SubjectCall[];
  withheld: { call: SubjectCall; reason: string }[];
}

function planBundle(sar: SubjectAccessWithDetail, mode: BundleMode): BundlePlan {
  checkReady(sar);
  const calls: SubjectCall[] = sar.items.map((item, i) => ({ number: i + 1, recording: item.recording }));
  const released = calls.filter((_, i) => !sar.items[i]!.withheld);
  const withheld = calls.filter((_, i) => sar.items[i]!.withheld).map((call) => ({ call, reason: sar.items[call.number - 1]!.note ?? "Withheld" }));
  if (mode === "zip") {
    const audioBytes = released.reduce((sum, c) => sum + Number(c.recording.blobName ? (c.recording.sizeBytes ?? 0n) : 0n), 0);
    if (audioBytes > MAX_ZIP_AUDIO_BYTES) throw new AppError("INVALID_INPUT", `The recordings come to more than ${MAX_ZIP_AUDIO_BYTES / 1024 ** 3} GB, too much for one zip file. Choose links instead: each recording becomes its own download.`, "mode");
  }
  return { released, withheld };
}

/** The files, built from `sar` as loaded, and the database work that records them (after recordFile, in the same transaction). */
async function buildBundle(ctx: CoreContext, sar: SubjectAccessWithDetail, plan: BundlePlan, actor: Person, mode: BundleMode) {
  const { released, withheld } = plan;
  const audio = await readSubjectAudio(ctx, ctx.policy, released);
  const audioNames = new Map(audio.map((a) => [a.recordingId, `${mode === "zip" ? "recordings/" : ""}${a.name}`]));
  const csv = Buffer.from(subjectCallsCsv(ctx.policy, released, sar.numbers, audioNames), "utf8");
  const letter = await buildCoveringLetter({ policy: ctx.policy, sar, released, withheld, mode, signedBy: { name: actor.name, role: signerRole(ctx.policy, actor) }, today: todayFor(ctx) });
  const about = { subjectAccess: sar.reference };
  const prefix = sar.reference;

  const files: (FileToDeliver & { body: Buffer })[] =
    mode === "zip"
      ? [
          {
            ownerEmail: actor.email,
            kind: "sar-bundle",
            title: `Subject access bundle ${sar.reference}`,
            fileName: `${prefix}-bundle.zip`,
            contentType: "application/zip",
            body: await buildZip([...audio.map((a) => ({ name: `recordings/${a.name}`, body: a.body })), { name: "calls.csv", body: csv }, { name: "covering-letter.pdf", body: letter }]),
            about,
          },
        ]
      : [
          ...audio.map((a) => ({ ownerEmail: actor.email, kind: "sar-recording", title: `Recording for ${sar.reference}`, fileName: `${prefix}-${a.name}`, contentType: released.find((c) => c.recording.id === a.recordingId)?.recording.contentType ?? "application/octet-stream", body: a.body, about })),
          { ownerEmail: actor.email, kind: "sar-calls", title: `Call list for ${sar.reference}`, fileName: `${prefix}-calls.csv`, contentType: "text/csv; charset=utf-8", body: csv, about },
          { ownerEmail: actor.email, kind: "sar-letter", title: `Covering letter for ${sar.reference}`, fileName: `${prefix}-covering-letter.pdf`, contentType: "application/pdf", body: letter, about },
        ].map((f) => ({ ...f, lifetimeMs: linkLifetimeMs(ctx) }));

  // The bundle was built from a snapshot; if an item was marked since, it is stale.
  const lockOpen = async (tx: Tx) => {
    requireOpen(await lockSubjectAccess(tx, sar.id));
    const now = await loadSubjectAccess(tx, sar.id);
    if (itemMarks(now) !== itemMarks(sar)) throw new AppError("CONFLICT", `Someone changed ${sar.reference}'s items while the bundle was being prepared. Nothing was sent; prepare it again.`);
  };
  const record = async (tx: Tx, delivered: DeliveredFileRef[]) => {
    const now = ctx.clock.now();
    const { count } = await tx.subjectAccessRequest.updateMany({ where: { id: sar.id, status: "OPEN" }, data: { deliveryMode: mode === "zip" ? "bundle" : "links" } });
    if (count !== 1) throw new AppError("CONFLICT", `${sar.reference} changed while the bundle was being prepared. Look at it again and retry.`);
    await appendAudit(tx, {
      at: now,
      actor: actor.email,
      action: "subject-access.bundle-prepared",
      subjectType: "subject-access",
      subjectId: sar.id,
      details: {
        reference: sar.reference,
        mode,
        released: released.length,
        recordings: audio.length,
        withheld: withheld.length,
        files: delivered.map((d, i) => ({ fileId: d.fileId, fileName: files[i]!.fileName })),
      },
    });
    const lines = [`${actor.name} prepared the ${mode === "zip" ? "zip bundle" : "download links"}: ${released.length} call${released.length === 1 ? "" : "s"} released, ${withheld.length} withheld.`];
    await enqueueNotices(tx, now, subjectAccessTeam(ctx.policy, sar.ownerEmail, actor.email).map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `Subject access request ${sar.reference}: bundle prepared`, lines } })));
  };
  return { files, lockOpen, record };
}

/** The bundle job's payload: which request, in which form, for whom. */
export interface SubjectAccessBundlePayload {
  subjectAccessId: string;
  mode: BundleMode;
  actorEmail: string;
}

/**
 * Some released calls are archived: asks them back, writes the bundle as a
 * file job held until they are (the rehydrate job releases it), audits it
 * and tells the owner and the DPOs, in one transaction. Nothing is built yet.
 */
async function waitForArchive(ctx: CoreContext, seen: SubjectAccessWithDetail, plan: BundlePlan, actor: Person, mode: BundleMode): Promise<PreparedBundle> {
  const archived = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const sar = await lockSubjectAccess(tx, seen.id);
    requireOpen(sar);
    if (await waitingBundleFor(tx, sar.id)) {
      throw new AppError("ALREADY_DONE", `A bundle for ${sar.reference} is already waiting for calls to come back from the archive. It will be made and sent as soon as they are back.`);
    }
    const back = await askArchivedBack(tx, plan.released.map((c) => c.recording.id), actor.email, sar.reference, now);
    await enqueueFileJob(tx, now, { kind: BUNDLE_JOB, ownerEmail: actor.email, payload: { subjectAccessId: sar.id, mode, actorEmail: actor.email } satisfies SubjectAccessBundlePayload as unknown as Prisma.InputJsonObject, notBefore: HELD_UNTIL });
    await appendAudit(tx, { at: now, actor: actor.email, action: "subject-access.bundle-waiting", subjectType: "subject-access", subjectId: sar.id, details: { reference: sar.reference, mode, archived: back.length, callIds: back.map((r) => r.callId) } });
    const lines = [
      `${actor.name} asked for the ${mode === "zip" ? "zip bundle" : "download links"}. ${archiveRetrievalText(back.length)}`,
      `The bundle will be made when ${back.length === 1 ? "it is" : "they are"} back and sent to ${actor.name} as a download. It is due by ${calendarText(sar.dueOn)}.`,
    ];
    await enqueueNotices(tx, now, subjectAccessTeam(ctx.policy, sar.ownerEmail, actor.email).map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `Subject access request ${sar.reference}: waiting for the archive`, lines } })));
    return back.length;
  });
  return { view: buildSubjectAccessView(ctx, await loadSubjectAccess(ctx.db, seen.id)), mode, files: [], released: plan.released.length, withheld: plan.withheld.length, waitingForArchive: archived };
}

export const BUNDLE_JOB = "subject-access-bundle" as const;

async function waitingBundleFor(tx: Tx, sarId: string): Promise<boolean> {
  return (await tx.fileJob.count({ where: { kind: BUNDLE_JOB, status: "PENDING", payload: { path: ["subjectAccessId"], equals: sarId } } })) > 0;
}

/**
 * Called by the rehydrate job when `recordingId` is back, in its
 * transaction: releases each held bundle job whose request has it and no
 * other released call still archived, audited, and tells whom the bundle is
 * for. Returns how many bundles were waiting on this recording.
 */
export async function releaseWaitingBundles(tx: Tx, recordingId: string, now: Date): Promise<number> {
  const jobs = await tx.fileJob.findMany({ where: { kind: BUNDLE_JOB, status: "PENDING", nextAttemptAt: HELD_UNTIL } });
  let waiting = 0;
  for (const job of jobs) {
    const { subjectAccessId } = job.payload as unknown as SubjectAccessBundlePayload;
    if ((await tx.subjectAccessItem.count({ where: { sarId: subjectAccessId, recordingId } })) === 0) continue;
    waiting++;
    const still = await tx.subjectAccessItem.count({ where: { sarId: subjectAccessId, withheld: false, recording: { blobName: { not: null }, accessTier: ARCHIVE_TIER } } });
    if (still > 0) continue;
    const { count } = await tx.fileJob.updateMany({ where: { id: job.id, status: "PENDING", nextAttemptAt: HELD_UNTIL }, data: { nextAttemptAt: now } });
    if (count !== 1) continue;
    const sar = await tx.subjectAccessRequest.findUniqueOrThrow({ where: { id: subjectAccessId }, select: { reference: true } });
    await appendAudit(tx, { at: now, actor: "system", action: "subject-access.bundle-resumed", subjectType: "subject-access", subjectId: subjectAccessId, details: { reference: sar.reference } });
    await enqueueNotices(tx, now, [{ to: job.ownerEmail, kind: "compliance-notice", payload: { title: `Subject access request ${sar.reference}: back from the archive`, lines: ["The archived calls are back. The bundle is being made now and will come to you as a download."] } }]);
  }
  return waiting;
}

/** The bundle job (run-file-jobs.ts), once the archived calls are back: the same bundle, built and recorded as the command would. */
export async function prepareWaitingBundle(ctx: CoreContext, job: FileJob): Promise<FileJobWork> {
  const payload = job.payload as unknown as SubjectAccessBundlePayload;
  const sar = await loadSubjectAccess(ctx.db, payload.subjectAccessId);
  if (sar.status !== "OPEN") {
    // Closed meanwhile: nothing to send, and whom it was for should know why nothing came.
    return {
      files: [],
      async record(tx, now) {
        await enqueueNotices(tx, now, [{ to: job.ownerEmail, kind: "compliance-notice", payload: { title: `Subject access request ${sar.reference}: no bundle made`, lines: [`${sar.reference} was closed before its archived calls came back, so no bundle was made.`] } }]);
      },
    };
  }
  // Whoever asked, while they may still; else the request's owner.
  const asked = findPerson(ctx.policy, payload.actorEmail);
  const actor = asked && holdsRole(ctx.policy, asked, [...ctx.policy.compliance.dpoRoles, ...ctx.policy.subjectAccess.ownerRoles, ...(ctx.policy.subjectAccess.employeeOwnerRoles ?? [])]) ? asked : findPerson(ctx.policy, sar.ownerEmail);
  if (!actor) throw new AppError("NOT_SET_UP", `Nobody in the policy can receive ${sar.reference}'s bundle.`);
  const plan = planBundle(sar, payload.mode);
  if ((await findArchived(ctx.db, plan.released.map((c) => c.recording.id))).length > 0) throw new AppError("WRONG_STATE", `Some of ${sar.reference}'s calls are still in the archive.`);
  const work = await buildBundle(ctx, sar, plan, actor, payload.mode);
  return {
    files: work.files,
    async record(tx, _now, delivered) {
      await work.lockOpen(tx);
      await work.record(tx, delivered);
    },
  };
}

function itemMarks(sar: SubjectAccessWithDetail): string {
  return sar.items.map((i) => `${i.recordingId}:${i.withheld ? 1 : 0}${i.thirdPartyReview ? 1 : 0}:${i.note ?? ""}`).join("|");
}

function checkReady(sar: SubjectAccessWithDetail): void {
  requireOpen(sar);
  if (!sar.identityVerification) {
    throw new AppError("WRONG_STATE", `${sar.reference} has no record of the subject's identity being verified. Record how identity was verified first.`);
  }
  const toReview = sar.items.map((item, i) => ({ item, n: i + 1 })).filter(({ item }) => item.thirdPartyReview && !item.withheld);
  if (toReview.length > 0) {
    const list = toReview.map(({ n }) => n).join(", ");
    throw new AppError("WRONG_STATE", `Item${toReview.length === 1 ? "" : "s"} ${list} ${toReview.length === 1 ? "is" : "are"} still marked for third-party review. Release or withhold ${toReview.length === 1 ? "it" : "them"} first (a withholding needs a note saying why).`);
  }
}

/** As long as the policy's playback access window, so the subject has time to use a forwarded link. */
function linkLifetimeMs(ctx: CoreContext): number {
  const now = ctx.clock.now();
  return addDuration(now, ctx.policy.playback.accessWindow).getTime() - now.getTime();
}
