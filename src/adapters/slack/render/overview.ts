/**
 * `/recordings mine|pending|help|revoke` and the App Home tab. These can appear
 * outside a DM (an ephemeral reply in whatever channel the command was typed
 * in), so they show references, purposes and states only: never a number,
 * a party's name or a reason.
 */
import type { types } from "@slack/bolt";
import type { PendingActions } from "../../../core/requests/list-pending-actions.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { COMMANDS } from "../ids.ts";
import { context, divider, escapeMrkdwn, header, message, section, type Block, type SlackMessage } from "./blocks.ts";
import type { RenderContext } from "./render-context.ts";

const LIST_LIMIT = 20;

export function helpMessage(rc: RenderContext): SlackMessage {
  return message("How to use Callgate", [
    section(
      `*Callgate* lets staff at ${escapeMrkdwn(rc.organisation)} ask for a recorded call, and the people the policy names authorise it.\n` +
        `• \`${COMMANDS.requestRecording}\` opens the request form. You can fill it in as you type: \`${COMMANDS.requestRecording} 21/11/2026 14:30 01427 700700 inbound\`.\n` +
        `• \`${COMMANDS.recordings} mine\` lists your requests and where they are.\n` +
        `• \`${COMMANDS.recordings} pending\` lists what is waiting for you to authorise, consent to or find.\n` +
        `• \`${COMMANDS.recordings} revoke CG-000123 &lt;reason&gt;\` ends someone's access to a recording at once (for the Data Protection Officer and the request's authorisers).\n` +
        "Decisions and links arrive by direct message from Callgate; the Home tab shows the same lists.",
    ),
  ]);
}

/** After a revocation, from chat or the command; `what` is the reference as the person typed it. */
export function revokedText(revoked: number, what?: string): string {
  if (revoked === 0) return "Someone else revoked this access a moment ago, so nothing more was needed.";
  const links = revoked === 1 ? "The link no longer works" : `The ${revoked} links no longer work`;
  return `Access${what ? ` to ${escapeMrkdwn(what)}` : ""} is revoked. ${links}, and the requester has been told their access has ended.`;
}

/** `/recordings revoke` without a reference. */
export function revokeUsageMessage(): SlackMessage {
  return message("How to revoke access", [section(`To end someone's access to a recording at once, give the request's reference and your reason: \`${COMMANDS.recordings} revoke CG-000123 The link was forwarded\`.`)]);
}

export function mineBlocks(mine: readonly RequestView[]): Block[] {
  if (mine.length === 0) return [section("You have not made any requests.")];
  return mine.slice(0, LIST_LIMIT).map((r) => section(`*${escapeMrkdwn(r.reference)}* · ${escapeMrkdwn(r.purposeLabel)} · asked ${escapeMrkdwn(r.createdAtText)}\n${escapeMrkdwn(r.statusText)}${progress(r)}`));
}

export function pendingBlocks(pending: PendingActions): Block[] {
  const groups: Array<[string, RequestView[]]> = [
    ["To authorise", pending.toAuthorise],
    ["To consent to", pending.toConsent],
    ["To find the recording for", pending.toFulfil],
  ];
  const blocks: Block[] = [];
  for (const [title, items] of groups) {
    if (items.length === 0) continue;
    blocks.push(section(`*${title}* (${items.length})`));
    for (const r of items.slice(0, LIST_LIMIT)) {
      blocks.push(section(`*${escapeMrkdwn(r.reference)}* · ${escapeMrkdwn(r.purposeLabel)} · from ${escapeMrkdwn(r.requester.name)} · asked ${escapeMrkdwn(r.createdAtText)}${progress(r)}`));
    }
  }
  if (blocks.length === 0) return [section("Nothing is waiting for you.")];
  blocks.push(context("Open the direct message from Callgate about each request to act on it."));
  return blocks;
}

export function mineMessage(mine: readonly RequestView[]): SlackMessage {
  return message(`Your requests (${mine.length})`, [section("*Your requests*"), ...mineBlocks(mine)]);
}

export function pendingMessage(pending: PendingActions): SlackMessage {
  const count = pending.toAuthorise.length + pending.toConsent.length + pending.toFulfil.length;
  return message(`Waiting for you (${count})`, [section("*Waiting for you*"), ...pendingBlocks(pending)]);
}

export function homeView(rc: RenderContext, name: string, mine: readonly RequestView[], pending: PendingActions): types.HomeView {
  const blocks: Block[] = [
    header(`Callgate for ${rc.organisation}`),
    section(`Hello ${escapeMrkdwn(name)}. Type \`${COMMANDS.requestRecording}\` anywhere to ask for a recorded call.`),
    divider(),
    header("Waiting for you"),
    ...pendingBlocks(pending),
    divider(),
    header("Your requests"),
    ...mineBlocks(mine),
  ];
  return { type: "home", blocks: blocks.slice(0, 100) };
}

export function homeNotSetUpView(text: string): types.HomeView {
  return { type: "home", blocks: [header("Callgate"), section(escapeMrkdwn(text))] };
}

function progress(r: RequestView): string {
  return r.status === "PENDING_APPROVAL" && r.approvals.needed > 1 ? ` (${r.approvals.given} of ${r.approvals.needed} approvals)` : "";
}
