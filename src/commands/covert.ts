/**
 * DPO console: covert monitoring. `covert authorise --investigation
 * HOLD-000002 | --new-investigation "name" [--extension 201 ...] [--staff
 * email ...] --reason "..." [--start 2026-11-22] [--review 2026-12-22]`,
 * `covert list [--all]`, `covert review COV-1 [--next 2027-01-22] --note
 * "..."` and `covert end COV-1 --reason "..."`. The core checks the policy
 * allows it and who may authorise.
 */
import { authoriseCovertMonitoring } from "../core/covert/authorise-covert-monitoring.ts";
import type { CovertView } from "../core/covert/covert-view.ts";
import { endCovertMonitoring } from "../core/covert/end-covert-monitoring.ts";
import { listCovertAuthorisations } from "../core/covert/list-covert-authorisations.ts";
import { reviewCovertMonitoring } from "../core/covert/review-covert-monitoring.ts";
import type { ConsoleModule } from "./run-console.ts";
import type { FormSpec } from "./form.ts";
import { registerForm } from "./register-form.ts";
import { fields, list, note, text, warning, type ConsoleReply, type ReplyBlock } from "./reply.ts";
import { withFlagAdvice } from "./flag-advice.ts";


export interface CovertAuthoriseOptions {
  investigation?: string;
  newInvestigation?: string;
  extension: string[];
  staff: string[];
  reason: string;
  ground?: string;
  start?: string;
  review?: string;
}

export function covertAuthoriseInput(actorEmail: string, opts: CovertAuthoriseOptions) {
  return {
    actorEmail,
    investigation: opts.investigation,
    newInvestigation: opts.newInvestigation,
    extensions: opts.extension,
    staffEmails: opts.staff,
    reason: opts.reason,
    ground: opts.ground,
    start: opts.start,
    review: opts.review,
  };
}

/** `covert authorise`: typed with its options, or filled in as a form (`covert authorise` alone opens it). */
export const COVERT_AUTHORISE_FORM: FormSpec = {
  command: "covert authorise",
  title: "Authorise covert monitoring",
  shortTitle: "Covert monitoring",
  submit: "Authorise",
  intro: "Only where the policy allows it, and only for an investigation: name an open one (HOLD-…) or a new one. The staff monitored are not told.",
  fields: [
    { key: "investigation", kind: "text", label: "Open investigation", help: "the open investigation it serves, e.g. HOLD-000002", flag: "--investigation", required: false, max: 40, placeholder: "For example HOLD-000002" },
    { key: "newInvestigation", kind: "text", label: "Or a new investigation's name", help: "or open a new investigation with this name", flag: "--new-investigation", required: false, max: 300 },
    { key: "extension", kind: "list", label: "Extensions to monitor", help: "an extension to monitor", flag: "--extension", required: false, max: 10, coreFields: ["extensions"], placeholder: "One per line, for example 201" },
    { key: "staff", kind: "list", label: "Staff to monitor (e-mail)", help: "a member of staff to monitor, by e-mail", flag: "--staff", required: false, max: 320, coreFields: ["staffEmails"], placeholder: "One e-mail per line" },
    { key: "reason", kind: "longtext", label: "Reason", help: "what is suspected, and why telling the staff would prejudice the investigation", flag: "--reason", required: true, missing: "Say what is suspected, and why telling the staff would prejudice the investigation." },
    { key: "ground", kind: "text", label: "Ground", help: "the ground the policy allows it on, by id (where the policy lists grounds)", flag: "--ground", required: false, max: 100 },
    { key: "start", kind: "date", label: "Starts", help: "when monitoring starts (default today)", flag: "--start", required: false },
    { key: "review", kind: "date", label: "Review by", help: "when it must be reviewed (default: the policy's review interval after the start)", flag: "--review", required: false },
  ],
  async run(session, v) {
    const view = await authoriseCovertMonitoring(session.ctx, covertAuthoriseInput(session.actorEmail, v as unknown as CovertAuthoriseOptions));
    return {
      title: `Covert monitoring ${view.reference} authorised`,
      blocks: [
        fields(covertFields(view)),
        text(`You will be reminded a week before ${view.reviewOnText} and on the day. It ends when investigation ${view.investigation.reference} is closed, or when you end it.`),
      ],
    };
  },
};

export const covertConsole: ConsoleModule = {
  register(program, session, answer) {
    const covert = program.command("covert").description("Covert monitoring authorisations (only where the policy allows it)");

    registerForm(covert, "authorise", "Authorise covert monitoring of staff or extensions for an investigation", COVERT_AUTHORISE_FORM, session, answer).alias("authorize");

    covert
      .command("list")
      .description("Covert monitoring in force (--all to include ended)")
      .option("--all", "include ended authorisations")
      .action(async (opts: { all?: boolean }) => {
        const views = await listCovertAuthorisations(session.ctx, { actorEmail: session.actorEmail, all: opts.all ?? false });
        answer(listReply(views, opts.all ?? false));
      });

    covert
      .command("review")
      .description("Record a review (monitoring continues) and set the next review date")
      .argument("<reference>", "the authorisation, e.g. COV-000001")
      .requiredOption("--note <text>", "what the review found, and why monitoring is still needed")
      .option("--next <yyyy-mm-dd>", "the next review date (default: the policy's review interval from today)")
      .action(async (reference: string, opts: { note: string; next?: string }) => {
        const view = await withFlagAdvice({ nextReview: "--next" }, () => reviewCovertMonitoring(session.ctx, { reference, actorEmail: session.actorEmail, note: opts.note, nextReview: opts.next }));
        answer({ title: `Covert monitoring ${view.reference} reviewed`, blocks: [fields(covertFields(view)), text(`It continues; next review by ${view.reviewOnText}.`)] });
      });

    covert
      .command("end")
      .description("End covert monitoring now")
      .argument("<reference>", "the authorisation, e.g. COV-000001")
      .requiredOption("--reason <text>", "why it is ending")
      .action(async (reference: string, opts: { reason: string }) => {
        const view = await endCovertMonitoring(session.ctx, { reference, actorEmail: session.actorEmail, reason: opts.reason });
        answer({
          title: `Covert monitoring ${view.reference} ended`,
          blocks: [fields(covertFields(view)), note(`Investigation ${view.investigation.reference} stays open until it is closed with: hold release ${view.investigation.reference} --reason "..."`)],
        });
      });
  },
};

export function covertFields(view: CovertView): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ["Monitored", view.targetsText],
    ...(view.ground ? ([["Ground", view.ground.label]] as Array<[string, string]>) : []),
    ["Reason", view.reason],
    ["Authorised by", `${view.authorisedBy.name} (${view.authoriserRole}), ${view.createdAtText}`],
    ["Starts", view.startsAtText],
    ["Investigation", `${view.investigation.reference}: ${view.investigation.name}${view.investigation.closed ? " (closed)" : ""}`],
    ["Status", view.status === "ACTIVE" ? "In force" : "Ended"],
  ];
  if (view.status === "ACTIVE") rows.push(["Review by", view.reviewOnText]);
  else rows.push(["Ended", `${view.endedAtText ?? ""}${view.endedBy ? ` by ${view.endedBy}` : ""}${view.endReason ? `: ${view.endReason}` : ""}`]);
  return rows;
}

function listReply(views: CovertView[], all: boolean): ConsoleReply {
  if (views.length === 0) return { title: all ? "No covert monitoring" : "No covert monitoring in force", blocks: [text("Nothing is authorised.")] };
  const blocks: ReplyBlock[] = [];
  const due = views.filter((v) => v.reviewDue);
  if (due.length > 0) blocks.push(warning(`Review due: ${due.map((v) => `${v.reference} (${v.reviewOnText})`).join(", ")}.`));
  blocks.push(
    list(
      views.map((v) =>
        [v.reference, v.status === "ACTIVE" ? `in force, review by ${v.reviewOnText}` : `ended ${v.endedAtText ?? ""}`, v.targetsText, ...(v.ground ? [`on: ${v.ground.label}`] : []), `${v.investigation.reference} ${v.investigation.name}`, `by ${v.authorisedBy.name}`].join(" · "),
      ),
    ),
  );
  return { title: all ? "Covert monitoring" : "Covert monitoring in force", blocks };
}
