/**
 * Replies in the personal chat: help, `mine`, `pending`, the reserved
 * `audit`, a refusal, and the polite answer for someone not in the policy.
 */
import type { PendingActions } from "../../../core/requests/list-pending-actions.ts";
import type { RequestView } from "../../../core/requests/request-view.ts";
import { COMMANDS, VERBS } from "../ids.ts";
import { attention, card, execute, heading, subtle, text, type Card, type Element } from "./elements.ts";
import type { RenderContext } from "./render-context.ts";

const LIST_LIMIT = 20;

export function helpCard(rc: RenderContext): Card {
  return card(
    [
      heading("How to use Callgate"),
      text(`Callgate lets staff at ${rc.organisation} ask for a recorded call, and the people the policy names authorise it.`),
      text(
        [
          `- **${COMMANDS.requestRecording}** sends you the request form.`,
          `- **${COMMANDS.mine}** lists your requests and where they are.`,
          `- **${COMMANDS.pending}** lists what is waiting for you to authorise, consent to or find.`,
          `- **${COMMANDS.help}** shows this message.`,
        ].join("\n"),
      ),
      subtle("Decisions and links arrive in this chat. They are never posted in group chats or channels."),
    ],
    { fallbackText: "How to use Callgate" },
  );
}

export function mineCard(mine: readonly RequestView[]): Card {
  const body: Element[] = [heading(`Your requests (${mine.length})`)];
  if (mine.length === 0) body.push(text("You have not made any requests."));
  for (const r of mine.slice(0, LIST_LIMIT)) body.push(text(`**${r.reference}** · ${r.purposeLabel} · asked ${r.createdAtText}\n\n${r.statusText}${progress(r)}`));
  return card(body, { fallbackText: `Your requests (${mine.length})` });
}

export function pendingCard(pending: PendingActions): Card {
  const count = pending.toAuthorise.length + pending.toConsent.length + pending.toFulfil.length;
  const body: Element[] = [heading(`Waiting for you (${count})`)];
  const groups: Array<[string, RequestView[], "approval-needed" | "consent-needed" | "fulfilment-needed", string]> = [
    ["To authorise", pending.toAuthorise, "approval-needed", "Approve or deny"],
    ["To consent to", pending.toConsent, "consent-needed", "Answer"],
    ["To find the recording for", pending.toFulfil, "fulfilment-needed", "Find the recording"],
  ];
  for (const [title, items, notice, button] of groups) {
    if (items.length === 0) continue;
    body.push(text(`**${title}** (${items.length})`));
    for (const r of items.slice(0, LIST_LIMIT)) {
      body.push(text(`**${r.reference}** · ${r.purposeLabel} · from ${r.requester.name} · asked ${r.createdAtText}${progress(r)}`));
      // The card itself, posted here on demand: it may never have reached this chat.
      body.push({ type: "ActionSet", actions: [execute(`${button}: ${r.reference}`, VERBS.showPendingCard, { requestId: r.id, notice })] } as Element);
    }
  }
  if (count === 0) body.push(text("Nothing is waiting for you."));
  else body.push(subtle("Each button posts that request's card in this chat, to act on it there."));
  return card(body, { fallbackText: `Waiting for you (${count})` });
}

/** Why nothing was done, as a card; shown on its own or above the card that was clicked. */
export function refusalCard(message: string, below?: Card): Card {
  return withBanner(attention(message, "refusal"), message, below);
}

/** What was just done ("You approved CG-000123 …"), above the card as it now is. */
export function confirmationCard(message: string, below?: Card): Card {
  return withBanner(text(message, { color: "Good", weight: "Bolder", id: "confirmation" }), message, below);
}

function withBanner(banner: Element, message: string, below?: Card): Card {
  const body: Element[] = [banner, ...((below?.body as Element[] | undefined) ?? [])];
  return card(body, { actions: (below?.actions as never) ?? [], fallbackText: message, ...(below?.refresh ? { refresh: below.refresh } : {}) });
}

function progress(r: RequestView): string {
  return r.status === "PENDING_APPROVAL" && r.approvals.needed > 1 ? ` (${r.approvals.given} of ${r.approvals.needed} approvals)` : "";
}
