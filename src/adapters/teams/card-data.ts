/**
 * What every Action.Execute on a request card carries, and the card such data
 * names as it should look now for one viewer: the core builds the notice for
 * them (buildNotice: the database as it is, and the actions they may take),
 * and this only renders it. For a Universal Actions refresh, a card redrawn
 * after a click or beneath a refusal, and `pending`.
 */
import { z } from "zod";
import { buildNotice } from "../../core/notify/build-notice.ts";
import type { Notice } from "../../core/notify/notices.ts";
import type { ApprovalForm } from "./cards/approval-card.ts";
import type { Card } from "./cards/elements.ts";
import { renderNotice } from "./cards/notice.ts";
import type { Viewer } from "./cards/render-context.ts";
import type { TeamsDeps } from "./deps.ts";

export const cardData = z.object({
  requestId: z.string().min(1).max(100),
  notice: z.enum(["approval-needed", "approval-reminder", "consent-needed", "fulfilment-needed", "extension-needed"]),
  extensionId: z.string().min(1).max(100).optional(),
});
export type CardData = z.output<typeof cardData>;

/** The core's notice for the card's data, built for this viewer. */
export async function noticeForCard(deps: TeamsDeps, data: CardData, viewerEmail: string): Promise<Notice> {
  // An extension card that lost its extension id can only be drawn as the request's approval card.
  const subject = data.notice === "extension-needed"
    ? data.extensionId ? { kind: data.notice, requestId: data.requestId, payload: { extensionId: data.extensionId } } : { kind: "approval-needed" as const, requestId: data.requestId }
    : { kind: data.notice, requestId: data.requestId };
  return buildNotice(deps.ctx, subject, viewerEmail, { publicUrl: deps.publicUrl });
}

/** The card as `viewer` should see it now, drawn from the core's notice. */
export async function currentCardFor(deps: TeamsDeps, data: CardData, viewer: Required<Pick<Viewer, "email">> & Viewer, form?: ApprovalForm): Promise<Card> {
  return renderNotice(await noticeForCard(deps, data, viewer.email), deps.render, viewer, form);
}
