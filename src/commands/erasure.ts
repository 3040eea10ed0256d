/**
 * DPO console: right to erasure. `erasure propose --number "..." --reason
 * "..."` lists what would be deleted and what is kept (and why), with a
 * danger button that runs `erasure confirm ERA-...`; `erasure confirm` and
 * `erasure cancel` finish it. The core checks the role.
 */
import type { Command } from "commander";
import { cancelErasure } from "../core/erasure/cancel-erasure.ts";
import { confirmErasure } from "../core/erasure/confirm-erasure.ts";
import { proposeErasure } from "../core/erasure/propose-erasure.ts";
import type { ErasureView } from "../core/erasure/erasure-view.ts";
import type { RecordingLine } from "../core/retention/recording-line.ts";
import type { ConsoleModule } from "./run-console.ts";
import { fields, list, note, text, warning, type ReplyAction, type ReplyBlock } from "./reply.ts";
import type { FormSpec } from "./form.ts";
import { registerForm } from "./register-form.ts";

/** Lines shown per list; the rest are counted. */
const MAX_LINES = 20;

/** `erasure propose`: typed with its options, or filled in as a form (`erasure propose` alone opens it). */
export const ERASURE_PROPOSE_FORM: FormSpec = {
  command: "erasure propose",
  title: "Propose an erasure",
  submit: "List recordings",
  intro: "Lists the recordings for the numbers that would be erased and what is kept (and why). Nothing is deleted until a DPO confirms.",
  fields: [
    { key: "number", kind: "list", label: "The person's phone numbers", help: "the person's phone number", flag: "--number", required: true, max: 40, coreFields: ["numbers"], missing: "Give the person's phone number.", placeholder: "One per line, for example 020 7946 0001" },
    { key: "reason", kind: "longtext", label: "The request being acted on", help: "the request being acted on, e.g. how and when it was received", flag: "--reason", required: true, missing: "Say which request is being acted on." },
  ],
  async run(session, v) {
    const { erasure: view, toDelete, kept } = await proposeErasure(session.ctx, { actorEmail: session.actorEmail, numbers: v.number as string[], reason: v.reason as string });
        const blocks: ReplyBlock[] = [fields(erasureFields(view))];
        if (toDelete.length > 0) {
          blocks.push(text(`Would be deleted (${toDelete.length}), audio and catalogue entry:`), list(lines(toDelete)));
        } else {
          blocks.push(text("No recordings for this number can be deleted now."));
        }
        if (kept.length > 0) blocks.push(warning(`Kept because of a hold or an open request (${kept.length}):`), list(lines(kept)));
        const actions: ReplyAction[] = [];
        if (toDelete.length > 0) {
          actions.push({
            label: `Delete ${plural(toDelete.length, "recording")}`,
            command: `erasure confirm ${view.reference}`,
            style: "danger",
            confirm: `Delete ${plural(toDelete.length, "recording")} for ${view.maskedNumbers.join(", ")}? This cannot be undone.`,
          });
        }
        actions.push({ label: "Cancel", command: `erasure cancel ${view.reference}` });
        blocks.push(note(`Any DPO can confirm with: erasure confirm ${view.reference}. Only the recordings listed are deleted; each leaves a deletion record without the number.`));
    return { title: `Erasure ${view.reference} proposed`, blocks, actions };
  },
};

export const erasureConsole: ConsoleModule = {
  register(program: Command, session, answer) {
    const erasure = program.command("erasure").description("Erase a person's recordings on request (right to be forgotten)");

    registerForm(erasure, "propose", "List the recordings for a number that would be erased; nothing is deleted until confirmed", ERASURE_PROPOSE_FORM, session, answer);

    erasure
      .command("confirm")
      .description("Delete the recordings a proposed erasure listed (those not held by now)")
      .argument("<reference>", "the erasure, e.g. ERA-000003")
      .action(async (reference: string) => {
        const result = await confirmErasure(session.ctx, { actorEmail: session.actorEmail, reference });
        const blocks: ReplyBlock[] = [
          fields(erasureFields(result.erasure)),
          text(`${plural(result.deleted, "recording")} deleted. Each has a deletion record (call id, hashes, rule ${`erasure:${result.erasure.reference}`}) without the number.`),
        ];
        if (result.heldNow > 0) blocks.push(warning(`${plural(result.heldNow, "listed recording")} kept: a hold or an open request now protects ${result.heldNow === 1 ? "it" : "them"}.`));
        if (result.alreadyGone > 0) blocks.push(note(`${plural(result.alreadyGone, "listed recording")} had already been deleted (for example by the retention sweep).`));
        answer({ title: `Erasure ${result.erasure.reference} confirmed`, blocks });
      });

    erasure
      .command("cancel")
      .description("Cancel a proposed erasure; nothing is deleted")
      .argument("<reference>", "the erasure, e.g. ERA-000003")
      .option("--reason <text>", "why it is cancelled")
      .action(async (reference: string, opts: { reason?: string }) => {
        const view = await cancelErasure(session.ctx, { actorEmail: session.actorEmail, reference, ...(opts.reason ? { reason: opts.reason } : {}) });
        answer({ title: `Erasure ${view.reference} cancelled`, blocks: [fields(erasureFields(view)), text("Nothing was deleted.")] });
      });
  },
};

function erasureFields(view: ErasureView): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ["Status", view.statusText],
    ["Numbers", view.maskedNumbers.join(", ")],
    ["Reason", view.reason],
    ["Proposed", `${view.createdAtText} by ${view.requestedBy.name}`],
  ];
  if (view.decidedBy) rows.push([view.status === "CANCELLED" ? "Cancelled" : "Confirmed", `${view.decidedAtText} by ${view.decidedBy.name}`]);
  if (view.status === "CONFIRMED") rows.push(["Deleted", String(view.deletedCount)], ["Kept (held)", String(view.heldCount)]);
  return rows;
}

function lines(items: RecordingLine[]): string[] {
  const shown = items.slice(0, MAX_LINES).map((l) => (l.keptBecause.length ? `${l.text} (${l.keptBecause.join("; ")})` : l.text));
  if (items.length > MAX_LINES) shown.push(`…and ${items.length - MAX_LINES} more`);
  return shown;
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString("en-GB")} ${n === 1 ? noun : `${noun}s`}`;
}
