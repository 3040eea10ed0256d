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
 */
import type { CoreContext, Tx } from "../context.ts";
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
  files: BundleFile[];
  released: number;
  withheld: number;
}

export async function prepareSubjectAccessBundle(ctx: CoreContext, input: PrepareSubjectAccessBundleInput): Promise<PreparedBundle> {
  return withRefusalAudit(ctx, { actorEmail: input.actorEmail, action: "subject-access.refused", command: "prepare-subject-access-bundle", reference: input.reference }, () => attemptPrepareSubjectAccessBundle(ctx, input));
}

async function attemptPrepareSubjectAccessBundle(ctx: CoreContext, input: PrepareSubjectAccessBundleInput): Promise<PreparedBundle> {
  const actor = requireSubjectAccessOwner(ctx.policy, input.actorEmail);
  if (input.mode !== "zip" && input.mode !== "links") throw new AppError("INVALID_INPUT", "Choose zip (one archive) or links (a download per file).", "mode");
  if (!ctx.files) throw new AppError("STORAGE_ERROR", "Callgate has nowhere to keep files for download.");
  const sar = await loadSubjectAccess(ctx.db, input.reference);
  checkReady(sar);

  const calls: SubjectCall[] = sar.items.map((item, i) => ({ number: i + 1, recording: item.recording }));
  const released = calls.filter((_, i) => !sar.items[i]!.withheld);
  const withheld = calls.filter((_, i) => sar.items[i]!.withheld).map((call) => ({ call, reason: sar.items[call.number - 1]!.note ?? "Withheld" }));
  if (input.mode === "zip") {
    const audioBytes = released.reduce((sum, c) => sum + Number(c.recording.blobName ? (c.recording.sizeBytes ?? 0n) : 0n), 0);
    if (audioBytes > MAX_ZIP_AUDIO_BYTES) throw new AppError("INVALID_INPUT", `The recordings come to more than ${MAX_ZIP_AUDIO_BYTES / 1024 ** 3} GB, too much for one zip file. Choose links instead: each recording becomes its own download.`, "mode");
  }

  const audio = await readSubjectAudio(ctx, ctx.policy, released);
  const audioNames = new Map(audio.map((a) => [a.recordingId, `${input.mode === "zip" ? "recordings/" : ""}${a.name}`]));
  const csv = Buffer.from(subjectCallsCsv(ctx.policy, released, sar.numbers, audioNames), "utf8");
  const letter = await buildCoveringLetter({ policy: ctx.policy, sar, released, withheld, mode: input.mode, signedBy: { name: actor.name, role: signerRole(ctx.policy, actor) }, today: todayFor(ctx) });
  const about = { subjectAccess: sar.reference };
  const prefix = sar.reference;

  const toDeliver: (FileToDeliver & { body: Buffer })[] =
    input.mode === "zip"
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

  // The request's row lock comes first, then the audit log's (as in every other command), so the two never deadlock.
  // The bundle was built from a snapshot; if an item was marked since, it is stale.
  const lockOpen = async (tx: Tx) => {
    requireOpen(await lockSubjectAccess(tx, sar.id));
    const now = await loadSubjectAccess(tx, sar.id);
    if (itemMarks(now) !== itemMarks(sar)) throw new AppError("CONFLICT", `Someone changed ${sar.reference}'s items while the bundle was being prepared. Nothing was sent; prepare it again.`);
  };
  const record = async (tx: Tx, delivered: DeliveredFileRef[]) => {
    const now = ctx.clock.now();
    const { count } = await tx.subjectAccessRequest.updateMany({ where: { id: sar.id, status: "OPEN" }, data: { deliveryMode: input.mode === "zip" ? "bundle" : "links" } });
    if (count !== 1) throw new AppError("CONFLICT", `${sar.reference} changed while the bundle was being prepared. Look at it again and retry.`);
    await appendAudit(tx, {
      at: now,
      actor: actor.email,
      action: "subject-access.bundle-prepared",
      subjectType: "subject-access",
      subjectId: sar.id,
      details: {
        reference: sar.reference,
        mode: input.mode,
        released: released.length,
        recordings: audio.length,
        withheld: withheld.length,
        files: delivered.map((d, i) => ({ fileId: d.fileId, fileName: toDeliver[i]!.fileName })),
      },
    });
    const lines = [`${actor.name} prepared the ${input.mode === "zip" ? "zip bundle" : "download links"}: ${released.length} call${released.length === 1 ? "" : "s"} released, ${withheld.length} withheld.`];
    await enqueueNotices(tx, now, subjectAccessTeam(ctx.policy, sar.ownerEmail, actor.email).map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `Subject access request ${sar.reference}: bundle prepared`, lines } })));
  };

  // Every file is stored first, outside any transaction (uploads can be large);
  // then one short transaction records them all with the bundle's audit entry.
  const delivered = await storeThenRecord(ctx, toDeliver, async (tx, at, stored) => {
    await lockOpen(tx);
    const refs: DeliveredFileRef[] = [];
    for (const file of stored) refs.push(await recordFile(tx, at, file));
    await record(tx, refs);
    return refs;
  });
  const files = delivered.map((ref, i) => ({ ...ref, fileName: toDeliver[i]!.fileName, contentType: toDeliver[i]!.contentType, body: toDeliver[i]!.body }));
  return { view: buildSubjectAccessView(ctx, await loadSubjectAccess(ctx.db, sar.id)), mode: input.mode, files, released: released.length, withheld: withheld.length };
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
