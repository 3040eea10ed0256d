/**
 * Delivers the outbox: each notice is built fresh from the database for its
 * recipient (buildNotice: the current state, and the actions that person may
 * take now), sent as a direct message on the platform the person last used, and retried with backoff until it goes. A notice that
 * cannot be delivered in the end is marked, audited and reported to the DPO,
 * never silently dropped. Several instances may run this at once: rows are
 * claimed with SKIP LOCKED and a short lease.
 *
 * Sending is made idempotent across crashes: `sendingSince` is committed
 * before the first post, the message's handle and "sent" are committed
 * together after it, and a retry that finds `sendingSince` set asks the
 * channel (ChatChannel.findSent, by the row's id as delivery key) for the copy
 * already posted and updates it instead of posting another. A retry never
 * comes sooner than the platform's Retry-After (ChatDeliveryError).
 */
import type { OutboxMessage } from "../../generated/prisma/client.ts";
import type { CoreContext, Tx } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { isAppError } from "../errors.ts";
import { findPerson, peopleWithRoles } from "../policy/access.ts";
import { ChatDeliveryError, type ChatChannel } from "../ports/chat.ts";
import { buildNotice } from "./build-notice.ts";
import { enqueueNotices } from "./enqueue-notices.ts";
import { UPDATABLE_NOTICES, type NoticeKind } from "./notices.ts";

export interface DeliveryOptions {
  channels: readonly ChatChannel[];
  /** Base of playback links, e.g. https://callgate.example.org */
  publicUrl: string;
  batchSize?: number;
  /** After this many failed attempts a notice is given up and reported. */
  maxAttempts?: number;
}

export interface DeliveryResult {
  sent: number;
  retrying: number;
  failed: number;
}

const LEASE_MS = 60_000;
/** Tries before someone no chat platform knows is reported (about 35 seconds with the backoff). */
const UNREACHABLE_ATTEMPTS = 4;

class Unreachable extends Error {}

export async function deliverNotifications(ctx: CoreContext, options: DeliveryOptions): Promise<DeliveryResult> {
  const now = ctx.clock.now();
  const batch = await transact(ctx, async (tx) => {
    const ids = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "OutboxMessage" WHERE status = 'PENDING' AND "nextAttemptAt" <= ${now}
      ORDER BY "createdAt" LIMIT ${options.batchSize ?? 25} FOR UPDATE SKIP LOCKED`;
    if (ids.length === 0) return [];
    const where = { id: { in: ids.map((r) => r.id) } };
    await tx.outboxMessage.updateMany({ where, data: { nextAttemptAt: new Date(now.getTime() + LEASE_MS) } });
    return tx.outboxMessage.findMany({ where, orderBy: { createdAt: "asc" } });
  });

  const result: DeliveryResult = { sent: 0, retrying: 0, failed: 0 };
  for (const row of batch) {
    try {
      await deliverOne(ctx, options, row);
      result.sent++;
    } catch (error) {
      const gaveUp = await recordFailure(ctx, options, row, error);
      if (gaveUp) result.failed++;
      else result.retrying++;
    }
  }
  return result;
}

async function deliverOne(ctx: CoreContext, options: DeliveryOptions, row: OutboxMessage): Promise<void> {
  const channelFor = (platform: string) => options.channels.find((c) => c.platform === platform);
  if (row.kind === "refresh-messages") {
    const messages = await ctx.db.chatMessage.findMany({ where: { requestId: row.requestId } });
    for (const message of messages) {
      const channel = channelFor(message.platform);
      if (!channel) continue;
      // Rebuilt for the person whose message it is, from the payload it was first built
      // from (e.g. which extension it asks about).
      const notice = await buildNotice(ctx, { kind: message.kind as NoticeKind, requestId: row.requestId, payload: (message.payload ?? row.payload) as Record<string, unknown> }, message.recipientEmail, options);
      await channel.update({ conversationId: message.conversationId, messageId: message.messageId, reference: message.reference }, notice, { email: message.recipientEmail });
    }
    await markSent(ctx, ctx.db, row);
    return;
  }

  const identities = await ctx.db.chatIdentity.findMany({ where: { email: row.recipientEmail }, orderBy: { updatedAt: "desc" } });
  const identity = identities.find((i) => channelFor(i.platform));
  if (!identity) throw new Unreachable(`nobody can reach ${row.recipientEmail} on chat yet`);
  const channel = channelFor(identity.platform)!;
  const notice = await buildNotice(ctx, { kind: row.kind as NoticeKind, requestId: row.requestId, payload: row.payload as Record<string, unknown> }, row.recipientEmail, options);
  const to = { platformUserId: identity.platformUserId, address: identity.address, email: row.recipientEmail };
  // An earlier attempt began and never recorded its result: it may have
  // posted. Where the platform can find that message, bring it up to date
  // instead of sending a second copy whose buttons would never be refreshed.
  const earlier = row.sendingSince && channel.findSent ? await channel.findSent(to, row.id, row.sendingSince) : null;
  let sent;
  if (earlier) {
    await channel.update(earlier, notice, to);
    sent = earlier;
  } else {
    // Committed before the post, so a crash after it leaves the mark behind.
    if (!row.sendingSince) await ctx.db.outboxMessage.update({ where: { id: row.id }, data: { sendingSince: ctx.clock.now() } });
    sent = await channel.send(to, notice, { key: row.id });
  }
  // The handle and "sent" together: a crash between two writes would send again.
  await transact(ctx, async (tx) => {
    if (UPDATABLE_NOTICES.has(notice.kind)) {
      await tx.chatMessage.upsert({
        where: { platform_conversationId_messageId: { platform: channel.platform, conversationId: sent.conversationId, messageId: sent.messageId } },
        create: { requestId: row.requestId, recipientEmail: row.recipientEmail, platform: channel.platform, kind: notice.kind, conversationId: sent.conversationId, messageId: sent.messageId, reference: (sent.reference ?? {}) as object, payload: withoutToken(row), createdAt: ctx.clock.now() },
        update: {},
      });
    }
    await markSent(ctx, tx, row);
  });
}

async function markSent(ctx: CoreContext, db: Tx, row: OutboxMessage): Promise<void> {
  await db.outboxMessage.update({ where: { id: row.id }, data: { status: "SENT", sentAt: ctx.clock.now(), attempts: row.attempts + 1, payload: withoutToken(row) } });
}

/**
 * Schedules a retry, or gives up, audits it and tells the DPO and (when the
 * notice was about someone else's request) the requester. Someone chat cannot
 * reach at all (not set up on any platform yet) is given up on after a few
 * quick tries, so people hear within a minute rather than hours; a platform
 * error is retried with backoff for longer. Returns true if it gave up.
 */
async function recordFailure(ctx: CoreContext, options: DeliveryOptions, row: OutboxMessage, error: unknown): Promise<boolean> {
  const now = ctx.clock.now();
  const attempts = row.attempts + 1;
  const unreachable = error instanceof Unreachable || (error instanceof ChatDeliveryError && error.unreachable === true);
  const code = unreachable ? "UNREACHABLE" : isAppError(error) ? error.code : retryAfterMs(error) > 0 ? "RATE_LIMITED" : "SEND_FAILED";
  const lastError = `${code}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500);
  const maxAttempts = options.maxAttempts ?? 12;
  if (attempts < (unreachable ? Math.min(UNREACHABLE_ATTEMPTS, maxAttempts) : maxAttempts)) {
    // Never sooner than the platform asked (a 429's Retry-After), whatever the backoff says.
    const backoff = Math.max(Math.min(5_000 * 2 ** (attempts - 1), 3_600_000), retryAfterMs(error));
    await ctx.db.outboxMessage.update({ where: { id: row.id }, data: { attempts, lastError, nextAttemptAt: new Date(now.getTime() + backoff) } });
    return false;
  }
  if (unreachable && row.kind !== "refresh-messages") {
    // Not a failure: they have not installed or written to the bot yet. The
    // notice waits (token and all) and goes on their first contact
    // (releaseOwedNotices); the DPO and the requester hear that it is waiting.
    await transact(ctx, async (tx) => {
      await tx.outboxMessage.update({ where: { id: row.id }, data: { attempts, lastError, status: "WAITING" } });
      await appendAudit(tx, { at: now, actor: "system", action: "notification.waiting", subjectType: "notification", subjectId: row.id, requestId: row.requestId, details: { kind: row.kind, recipient: row.recipientEmail } });
      if (row.kind === "delivery-failed") return;
      await tellAboutUndelivered(ctx, tx, now, row, { waiting: true });
    });
    return true;
  }
  await transact(ctx, async (tx) => {
    await tx.outboxMessage.update({ where: { id: row.id }, data: { attempts, lastError, status: "FAILED", payload: withoutToken(row) } });
    await appendAudit(tx, { at: now, actor: "system", action: "notification.failed", subjectType: "notification", subjectId: row.id, requestId: row.requestId, details: { kind: row.kind, recipient: row.recipientEmail, code } });
    if (row.kind === "delivery-failed" || row.kind === "refresh-messages") return;
    await tellAboutUndelivered(ctx, tx, now, row, { waiting: false });
  });
  return true;
}

/** The DPO and (when the notice was about someone else's request) the requester hear a notice has not gone. */
async function tellAboutUndelivered(ctx: CoreContext, tx: Tx, now: Date, row: OutboxMessage, how: { waiting: boolean }): Promise<void> {
  const recipientName = findPerson(ctx.policy, row.recipientEmail)?.name ?? row.recipientEmail;
  const requester = row.requestId ? (await tx.recordingRequest.findUnique({ where: { id: row.requestId }, select: { requesterEmail: true } }))?.requesterEmail : undefined;
  const tell = new Set(peopleWithRoles(ctx.policy, ctx.policy.compliance.dpoRoles).map((p) => p.email));
  if (requester) tell.add(requester);
  tell.delete(row.recipientEmail);
  await enqueueNotices(tx, now, [...tell].map((to) => ({ to, kind: "delivery-failed" as const, requestId: row.requestId, payload: { recipientName, noticeKind: row.kind, waiting: how.waiting } })));
}

/** How long the platform asked us to wait before trying again; 0 when it said nothing. */
function retryAfterMs(error: unknown): number {
  const ms = error instanceof ChatDeliveryError ? error.retryAfterMs : undefined;
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? Math.min(ms, 24 * 3_600_000) : 0;
}

/** A playback token leaves the database once it has been delivered or given up on. */
function withoutToken(row: OutboxMessage): object {
  const { token: _token, ...rest } = row.payload as Record<string, unknown>;
  return rest;
}
