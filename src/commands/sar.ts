/**
 * DPO console: subject access requests and portability.
 *
 *   sar open --name "Jo Bloggs" --number "020 7946 0001" [--number ...] --received 20/11/2026 [--identity "passport seen in person"]
 *   sar list [--all]            sar show SAR-000001
 *   sar pause SAR-1 --reason "..." [--waiting-for identity|clarification]
 *   sar resume SAR-1 [--identity "..."] [--clarification "..."] [--on 25/11/2026]
 *   sar extend SAR-1 --months 1|2 --reason "..."
 *   sar review SAR-1 <item number or call id> --third-party | --withhold --note "..." | --release
 *   sar bundle SAR-1 --format zip|links
 *   sar close SAR-1 --complete | --refuse | --partial --grounds <g> [--reason "..."] | --withdrawn
 *   export "020 7946 0001" [...]   (portability: everything held for the numbers, as a zip)
 *
 * Each action calls one core command as the person who typed it (the core
 * checks their role) and answers with the request as it now stands and
 * buttons for the sensible next steps.
 */
import type { Command } from "commander";
import { tryNormalisePhoneNumber } from "../core/phone.ts";
import { closeSubjectAccess, needsOutcomeLetter, REFUSAL_GROUNDS, type CloseOutcome, type RefusalGround } from "../core/subject-access/close-subject-access.ts";
import { exportSubjectData } from "../core/subject-access/export-subject-data.ts";
import { extendSubjectAccess } from "../core/subject-access/extend-subject-access.ts";
import { listSubjectAccess, showSubjectAccess } from "../core/subject-access/list-subject-access.ts";
import { openSubjectAccess } from "../core/subject-access/open-subject-access.ts";
import { pauseSubjectAccess } from "../core/subject-access/pause-subject-access.ts";
import { prepareSubjectAccessBundle } from "../core/subject-access/prepare-subject-access-bundle.ts";
import { resumeSubjectAccess } from "../core/subject-access/resume-subject-access.ts";
import { reviewSubjectAccessItem, type ItemReview } from "../core/subject-access/review-subject-access-item.ts";
import { daysLeftText, type SubjectAccessItemView, type SubjectAccessView } from "../core/subject-access/subject-access-view.ts";
import { formatSize } from "../core/files/file-view.ts";
import { ConsoleInputError } from "./console-input-error.ts";
import type { FormSpec } from "./form.ts";
import { registerForm } from "./register-form.ts";
import type { ConsoleModule } from "./run-console.ts";
import { fields, list, note, text, warning, type ConsoleReply, type ReplyAction, type ReplyBlock } from "./reply.ts";
import { withFlagAdvice } from "./flag-advice.ts";
import { registerSarIntake } from "./sar-intake.ts";

/** Items listed in chat; `sar show` in the CLI and the bundle have them all. */
const SHOWN_ITEMS = 20;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `sar open`: typed with its options, or filled in as a form (`sar open` alone opens it). */
export const SAR_OPEN_FORM: FormSpec = {
  command: "sar open",
  title: "Open a subject access request",
  shortTitle: "Subject access request",
  submit: "Open request",
  intro: "Callgate finds the subject's calls within retention and holds them until the request is closed. The deadline follows the ICO's rules from the day it was received.",
  fields: [
    { key: "name", kind: "text", label: "Data subject's name", help: "the data subject's name", flag: "--name", required: true, missing: "Give the data subject's name.", max: 200, coreFields: ["subjectName"], placeholder: "For example Jo Bloggs" },
    { key: "number", kind: "list", label: "Their phone numbers", help: "a phone number the subject uses, in quotes", flag: "--number", required: true, max: 40, missing: "Give at least one phone number the subject uses.", coreFields: ["numbers"], placeholder: "One per line, for example 020 7946 0001" },
    { key: "received", kind: "date", label: "Date received", help: "the day the request was received, e.g. 20/11/2026", flag: "--received", required: true, missing: "Give the day the request was received.", coreFields: ["receivedOn"] },
    { key: "identity", kind: "text", label: "How identity was verified", help: "how identity was verified; leave out while still waiting for proof", flag: "--identity", required: false, coreFields: ["identityVerification"], placeholder: "For example passport seen in person" },
  ],
  async run(session, v) {
    const view = await openSubjectAccess(session.ctx, { actorEmail: session.actorEmail, subjectName: v.name as string, numbers: v.number as string[], receivedOn: v.received as string, identityVerification: v.identity as string | undefined });
    return sarReply(`Subject access request ${view.reference} opened`, view, [text(foundText(view))]);
  },
};

export const sarConsole: ConsoleModule = {
  register(program, session, answer) {
    const sar = program.command("sar").description("Subject access requests: a person's own recordings, answered within the legal deadline");
    const as = { actorEmail: session.actorEmail };

    registerForm(sar, "open", "Open a request: finds the subject's calls within retention and holds them", SAR_OPEN_FORM, session, answer);
    registerSarIntake(sar, session, answer, (title, view) => sarReply(title, view));

    sar
      .command("list")
      .description("Open requests, nearest deadline first (--all to include closed ones)")
      .option("--all", "include closed requests")
      .action(async (opts: { all?: boolean }) => {
        const views = await listSubjectAccess(session.ctx, { ...as, includeClosed: opts.all ?? false });
        answer(listReply(views, opts.all ?? false));
      });

    sar
      .command("show")
      .description("One request in full, with the calls found")
      .argument("<reference>", "e.g. SAR-000001")
      .action(async (reference: string) => {
        const view = await showSubjectAccess(session.ctx, { ...as, reference });
        answer(sarReply(`Subject access request ${view.reference}`, view));
      });

    sar
      .command("pause")
      .description("Stop the clock while waiting for proof of identity or clarification (where the policy allows)")
      .argument("<reference>")
      .requiredOption("--reason <text>", "what you have asked the subject for")
      .option("--waiting-for <what>", "identity or clarification", "clarification")
      .action(async (reference: string, opts: { reason: string; waitingFor: string }) => {
        const waitingFor = opts.waitingFor.toLowerCase();
        if (waitingFor !== "identity" && waitingFor !== "clarification") throw new ConsoleInputError("--waiting-for is identity or clarification.");
        const view = await pauseSubjectAccess(session.ctx, { ...as, reference, waitingFor, reason: opts.reason });
        answer(sarReply(`${view.reference}: clock paused`, view, [text("No reminders are sent while the clock is paused. When the information arrives, restart it with sar resume.")]));
      });

    sar
      .command("resume")
      .description("Restart the clock when proof of identity or clarification arrives; or record identity")
      .argument("<reference>")
      .option("--identity <how>", "how identity was verified, e.g. \"passport seen in person\"")
      .option("--clarification <text>", "what the subject clarified")
      .option("--on <date>", "the day the information arrived (default today)")
      .action(async (reference: string, opts: { identity?: string; clarification?: string; on?: string }) => {
        const view = await withFlagAdvice({ receivedOn: "--on" }, () => resumeSubjectAccess(session.ctx, { ...as, reference, identityVerification: opts.identity, clarification: opts.clarification, receivedOn: opts.on }));
        answer(sarReply(`${view.reference}: clock running`, view, [text(`The deadline is ${view.dueText} (${daysLeftText(view)}).`)]));
      });

    sar
      .command("extend")
      .description("Extend by up to two further months, only while the first month runs")
      .argument("<reference>")
      .requiredOption("--months <n>", "1 or 2: the whole extension beyond the first month")
      .requiredOption("--reason <text>", "why (the subject must be told, within the first month)")
      .action(async (reference: string, opts: { months: string; reason: string }) => {
        const months = Number(opts.months);
        const view = await extendSubjectAccess(session.ctx, { ...as, reference, months, reason: opts.reason });
        answer(sarReply(`${view.reference} extended to ${view.dueText}`, view, [warning("Tell the subject about the extension and the reason for it before the first month ends.")]));
      });

    sar
      .command("review")
      .description("Mark one call: third-party content to review, withhold it (with a note), or release it")
      .argument("<reference>")
      .argument("<item>", "the item number from the list, or the call id")
      .option("--third-party", "it holds other people's data: review it before release")
      .option("--withhold", "leave it out of the bundle (give the reason with --note)")
      .option("--release", "reviewed: release it in full")
      .option("--note <text>", "the reason, told to the subject in the covering letter when withheld")
      .action(async (reference: string, item: string, opts: { thirdParty?: boolean; withhold?: boolean; release?: boolean; note?: string }) => {
        const review = exactlyOne<ItemReview>({ "third-party": opts.thirdParty, withhold: opts.withhold, release: opts.release }, "Say what to do with the call: --third-party, --withhold or --release.");
        const view = await reviewSubjectAccessItem(session.ctx, { ...as, reference, item, review, note: opts.note });
        answer(sarReply(`${view.reference}: item ${item} marked`, view));
      });

    sar
      .command("bundle")
      .description("Prepare what the subject is sent: one zip, or a download link per file, sent to you by DM")
      .argument("<reference>")
      .option("--format <zip|links>", "zip (one archive: audio, calls.csv, covering letter) or links (a download per file)", "zip")
      .action(async (reference: string, opts: { format: string }) => {
        const mode = opts.format.toLowerCase();
        if (mode !== "zip" && mode !== "links") throw new ConsoleInputError("--format is zip or links.");
        const bundle = await prepareSubjectAccessBundle(session.ctx, { ...as, reference, mode });
        if (bundle.waitingForArchive > 0) {
          const n = bundle.waitingForArchive;
          answer(
            sarReply(`${bundle.view.reference}: waiting for the archive`, bundle.view, [
              warning(`${n === 1 ? "One call is" : `${n} calls are`} in the archive and being retrieved, which can take up to 15 hours.`),
              text(`The ${mode === "zip" ? "bundle" : "download links"} will be made as soon as ${n === 1 ? "it is" : "they are"} back and sent to you as a direct message. You need not ask again. It is due by ${bundle.view.dueText}.`),
            ], { itemsShown: false }),
          );
          return;
        }
        const blocks: ReplyBlock[] = [
          text(
            `${bundle.released} call${bundle.released === 1 ? "" : "s"} released${bundle.withheld ? `, ${bundle.withheld} withheld` : ""}. ${bundle.files.length === 1 ? "The file has" : `${bundle.files.length} files have`} been sent to you as a direct message with a time-limited download link. Check ${bundle.files.length === 1 ? "it" : "them"}, then pass ${bundle.files.length === 1 ? "it" : "them"} to the subject securely.`,
          ),
          list(bundle.files.map((f) => `${f.fileName} (${formatSize(f.body.length)})`)),
        ];
        answer(sarReply(`${bundle.view.reference}: bundle prepared`, bundle.view, blocks, { itemsShown: false }));
      });

    sar
      .command("close")
      .description("Close: --complete, --refuse or --partial (with --grounds), or --withdrawn; releases the hold")
      .argument("<reference>")
      .option("--complete", "answered in full")
      .option("--refuse", "refused in full (give --grounds)")
      .option("--partial", "partly refused (give --grounds)")
      .option("--withdrawn", "the subject withdrew the request")
      .option("--grounds <ground>", `why refused: ${Object.keys(REFUSAL_GROUNDS).join(", ")}`)
      .option("--reason <text>", "detail of the grounds, or why it was withdrawn")
      .option("--output <given>", "what the subject was given: audio-copy, transcript, links, heard-in-person (repeat for more)", collect, [])
      .option("--assessment <text>", "your assessment: what was searched, what was found and why this outcome")
      .action(async (reference: string, opts: { complete?: boolean; refuse?: boolean; partial?: boolean; withdrawn?: boolean; grounds?: string; reason?: string; output: string[]; assessment?: string }) => {
        const outcome = exactlyOne<CloseOutcome>({ complete: opts.complete, refuse: opts.refuse, partial: opts.partial, withdrawn: opts.withdrawn }, "Say how it closes: --complete, --refuse, --partial or --withdrawn.");
        const grounds = opts.grounds?.toLowerCase();
        if (grounds !== undefined && !(grounds in REFUSAL_GROUNDS)) {
          throw new ConsoleInputError(`--grounds is one of: ${Object.entries(REFUSAL_GROUNDS).map(([k, v]) => `${k} (${v.toLowerCase()})`).join("; ")}.`);
        }
        const view = await withFlagAdvice({ outputs: "--output", assessment: "--assessment" }, () => closeSubjectAccess(session.ctx, { ...as, reference, outcome, grounds: grounds as RefusalGround | undefined, reason: opts.reason, outputs: opts.output, assessment: opts.assessment }));
        const blocks: ReplyBlock[] = [];
        if (view.holdReference) blocks.push(text(`Hold ${view.holdReference} is released: its recordings follow the retention policy again, unless another hold keeps them.`));
        if (needsOutcomeLetter(outcome, view.outputs, view.deliveryMode)) blocks.push(text("The letter to the subject, saying how their request was answered and their right to complain, will come to you as a download: check it, then send it to them."));
        answer(sarReply(`${view.reference} closed: ${view.statusText.toLowerCase()}`, view, blocks, { itemsShown: false }));
      });

    program
      .command("export")
      .description("Portability: every recording and call record held for a number, as a zip sent to you by DM")
      .argument("<numbers...>", "the subject's numbers, each in quotes")
      .action(async (tokens: string[]) => {
        const made = await exportSubjectData(session.ctx, { ...as, numbers: groupNumbers(tokens) });
        answer({
          title: "Subject data export on its way",
          blocks: [
            text(`${made.fileName} (${formatSize(made.body.length)}) has been sent to you as a direct message with a time-limited download link.`),
            fields([
              ["Numbers", made.maskedNumbers.join(", ")],
              ["Recordings", String(made.recordings)],
              ["Call records without audio", String(made.callLogs)],
            ]),
            note("The zip holds the audio as recorded, calls.csv and calls.json (machine-readable). The subject's own numbers appear in full in it: send it only to them."),
          ],
        });
      });
  },
};

/** The request as it stands, with what to do next. */
export function sarReply(title: string, view: SubjectAccessView, extra: ReplyBlock[] = [], options: { itemsShown?: boolean } = {}): ConsoleReply {
  const blocks: ReplyBlock[] = [...extra, fields(sarFields(view))];
  if (view.isOpen && view.overdue) blocks.unshift(warning(`Overdue: it was due by ${view.dueText}.`));
  if (view.isOpen && !view.identityVerification) blocks.push(warning("Identity not yet verified: nothing can be sent to the subject until it is."));
  if (options.itemsShown !== false) {
    if (view.items.length === 0) blocks.push(text("No calls were found for these numbers within retention."));
    else {
      blocks.push(list(view.items.slice(0, SHOWN_ITEMS).map(itemLine)));
      if (view.items.length > SHOWN_ITEMS) blocks.push(note(`and ${view.items.length - SHOWN_ITEMS} more (the bundle and calls.csv list every one).`));
    }
  }
  const hints = nextStepHints(view);
  if (hints.length) blocks.push(note(hints.join("\n")));
  return { title, blocks, actions: nextActions(view) };
}

function sarFields(view: SubjectAccessView): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ["Reference", view.reference],
    ["Subject", view.subjectName],
    ["Numbers", view.maskedNumbers.join(", ")],
    ["Received", view.receivedText],
    ["Due", view.paused ? `${view.dueText} before the pause; moves on when the clock restarts` : `${view.dueText} (${daysLeftText(view)})`],
    ["Status", view.statusText],
  ];
  if (view.paused) rows.push(["Paused since", view.pausedSinceText!]);
  if (view.pausedDays > 0) rows.push(["Days paused so far", String(view.pausedDays)]);
  rows.push(["Identity", view.identityVerification ?? "not yet verified"]);
  if (view.extendedByMonths > 0) rows.push(["Extension", `${view.extendedByMonths} month${view.extendedByMonths === 1 ? "" : "s"}: ${view.extensionReason ?? ""}`]);
  rows.push([
    "Calls found",
    `${view.counts.items} (${view.counts.recordings} recording${view.counts.recordings === 1 ? "" : "s"}, ${view.counts.callLogs} call record${view.counts.callLogs === 1 ? "" : "s"} only)${view.counts.thirdPartyReview ? `; ${view.counts.thirdPartyReview} marked third-party` : ""}${view.counts.withheld ? `; ${view.counts.withheld} withheld` : ""}`,
  ]);
  if (view.holdReference) rows.push(["Hold", `${view.holdReference}${view.holdReleased ? " (released)" : ""}`]);
  if (view.deliveryMode) rows.push(["Bundle", view.deliveryMode === "bundle" ? "zip prepared" : "download links prepared"]);
  rows.push(["Owner", view.owner.name]);
  if (view.closedAtText) rows.push(["Closed", `${view.closedAtText} by ${view.closedByName ?? "someone"}${view.outcomeReason ? `: ${view.outcomeReason}` : ""}`]);
  return rows;
}

function itemLine(item: SubjectAccessItemView): string {
  const marks = [item.thirdPartyReview && !item.withheld ? "THIRD-PARTY REVIEW" : "", item.withheld ? `WITHHELD${item.note ? `: ${item.note}` : ""}` : "", !item.withheld && item.note ? `note: ${item.note}` : ""].filter(Boolean);
  return `${item.number}. ${item.startedAtText} · ${item.durationText} · ${item.direction} · ${item.maskedNumber} · ${item.hasAudio ? "recording" : "call record only"} · ${item.callId}${marks.length ? ` · ${marks.join(" · ")}` : ""}`;
}

function foundText(view: SubjectAccessView): string {
  const n = view.counts.items;
  if (n === 0) return "No calls were found for these numbers within retention. The request is still open: answer it, saying so, by the deadline.";
  return `${n} call${n === 1 ? " was" : "s were"} found within retention and ${n === 1 ? "is" : "are"} on hold ${view.holdReference}, so retention cannot delete ${n === 1 ? "it" : "them"} while the request is open.`;
}

function nextStepHints(view: SubjectAccessView): string[] {
  if (!view.isOpen) return [];
  const ref = view.reference;
  const hints: string[] = [];
  if (view.paused && !view.awaitingInformation.includes("calls")) hints.push(`When the information arrives: sar resume ${ref}${view.identityVerification ? "" : ' --identity "how it was verified"'}`);
  else if (!view.identityVerification) hints.push(`Record identity: sar resume ${ref} --identity "how it was verified"`);
  if (view.counts.items > 0) hints.push(`Mark a call: sar review ${ref} <item> --third-party | --withhold --note "why" | --release`);
  if (view.extendableUntilText) hints.push(`Extend (until ${view.extendableUntilText}): sar extend ${ref} --months 1 --reason "why"`);
  const canComplete = view.counts.withheld === 0 && (view.counts.items === 0 || view.deliveryMode !== null);
  if (canComplete) hints.push(`Close as answered (with your assessment): sar close ${ref} --complete${view.deliveryMode ? "" : " --output transcript"} --assessment "what was searched and found"`);
  if (view.awaitingInformation.length > 0) hints.push(`When the information arrives: sar add-info ${ref} --number "..." | --call-on dd/mm/yyyy --call-at hh:mm [--direction inbound] [--extension 201]`);
  hints.push(`Refuse in whole or part: sar close ${ref} --refuse|--partial --grounds ${Object.keys(REFUSAL_GROUNDS).join("|")} --reason "..."`);
  return hints;
}

function nextActions(view: SubjectAccessView): ReplyAction[] {
  const ref = view.reference;
  if (!view.isOpen) return [];
  const actions: ReplyAction[] = [];
  const blocked = view.items.some((i) => i.thirdPartyReview && !i.withheld);
  const canBundle = view.identityVerification !== null && !blocked && view.counts.items > view.counts.withheld;
  if (canBundle) {
    actions.push({ label: "Prepare bundle (zip)", command: `sar bundle ${ref} --format zip`, style: "primary" });
    actions.push({ label: "Prepare download links", command: `sar bundle ${ref} --format links` });
  }
  actions.push({ label: "Close as withdrawn", command: `sar close ${ref} --withdrawn`, style: "danger", confirm: `Close ${ref} as withdrawn by the subject? Its hold will be released.` });
  actions.push({ label: "Show", command: `sar show ${ref}` });
  return actions;
}

function listReply(views: SubjectAccessView[], all: boolean): ConsoleReply {
  if (views.length === 0) return { title: all ? "No subject access requests" : "No open subject access requests", blocks: [text('Open one with: sar open --name "..." --number "..." --received dd/mm/yyyy')] };
  const overdue = views.filter((v) => v.isOpen && v.overdue);
  const blocks: ReplyBlock[] = [];
  if (overdue.length) blocks.push(warning(`${overdue.length} overdue: ${overdue.map((v) => v.reference).join(", ")}.`));
  blocks.push(
    list(
      views.map((v) => {
        const extras = [v.paused ? "paused" : "", v.extendedByMonths ? `extended ${v.extendedByMonths} month${v.extendedByMonths === 1 ? "" : "s"}` : ""].filter(Boolean).join(", ");
        return `${v.reference} · ${v.subjectName} · ${v.maskedNumbers.join(", ")} · received ${v.receivedText} · due ${v.dueText} (${daysLeftText(v)}) · ${v.statusText}${extras ? ` · ${extras}` : ""} · ${v.counts.items} call${v.counts.items === 1 ? "" : "s"}${v.counts.withheld ? `, ${v.counts.withheld} withheld` : ""}`;
      }),
    ),
  );
  const first = views.find((v) => v.isOpen);
  return { title: all ? "Subject access requests" : "Open subject access requests", blocks, actions: first ? [{ label: `Show ${first.reference}`, command: `sar show ${first.reference}` }] : [] };
}

function exactlyOne<T extends string>(flags: Record<T, boolean | undefined>, message: string): T {
  const chosen = (Object.keys(flags) as T[]).filter((k) => flags[k]);
  if (chosen.length !== 1) throw new ConsoleInputError(chosen.length === 0 ? message : `Choose only one of ${chosen.map((c) => `--${c}`).join(", ")}.`);
  return chosen[0]!;
}

/**
 * Numbers as typed after `export`: each should be quoted, but a number typed
 * with spaces and no quotes arrives in pieces ("020", "7946", "0001"), so
 * pieces are joined until they make a valid number. Anything left over is
 * passed on as typed, for the core to refuse clearly.
 */
export function groupNumbers(tokens: readonly string[]): string[] {
  const numbers: string[] = [];
  let pending: string[] = [];
  for (const token of tokens) {
    if (pending.length === 0 && tryNormalisePhoneNumber(token)) {
      numbers.push(token);
      continue;
    }
    pending.push(token);
    if (tryNormalisePhoneNumber(pending.join(" "))) {
      numbers.push(pending.join(" "));
      pending = [];
    }
  }
  if (pending.length) numbers.push(pending.join(" "));
  return numbers;
}
