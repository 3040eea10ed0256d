/**
 * DPO console: holds. `hold place --number "020 7946 0001" [--number ...]
 * [--call <callId>] --reason "..." [--investigation]`, `hold release
 * HOLD-000001 --reason "..."`, `hold list [--all]`, and for the roles the
 * policy lets preserve recordings `hold preserve <call...> [--class <id>]
 * --reason "..."` and `hold review HOLD-000001 --note "..."`. The core checks the role.
 */
import type { Command } from "commander";
import { placeHold } from "../core/holds/place-hold.ts";
import { listHolds, MAX_LISTED_HOLDS } from "../core/holds/list-holds.ts";
import { releaseHold } from "../core/holds/release-hold.ts";
import { preserveRecording } from "../core/holds/preserve-recording.ts";
import { reviewPreservation } from "../core/holds/review-preservation.ts";
import type { HoldView } from "../core/holds/hold-view.ts";
import type { ConsoleModule } from "./run-console.ts";
import { fields, list, note, text, type ConsoleReply } from "./reply.ts";
import type { FormSpec } from "./form.ts";
import { registerForm } from "./register-form.ts";

/** Collects a repeatable option (`--number a --number b`). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `hold place`: typed with its options, or filled in as a form (`hold place` alone opens it). */
export const HOLD_PLACE_FORM: FormSpec = {
  command: "hold place",
  title: "Place a hold",
  submit: "Place hold",
  intro: "A hold keeps recordings from deletion, by retention or erasure, until it is released.",
  fields: [
    { key: "number", kind: "list", label: "Phone numbers", help: "a phone number whose recordings to hold", flag: "--number", required: false, max: 40, coreFields: ["numbers"], placeholder: "One per line, for example 020 7946 0001" },
    { key: "call", kind: "list", label: "Call ids", help: "a call id from the catalogue", flag: "--call", required: false, max: 200, coreFields: ["callIds"], placeholder: "One per line (or give numbers above)" },
    { key: "investigation", kind: "flag", label: "This is an investigation (covert monitoring can be linked to it), not a legal hold", help: "an investigation (covert monitoring can be linked to it) rather than a legal hold", flag: "--investigation", required: false },
    { key: "reason", kind: "longtext", label: "Reason", help: "why the recordings must be kept", flag: "--reason", required: true, missing: "Say why the recordings must be kept." },
  ],
  async run(session, v) {
    const view = await placeHold(session.ctx, { actorEmail: session.actorEmail, numbers: v.number as string[], callIds: v.call as string[], kind: v.investigation ? "INVESTIGATION" : "LEGAL", reason: v.reason as string });
    return {
      title: `${view.kindText} ${view.reference} placed`,
      blocks: [
        fields(holdFields(view)),
        text(view.recordingCount === 0 ? "No recordings in the catalogue match yet; the hold is on record." : `${count(view.recordingCount, "recording")} will not be deleted, by retention or erasure, until the hold is released.`),
        note(`To release it: hold release ${view.reference} --reason "..."`),
      ],
    };
  },
};

export const holdsConsole: ConsoleModule = {
  register(program, session, answer) {
    const hold = program.command("hold").description("Place or release a hold that keeps recordings from deletion");

    registerForm(hold, "place", "Hold every recording for these numbers (or calls) until released", HOLD_PLACE_FORM, session, answer);

    hold
      .command("release")
      .description("Release a hold (an investigation's covert monitoring ends with it)")
      .argument("<reference>", "the hold, e.g. HOLD-000001")
      .requiredOption("--reason <text>", "why the hold is no longer needed")
      .action(async (reference: string, opts: { reason: string }) => {
        const { hold: view, endedCovert } = await releaseHold(session.ctx, { actorEmail: session.actorEmail, reference, reason: opts.reason });
        const blocks = [
          fields(holdFields(view)),
          text(`${count(view.recordingCount, "recording")} ${view.recordingCount === 1 ? "is" : "are"} subject to the retention policy again, unless another hold keeps ${view.recordingCount === 1 ? "it" : "them"}.`),
        ];
        if (endedCovert.length > 0) blocks.push(text(`Covert monitoring ended with the investigation: ${endedCovert.join(", ")}. Each authoriser has been told.`));
        answer({ title: `${view.kindText} ${view.reference} released`, blocks });
      });

    hold
      .command("preserve")
      .description("Keep recordings past their deletion under one of the policy's preservation classes (the roles the policy names)")
      .argument("<call...>", "the call ids to keep, as the request or search shows them")
      .option("--class <id>", "the preservation class (see policy explain); needed when the policy has more than one")
      .requiredOption("--reason <text>", "what the recordings will be relied on for")
      .action(async (callIds: string[], opts: { class?: string; reason: string }) => {
        const view = await preserveRecording(session.ctx, { actorEmail: session.actorEmail, callIds, ...(opts.class ? { classId: opts.class } : {}), reason: opts.reason });
        answer({
          title: `Recordings preserved: ${view.reference}`,
          blocks: [
            fields(holdFields(view)),
            text(`${count(view.recordingCount, "recording")} will not be deleted ${view.preservation?.keepUntilText ? `before ${view.preservation.keepUntilText}` : "until the preservation is released"}.`),
            note(`Review due ${view.preservation?.reviewOnText ?? "as the policy says"}: hold review ${view.reference} --note "..." (or hold release ${view.reference} --reason "...").`),
          ],
        });
      });

    hold
      .command("review")
      .description("Record that preserved recordings are still needed; the next review date moves on")
      .argument("<reference>", "the preservation, e.g. HOLD-000001")
      .requiredOption("--note <text>", "why they are still needed")
      .action(async (reference: string, opts: { note: string }) => {
        const view = await reviewPreservation(session.ctx, { actorEmail: session.actorEmail, reference, note: opts.note });
        answer({ title: `${view.reference} reviewed`, blocks: [fields(holdFields(view))] });
      });

    hold
      .command("list")
      .alias("ls")
      .description("List holds in force (--all to include released ones)")
      .option("--all", "include released holds")
      .action(async (opts: { all?: boolean }) => {
        const holds = await listHolds(session.ctx, { actorEmail: session.actorEmail, includeReleased: opts.all ?? false });
        answer(holdsReply(holds, opts.all ?? false));
      });
  },
};

function holdFields(view: HoldView): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ["Kind", view.kindText],
    ["Reason", view.reason],
    ["Numbers", view.maskedNumbers.join(", ") || "none given"],
    ["Recordings held", String(view.recordingCount)],
    ["Placed", `${view.createdAtText} by ${view.createdBy.name}`],
  ];
  if (view.subjectAccessReference) rows.push(["Subject access request", view.subjectAccessReference]);
  if (view.activeCovert.length > 0) rows.push(["Covert monitoring", view.activeCovert.join(", ")]);
  if (view.preservation) {
    rows.push(["Class", view.preservation.classLabel]);
    rows.push(["Kept until", view.preservation.keepUntilText ?? "released"]);
    if (view.preservation.reviewOnText) rows.push(["Review due", view.preservation.reviewOnText]);
  }
  if (view.released) rows.push(["Released", `${view.releasedAtText} by ${view.releasedBy?.name ?? "someone"}: ${view.releaseReason ?? ""}`]);
  return rows;
}

function holdsReply(holds: HoldView[], all: boolean): ConsoleReply {
  if (holds.length === 0) return { title: all ? "No holds" : "No holds in force", blocks: [text("Nothing is held from deletion. Place a hold with: hold place (a form), or hold place --number \"...\" --reason \"...\"")] };
  const items = holds.map((h) => {
    const state = h.released ? `released ${h.releasedAtText}` : "in force";
    const extra = [h.subjectAccessReference, ...h.activeCovert].filter(Boolean).join(", ");
    return `${h.reference} · ${h.kindText} · ${state} · ${count(h.recordingCount, "recording")} · ${h.maskedNumbers.join(", ") || "no numbers"}${extra ? ` · ${extra}` : ""} · ${h.reason}`;
  });
  const blocks = [list(items)];
  if (holds.length >= MAX_LISTED_HOLDS) blocks.push(note(`Showing the newest ${MAX_LISTED_HOLDS}.`));
  return { title: all ? "Holds" : "Holds in force", blocks };
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString("en-GB")} ${n === 1 ? noun : `${noun}s`}`;
}
