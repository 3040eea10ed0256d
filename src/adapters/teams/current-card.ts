/**
 * A card as it should look now, for one viewer: what a Universal Actions
 * refresh returns, and what a refused click shows beneath the reason. Built
 * from the core's views, so it always matches the database.
 */
import { z } from "zod";
import { candidateView, findCandidates, MAX_CANDIDATES } from "../../core/requests/fulfilment-steps.ts";
import { loadRequest } from "../../core/requests/load-request.ts";
import { buildRequestView } from "../../core/requests/request-view.ts";
import { loadExtensionView } from "../../core/playback/extension-view.ts";
import { approvalCard } from "./cards/approval-card.ts";
import { consentCard } from "./cards/consent-card.ts";
import type { Card } from "./cards/elements.ts";
import { extensionCard } from "./cards/extension-card.ts";
import { fulfilmentCard } from "./cards/fulfilment-card.ts";
import type { Viewer } from "./cards/render-context.ts";
import type { TeamsDeps } from "./deps.ts";

/** What every Action.Execute on a request card carries. */
export const cardData = z.object({
  requestId: z.string().min(1).max(100),
  notice: z.enum(["approval-needed", "approval-reminder", "consent-needed", "fulfilment-needed", "extension-needed"]),
  extensionId: z.string().min(1).max(100).optional(),
});
export type CardData = z.output<typeof cardData>;

export async function currentCard(deps: TeamsDeps, data: CardData, viewer: Viewer): Promise<Card> {
  const { ctx } = deps;
  const row = await loadRequest(ctx.db, data.requestId);
  const request = buildRequestView(ctx.policy, row);
  switch (data.notice) {
    case "approval-needed":
    case "approval-reminder":
      return approvalCard(request, { viewer, notice: data.notice, reminder: data.notice === "approval-reminder" });
    case "consent-needed":
      return consentCard(request, viewer);
    case "fulfilment-needed": {
      const candidates = request.status === "AWAITING_FULFILMENT" ? await findCandidates(ctx.db, ctx.policy, row) : [];
      return fulfilmentCard(request, candidates.slice(0, MAX_CANDIDATES).map((c) => candidateView(ctx.policy, c)), viewer);
    }
    case "extension-needed": {
      if (!data.extensionId) return approvalCard(request, { viewer });
      return extensionCard(request, await loadExtensionView(ctx, data.extensionId), viewer);
    }
  }
}
