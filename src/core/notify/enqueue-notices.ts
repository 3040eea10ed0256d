/**
 * Writes notices to the outbox inside the caller's transaction: a state change
 * and the news of it commit together, and delivery happens after commit.
 */
import type { Prisma } from "../../generated/prisma/client.ts";
import type { Tx } from "../context.ts";
import type { NoticeKind } from "./notices.ts";

/** `refresh-messages` re-renders every stored message about the request in place. */
export type OutboxKind = NoticeKind | "refresh-messages";

export interface NoticeOrder {
  /** E-mail of the person to tell; "system" for refresh-messages. */
  to: string;
  kind: OutboxKind;
  requestId?: string | null;
  /** Extra data the notice needs beyond the request (e.g. a grant id and token). */
  payload?: Prisma.InputJsonObject;
}

export async function enqueueNotices(tx: Tx, at: Date, orders: NoticeOrder[]): Promise<void> {
  if (orders.length === 0) return;
  await tx.outboxMessage.createMany({
    data: orders.map((o) => ({
      recipientEmail: o.to,
      kind: o.kind,
      requestId: o.requestId ?? null,
      payload: o.payload ?? {},
      nextAttemptAt: at,
      createdAt: at,
    })),
  });
}
