/**
 * First contact: someone installs or writes to the bot for the first time
 * (or from a new place). Every notice still WAITING for them, because no chat
 * platform could reach them when it was due, goes back in the queue now, and
 * so does one still in its first quick retries for the same reason (due in
 * the last half-minute, so not yet WAITING): it goes now, not at its next
 * retry. The outbox builds each from the database as it is, so a request
 * decided in the meantime arrives decided, without stale buttons.
 */
import type { Tx } from "../context.ts";

/** Re-queues the person's waiting notices, inside the caller's transaction; returns how many. */
export async function releaseOwedNotices(tx: Tx, at: Date, email: string): Promise<number> {
  // Nothing was posted by the attempts that found nobody to reach (sendingSince is set only
  // once someone could be reached), so there is no earlier copy to look for.
  const data = { status: "PENDING" as const, attempts: 0, nextAttemptAt: at, lastError: null, sendingSince: null };
  const waiting = await tx.outboxMessage.updateMany({ where: { recipientEmail: email, status: "WAITING" }, data });
  const retrying = await tx.outboxMessage.updateMany({
    where: { recipientEmail: email, status: "PENDING", sendingSince: null, lastError: { startsWith: "UNREACHABLE" }, nextAttemptAt: { gt: at } },
    data,
  });
  return waiting.count + retrying.count;
}
