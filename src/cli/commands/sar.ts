/**
 * `callgate sar ...`: subject access requests from the command line, the same
 * operations as the DPO console (`sar` in Slack and Teams), acting as the
 * person given by --as. Bundles and portability exports are delivered to that
 * person by direct message as usual, and also written to --out.
 *
 *   callgate sar open --as dpo@example.org --name "Jo Bloggs" --number "020 7946 0001" --received 20/11/2026 [--identity "..."]
 *   callgate sar list|show|pause|resume|extend|review|bundle|close ...
 *   callgate sar export "020 7946 0001" --as dpo@example.org --out ./jo-bloggs.zip
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { AppError } from "../../core/errors.ts";
import { closeSubjectAccess, REFUSAL_GROUNDS, type CloseOutcome, type RefusalGround } from "../../core/subject-access/close-subject-access.ts";
import { exportSubjectData } from "../../core/subject-access/export-subject-data.ts";
import { extendSubjectAccess } from "../../core/subject-access/extend-subject-access.ts";
import { listSubjectAccess, showSubjectAccess } from "../../core/subject-access/list-subject-access.ts";
import { openSubjectAccess } from "../../core/subject-access/open-subject-access.ts";
import { pauseSubjectAccess } from "../../core/subject-access/pause-subject-access.ts";
import { prepareSubjectAccessBundle, type BundleFile } from "../../core/subject-access/prepare-subject-access-bundle.ts";
import { resumeSubjectAccess } from "../../core/subject-access/resume-subject-access.ts";
import { reviewSubjectAccessItem, type ItemReview } from "../../core/subject-access/review-subject-access-item.ts";
import { daysLeftText, type SubjectAccessView } from "../../core/subject-access/subject-access-view.ts";
import { withCliContext } from "../open-context.ts";
import type { RegisterCommand } from "./index.ts";
import { withFlagAdvice } from "../../commands/flag-advice.ts";

const AS = ["--as <email>", "your e-mail as the policy lists it (the DPO or a subject access owner)"] as const;
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export const registerSarCommands: RegisterCommand = (program: Command) => {
  const sar = program.command("sar").description("Subject access requests and portability exports");

  sar
    .command("open")
    .description("Open a request: finds the subject's calls within retention and holds them")
    .requiredOption(...AS)
    .requiredOption("--name <name>", "the data subject's name")
    .option("--number <number>", "a phone number the subject uses (repeat for more)", collect, [])
    .requiredOption("--received <date>", "the day the request was received, e.g. 20/11/2026 or 2026-11-20")
    .option("--identity <how>", "how identity was verified; leave out while waiting for proof")
    .action((opts: { as: string; name: string; number: string[]; received: string; identity?: string }) =>
      withCliContext(async ({ ctx }) => printView(await withFlagAdvice({ receivedOn: "--received" }, () => openSubjectAccess(ctx, { actorEmail: opts.as, subjectName: opts.name, numbers: opts.number, receivedOn: opts.received, identityVerification: opts.identity })), { items: true })),
    );

  sar
    .command("list")
    .description("Open requests, nearest deadline first")
    .requiredOption(...AS)
    .option("--all", "include closed requests")
    .action((opts: { as: string; all?: boolean }) =>
      withCliContext(async ({ ctx }) => {
        const views = await listSubjectAccess(ctx, { actorEmail: opts.as, includeClosed: opts.all ?? false });
        if (views.length === 0) console.log(opts.all ? "No subject access requests." : "No open subject access requests.");
        for (const v of views) {
          console.log(`${v.reference}  ${v.subjectName}  ${v.maskedNumbers.join(", ")}  received ${v.receivedText}  due ${v.dueText} (${daysLeftText(v)})  ${v.statusText}  ${v.counts.items} calls${v.counts.withheld ? `, ${v.counts.withheld} withheld` : ""}`);
        }
      }),
    );

  sar
    .command("show")
    .description("One request in full, with every call found")
    .argument("<reference>", "e.g. SAR-000001")
    .requiredOption(...AS)
    .action((reference: string, opts: { as: string }) => withCliContext(async ({ ctx }) => printView(await showSubjectAccess(ctx, { actorEmail: opts.as, reference }), { items: true })));

  sar
    .command("pause")
    .description("Stop the clock while waiting for identity or clarification (where the policy allows)")
    .argument("<reference>")
    .requiredOption(...AS)
    .requiredOption("--reason <text>", "what you have asked the subject for")
    .option("--waiting-for <what>", "identity or clarification", "clarification")
    .action((reference: string, opts: { as: string; reason: string; waitingFor: string }) =>
      withCliContext(async ({ ctx }) => {
        const waitingFor = opts.waitingFor.toLowerCase();
        if (waitingFor !== "identity" && waitingFor !== "clarification") throw new AppError("INVALID_INPUT", "--waiting-for is identity or clarification.");
        printView(await pauseSubjectAccess(ctx, { actorEmail: opts.as, reference, waitingFor, reason: opts.reason }));
      }),
    );

  sar
    .command("resume")
    .description("Restart the clock when the information arrives; or record how identity was verified")
    .argument("<reference>")
    .requiredOption(...AS)
    .option("--identity <how>", "how identity was verified")
    .option("--clarification <text>", "what the subject clarified")
    .option("--on <date>", "the day the information arrived (default today)")
    .action((reference: string, opts: { as: string; identity?: string; clarification?: string; on?: string }) =>
      withCliContext(async ({ ctx }) => printView(await withFlagAdvice({ receivedOn: "--on" }, () => resumeSubjectAccess(ctx, { actorEmail: opts.as, reference, identityVerification: opts.identity, clarification: opts.clarification, receivedOn: opts.on })))),
    );

  sar
    .command("extend")
    .description("Extend by up to two further months, only while the first month runs")
    .argument("<reference>")
    .requiredOption(...AS)
    .requiredOption("--months <n>", "1 or 2: the whole extension beyond the first month")
    .requiredOption("--reason <text>", "why (the subject must be told)")
    .action((reference: string, opts: { as: string; months: string; reason: string }) =>
      withCliContext(async ({ ctx }) => printView(await extendSubjectAccess(ctx, { actorEmail: opts.as, reference, months: Number(opts.months), reason: opts.reason }))),
    );

  sar
    .command("review")
    .description("Mark one call: --third-party (review before release), --withhold --note \"why\", or --release")
    .argument("<reference>")
    .argument("<item>", "the item number or the call id")
    .requiredOption(...AS)
    .option("--third-party", "it holds other people's data: review before release")
    .option("--withhold", "leave it out of the bundle")
    .option("--release", "reviewed: release it in full")
    .option("--note <text>", "the reason (told to the subject when withheld)")
    .action((reference: string, item: string, opts: { as: string; thirdParty?: boolean; withhold?: boolean; release?: boolean; note?: string }) =>
      withCliContext(async ({ ctx }) => {
        const review = exactlyOne<ItemReview>({ "third-party": opts.thirdParty, withhold: opts.withhold, release: opts.release }, "Give one of --third-party, --withhold or --release.");
        printView(await reviewSubjectAccessItem(ctx, { actorEmail: opts.as, reference, item, review, note: opts.note }), { items: true });
      }),
    );

  sar
    .command("bundle")
    .description("Prepare what the subject is sent (zip, or one download per file), DMed to you and written to --out")
    .argument("<reference>")
    .requiredOption(...AS)
    .option("--mode <form>", "zip or links", "zip")
    .option("--out <path>", "a file (zip) or a directory to write the bundle to")
    .action((reference: string, opts: { as: string; mode: string; out?: string }) =>
      withCliContext(async ({ ctx }) => {
        const mode = opts.mode.toLowerCase();
        if (mode !== "zip" && mode !== "links") throw new AppError("INVALID_INPUT", "--mode is zip or links.");
        const bundle = await prepareSubjectAccessBundle(ctx, { actorEmail: opts.as, reference, mode });
        console.log(`${bundle.released} call(s) released, ${bundle.withheld} withheld; ${bundle.files.length} file(s) sent to ${opts.as} by direct message.`);
        if (opts.out) for (const path of await writeFiles(opts.out, bundle.files)) console.log(`Wrote ${path}`);
        printView(bundle.view);
      }),
    );

  sar
    .command("close")
    .description("Close: --complete, --refuse or --partial (with --grounds), or --withdrawn; releases the hold")
    .argument("<reference>")
    .requiredOption(...AS)
    .option("--complete", "answered in full")
    .option("--refuse", "refused in full")
    .option("--partial", "partly refused")
    .option("--withdrawn", "withdrawn by the subject")
    .option("--grounds <ground>", `why refused: ${Object.keys(REFUSAL_GROUNDS).join(", ")}`)
    .option("--reason <text>", "detail of the grounds, or why it was withdrawn")
    .action((reference: string, opts: { as: string; complete?: boolean; refuse?: boolean; partial?: boolean; withdrawn?: boolean; grounds?: string; reason?: string }) =>
      withCliContext(async ({ ctx }) => {
        const outcome = exactlyOne<CloseOutcome>({ complete: opts.complete, refuse: opts.refuse, partial: opts.partial, withdrawn: opts.withdrawn }, "Give one of --complete, --refuse, --partial or --withdrawn.");
        printView(await closeSubjectAccess(ctx, { actorEmail: opts.as, reference, outcome, grounds: opts.grounds?.toLowerCase() as RefusalGround | undefined, reason: opts.reason }));
      }),
    );

  sar
    .command("export")
    .description("Portability: every recording and call record held for the numbers, as one zip")
    .argument("<numbers...>", "the subject's numbers, each in quotes")
    .requiredOption(...AS)
    .option("--out <path>", "where to write the zip (a file or a directory)")
    .action((numbers: string[], opts: { as: string; out?: string }) =>
      withCliContext(async ({ ctx }) => {
        const made = await exportSubjectData(ctx, { actorEmail: opts.as, numbers });
        console.log(`${made.fileName}: ${made.recordings} recording(s), ${made.callLogs} call record(s) for ${made.maskedNumbers.join(", ")}; sent to ${opts.as} by direct message.`);
        if (opts.out) for (const path of await writeFiles(opts.out, [{ fileName: made.fileName, body: made.body }])) console.log(`Wrote ${path}`);
      }),
    );
};

/**
 * Writes one file to `out` (a file path, unless it is an existing directory),
 * or several into `out` as a directory (created if need be).
 */
export async function writeFiles(out: string, files: ReadonlyArray<Pick<BundleFile, "fileName" | "body">>): Promise<string[]> {
  const isDirectory = await stat(out).then((s) => s.isDirectory(), () => false);
  if (files.length === 1 && !isDirectory) {
    await writeFile(out, files[0]!.body, { mode: 0o600 });
    return [out];
  }
  await mkdir(out, { recursive: true });
  const written: string[] = [];
  for (const file of files) {
    const path = join(out, file.fileName);
    await writeFile(path, file.body, { mode: 0o600 });
    written.push(path);
  }
  return written;
}

function printView(view: SubjectAccessView, options: { items?: boolean } = {}): void {
  const lines = [
    `${view.reference}  ${view.subjectName}  (${view.statusText})`,
    `  Numbers:   ${view.maskedNumbers.join(", ")}`,
    `  Received:  ${view.receivedText}`,
    `  Due:       ${view.dueText} (${daysLeftText(view)})`,
    `  Identity:  ${view.identityVerification ?? "not yet verified"}`,
  ];
  if (view.paused) lines.push(`  Paused:    since ${view.pausedSinceText} (${view.pauseReason})`);
  if (view.extendedByMonths) lines.push(`  Extended:  ${view.extendedByMonths} month(s): ${view.extensionReason}`);
  lines.push(`  Calls:     ${view.counts.items} (${view.counts.recordings} recordings, ${view.counts.callLogs} call records only; ${view.counts.thirdPartyReview} third-party, ${view.counts.withheld} withheld)`);
  if (view.holdReference) lines.push(`  Hold:      ${view.holdReference}${view.holdReleased ? " (released)" : ""}`);
  if (view.closedAtText) lines.push(`  Closed:    ${view.closedAtText} by ${view.closedByName}${view.outcomeReason ? `: ${view.outcomeReason}` : ""}`);
  if (options.items) {
    for (const item of view.items) {
      const marks = [item.thirdPartyReview && !item.withheld ? "third-party review" : "", item.withheld ? `withheld: ${item.note ?? ""}` : ""].filter(Boolean).join("; ");
      lines.push(`  ${String(item.number).padStart(3)}. ${item.startedAtText}  ${item.durationText}  ${item.direction}  ${item.maskedNumber}  ${item.hasAudio ? "recording" : "call record"}  ${item.callId}${marks ? `  [${marks}]` : ""}`);
    }
  }
  console.log(lines.join("\n"));
}

function exactlyOne<T extends string>(flags: Record<T, boolean | undefined>, message: string): T {
  const chosen = (Object.keys(flags) as T[]).filter((k) => flags[k]);
  if (chosen.length !== 1) throw new AppError("INVALID_INPUT", chosen.length === 0 ? message : `Give only one of ${chosen.map((c) => `--${c}`).join(", ")}.`);
  return chosen[0]!;
}
