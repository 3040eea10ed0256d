/**
 * Console: personal data breaches. Anyone in the policy may report one;
 * recording the ICO decision, closing and listing are for the policy's breach
 * closers (the DPO by default), which the core checks.
 *
 *   breach report --what "..." --discovered 20/11/2026 [--at 09:30] [--recording <call id or CG-…> ...]
 *   breach ico BRE-000001 --reported <ICO reference> | --not-reportable "<reason>"
 *   breach close BRE-000001 --note "..."
 *   breach list [--all]    breach show BRE-000001
 */
import { closeBreach } from "../core/breaches/close-breach.ts";
import { listBreaches, showBreach } from "../core/breaches/list-breaches.ts";
import { recordBreachIcoDecision } from "../core/breaches/record-breach-ico-decision.ts";
import { reportBreach } from "../core/breaches/report-breach.ts";
import type { BreachView } from "../core/breaches/breach-view.ts";
import { AppError } from "../core/errors.ts";
import { withFlagAdvice } from "./flag-advice.ts";
import { fields, list, note, text, warning, type ConsoleReply } from "./reply.ts";
import type { ConsoleModule } from "./run-console.ts";

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Core field names → the flags that set them, for messages about a missing or wrong value. */
export const BREACH_FLAGS = { description: "--what", discoveredOn: "--discovered", discoveredAt: "--at", recordings: "--recording", icoReference: "--reported", reason: "--not-reportable", note: "--note" } as const;

export const breachConsole: ConsoleModule = {
  register(program, session, answer) {
    const breach = program.command("breach").description("Report a personal data breach, record the ICO decision, close it");

    breach
      .command("report")
      .description("Report a personal data breach (anyone can); the people the policy names are told at once")
      .requiredOption("--what <text>", "what happened: what was seen, sent or lost, and by whom")
      .requiredOption("--discovered <date>", "the day it was discovered, e.g. 20/11/2026")
      .option("--at <HH:MM>", "the time it was discovered (the ICO clock runs from then)")
      .option("--recording <id>", "a call id or request reference it touches (repeat for more)", collect, [])
      .action(async (opts: { what: string; discovered: string; at?: string; recording: string[] }) => {
        const view = await withFlagAdvice(BREACH_FLAGS, () =>
          reportBreach(session.ctx, { actorEmail: session.actorEmail, description: opts.what, discoveredOn: opts.discovered, ...(opts.at ? { discoveredAt: opts.at } : {}), recordings: opts.recording }),
        );
        answer({ title: `Breach ${view.reference} reported`, blocks: [fields(breachFields(view)), text("The Data Protection Officer and the people the policy names have been told. If it must be reported, the ICO must be told by the deadline above.")] });
      });

    breach
      .command("ico")
      .description("Record the ICO decision: reported (with the ICO's reference) or not reportable (with the reason)")
      .argument("<reference>", "the breach, e.g. BRE-000001")
      .option("--reported <icoReference>", "the ICO's case reference for the report")
      .option("--not-reportable <reason>", "why the breach need not be reported")
      .action(async (reference: string, opts: { reported?: string; notReportable?: string }) => {
        if ((opts.reported === undefined) === (opts.notReportable === undefined)) {
          throw new AppError("INVALID_INPUT", "Say either --reported <ICO reference> or --not-reportable \"<reason>\".", "decision");
        }
        const view = await withFlagAdvice(BREACH_FLAGS, () =>
          recordBreachIcoDecision(session.ctx, { actorEmail: session.actorEmail, reference, ...(opts.reported !== undefined ? { decision: "reported" as const, icoReference: opts.reported } : { decision: "not-reportable" as const, reason: opts.notReportable! }) }),
        );
        answer({ title: `ICO decision recorded for ${view.reference}`, blocks: [fields(breachFields(view)), note(`Close it when it is dealt with: breach close ${view.reference} --note "..."`)] });
      });

    breach
      .command("close")
      .description("Close a breach once the ICO decision is recorded")
      .argument("<reference>", "the breach, e.g. BRE-000001")
      .requiredOption("--note <text>", "what was done: containment, who was told, lessons learnt")
      .action(async (reference: string, opts: { note: string }) => {
        // close-breach checks the note as a reason (requireReason names it "reason").
        const view = await withFlagAdvice({ ...BREACH_FLAGS, reason: "--note" }, () => closeBreach(session.ctx, { actorEmail: session.actorEmail, reference, note: opts.note }));
        answer({ title: `Breach ${view.reference} closed`, blocks: [fields(breachFields(view))] });
      });

    breach
      .command("list")
      .alias("ls")
      .description("List open breaches, soonest ICO deadline first (--all to include closed ones)")
      .option("--all", "include closed breaches")
      .action(async (opts: { all?: boolean }) => {
        const views = await listBreaches(session.ctx, { actorEmail: session.actorEmail, all: opts.all ?? false });
        answer(breachesReply(views, opts.all ?? false));
      });

    breach
      .command("show")
      .description("Show one breach")
      .argument("<reference>", "the breach, e.g. BRE-000001")
      .action(async (reference: string) => {
        const view = await showBreach(session.ctx, { actorEmail: session.actorEmail, reference });
        answer({ title: `Breach ${view.reference}`, blocks: [...(view.overdue ? [warning("The ICO deadline has passed with no decision recorded.")] : []), fields(breachFields(view))] });
      });
  },
};

export function breachFields(view: BreachView): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ["What happened", view.description],
    ["Discovered", view.discoveredAtText],
    ["Reported", `${view.reportedAtText} by ${view.reportedBy.name}`],
    ["ICO deadline", `${view.deadlineAtText}${view.hoursLeft === null ? "" : view.overdue ? " (passed)" : ` (${view.hoursLeft} hour${view.hoursLeft === 1 ? "" : "s"} left)`}`],
    ["ICO", view.icoText],
  ];
  if (view.recordingRefs.length > 0) rows.push(["Recordings or requests", view.recordingRefs.join(", ")]);
  rows.push(["Status", view.closed ? `Closed ${view.closedAtText} by ${view.closedBy?.name ?? "someone"}: ${view.closeNote ?? ""}` : "Open"]);
  return rows;
}

function breachesReply(views: BreachView[], all: boolean): ConsoleReply {
  if (views.length === 0) return { title: all ? "No breaches" : "No open breaches", blocks: [text("Report one with: breach report --what \"...\" --discovered 20/11/2026")] };
  return {
    title: all ? "Breaches" : "Open breaches",
    blocks: [list(views.map((b) => `${b.reference} · ${b.closed ? "closed" : "open"} · discovered ${b.discoveredAtText} · ${b.icoDecision ? b.icoText : b.overdue ? "ICO deadline passed" : `ICO by ${b.deadlineAtText}`} · ${b.description.slice(0, 80)}`))],
  };
}
