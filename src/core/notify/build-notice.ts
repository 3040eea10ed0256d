/**
 * The one place a notice is built: from the database as it is now, for one
 * named viewer, with the actions that viewer may take (notice-actions.ts).
 * The outbox builds every notice it sends or updates here, and chat adapters
 * ask here for a message as it should look now (a Teams refresh, a card
 * redrawn after a click or under a refusal, `pending`), so every platform
 * shows the same state and the same buttons to the same person.
 */
import type { CoreContext } from "../context.ts";
import { buildFileReadyNotice } from "../files/file-view.ts";
import { loadExtensionView } from "../playback/extension-view.ts";
import { candidateView, findCandidates, MAX_CANDIDATES } from "../requests/fulfilment-steps.ts";
import { loadRequest } from "../requests/load-request.ts";
import { buildRequestView } from "../requests/request-view.ts";
import { noticeFor } from "./notice-actions.ts";
import type { Notice, NoticeBody, NoticeKind } from "./notices.ts";

/** What a notice is about: its kind, the request, and what the outbox row (or a card's data) adds. */
export interface NoticeSubject {
  kind: NoticeKind;
  requestId: string | null;
  /** E.g. the grant and its token, an extension's id, a file's id: as written by enqueueNotices. */
  payload?: Record<string, unknown>;
}

export interface BuildNoticeOptions {
  /** Base of playback and download links, e.g. https://callgate.example.org */
  publicUrl: string;
}

/**
 * The notice about `subject` as `viewerEmail` should see it now. Throws
 * NOT_FOUND (from loadRequest) for a request that does not exist, and a plain
 * error for a notice whose one-time link was already delivered.
 */
export async function buildNotice(ctx: CoreContext, subject: NoticeSubject, viewerEmail: string, options: BuildNoticeOptions): Promise<Notice> {
  return noticeFor(ctx.policy, await buildBody(ctx, subject, options), viewerEmail);
}

async function buildBody(ctx: CoreContext, subject: NoticeSubject, options: BuildNoticeOptions): Promise<NoticeBody> {
  const { kind } = subject;
  const payload = subject.payload ?? {};
  const requestRow = subject.requestId ? await loadRequest(ctx.db, subject.requestId) : null;
  const request = requestRow ? buildRequestView(ctx.policy, requestRow) : null;
  if (kind === "delivery-failed") {
    return { kind, request, recipientName: String(payload.recipientName ?? "someone"), noticeKind: String(payload.noticeKind ?? ""), waiting: payload.waiting === true };
  }
  if (kind === "compliance-notice") {
    return { kind, title: String(payload.title ?? "Callgate"), lines: Array.isArray(payload.lines) ? payload.lines.map(String) : [] };
  }
  if (kind === "file-ready") return buildFileReadyNotice(ctx, options.publicUrl, payload);
  if (!request || !requestRow) throw new Error(`notice ${kind} has no request`);
  switch (kind) {
    case "request-submitted":
    case "approval-needed":
    case "approval-reminder":
    case "request-outcome":
    case "consent-needed":
      return { kind, request };
    case "fulfilment-needed": {
      // Only while the call is still to be found: afterwards the message lists none.
      const candidates = request.status === "AWAITING_FULFILMENT" ? await findCandidates(ctx.db, ctx.policy, requestRow) : [];
      return { kind, request, candidates: candidates.slice(0, MAX_CANDIDATES).map((c) => candidateView(ctx.policy, c)) };
    }
    case "call-log-ready": {
      const ids = Array.isArray(payload.recordingIds) ? payload.recordingIds.map(String) : [];
      const calls = await ctx.db.recording.findMany({ where: { id: { in: ids } } });
      return { kind, request, calls: calls.map((c) => candidateView(ctx.policy, c)) };
    }
    case "access-granted": {
      const grant = await ctx.db.playbackGrant.findUniqueOrThrow({ where: { id: String(payload.grantId) } });
      if (typeof payload.token !== "string") throw new Error("the playback token was already delivered");
      return { kind, request, playbackUrl: `${options.publicUrl.replace(/\/$/, "")}/play/${payload.token}`, expiresAt: grant.expiresAt };
    }
    case "access-ended":
      return { kind, request, reason: payload.reason === "revoked" ? "revoked" : "expired" };
    case "playback-browser-pending":
      return { kind, request, grantId: String(payload.grantId), pendingId: String(payload.pendingId), seenAtText: String(payload.seenAtText ?? ""), browserText: String(payload.browserText ?? "another browser") };
    case "extension-needed":
    case "extension-outcome":
      return { kind, request, extension: await loadExtensionView(ctx, String(payload.extensionId)) };
  }
}
