/**
 * When one recording becomes due for deletion: the end of its retention
 * (class, else site, else default rule, counted from the call), or later if a
 * preservation keeps it (its `keepUntil`), or never while a hold without an
 * end (legal, investigation, subject access, a class kept until released)
 * is in force. Playback links are capped at this instant (a live link never
 * keeps a recording past its retention) and the requester is told before it.
 */
import type { Db, Tx } from "../context.ts";
import { addDuration } from "../policy/duration.ts";
import type { Policy } from "../policy/schema.ts";
import { retentionRules, ruleFor } from "./retention-rules.ts";

export interface RetainedRecording {
  id: string;
  startedAt: Date;
  retentionClass: string | null;
  siteId: string | null;
}

/** The end of the recording's retention under the policy, ignoring holds. */
export function retentionEndOf(policy: Policy, recording: Omit<RetainedRecording, "id">, now: Date): Date {
  return addDuration(recording.startedAt, ruleFor(retentionRules(policy, now), recording).duration);
}

/** When the recording becomes due for deletion, or null while a hold without an end keeps it. */
export async function deletionDueAt(db: Db | Tx, policy: Policy, recording: RetainedRecording, now: Date): Promise<Date | null> {
  const holds = await db.hold.findMany({
    where: { releasedAt: null, recordings: { some: { recordingId: recording.id } }, OR: [{ keepUntil: null }, { keepUntil: { gt: now } }] },
    select: { keepUntil: true },
  });
  if (holds.some((h) => h.keepUntil === null)) return null;
  const end = retentionEndOf(policy, recording, now);
  return new Date(Math.max(end.getTime(), ...holds.map((h) => h.keepUntil!.getTime())));
}

/**
 * A link's expiry: the access window, cut short at the recording's deletion.
 * A recording already past its deletion (an open request kept it while it was
 * decided) keeps its link for at most the notice period, so an authorised
 * requester still has the time they are told they have.
 */
export function capAtDeletion(now: Date, windowEnd: Date, dueAt: Date | null, notice: Parameters<typeof addDuration>[1]): { expiresAt: Date; endsAtDeletion: boolean } {
  if (dueAt === null || dueAt.getTime() >= windowEnd.getTime()) return { expiresAt: windowEnd, endsAtDeletion: false };
  if (dueAt.getTime() > now.getTime()) return { expiresAt: dueAt, endsAtDeletion: true };
  const floor = addDuration(now, notice);
  return { expiresAt: new Date(Math.min(windowEnd.getTime(), floor.getTime())), endsAtDeletion: floor.getTime() < windowEnd.getTime() };
}
