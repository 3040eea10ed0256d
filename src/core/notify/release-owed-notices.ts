/**
 * First contact: someone installs or writes to the bot for the first time
 * (or from a new place). Every notice still WAITING for them, because no chat
 * platform could reach them when it was due, goes back in the queue now. The
 * outbox builds each from the database as it is, so a request decided in the
 * meantime arrives decided, without stale buttons.
 */
import type { Tx } from "../context.ts";

/** Re-queues the person's waiting notices, inside the caller's transaction; returns how many. */
export async function releaseOwedNotices(tx: Tx, at: Date, email: string): Promise<number> {
  const { count } = await tx.outboxMessage.updateMany({
    where: { recipientEmail: email, status: "WAITING" },
    // Nothing was posted by the attempts that found nobody to reach, so no earlier copy to look for.
    data: { status: "PENDING", attempts: 0, nextAttemptAt: at, lastError: null, sendingSince: null },
  });
  return count;
}
