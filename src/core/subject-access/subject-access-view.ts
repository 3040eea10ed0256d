/**
 * A subject access request as the DPO sees it in chat or the CLI: reference,
 * subject, masked numbers, dates in UK format, days left, pause and extension,
 * and the calls found (metadata only, numbers masked).
 */
import type { Hold, Recording, SubjectAccessItem, SubjectAccessRequest } from "../../generated/prisma/client.ts";
import type { CoreContext, Db, Tx } from "../context.ts";
import { calendarText, daysBetween } from "../calendar.ts";
import { formatDateTime } from "../format.ts";
import { maskPhoneNumber } from "../phone.ts";
import { findPerson } from "../policy/access.ts";
import type { Policy } from "../policy/schema.ts";
import { findSubjectAccess, firstPeriodEnds, maxExtensionMonths, todayFor } from "./subject-access-rules.ts";
import { describeCall, readCallDescriptions } from "./subject-access-intake.ts";

export type SubjectAccessStatus = SubjectAccessRequest["status"];

/** One call found for the request, numbered as the DPO refers to it ("item 3"). */
export interface SubjectAccessItemView {
  number: number;
  recordingId: string;
  callId: string;
  startedAt: Date;
  startedAtText: string;
  durationText: string;
  direction: string;
  maskedNumber: string;
  extension: string | null;
  siteName: string | null;
  hasAudio: boolean;
  thirdPartyReview: boolean;
  withheld: boolean;
  note: string | null;
  /** "number", or "description" (found by date, time, direction or extension: confirm it is the subject's). */
  matchedBy: string;
}

export interface SubjectAccessView {
  id: string;
  reference: string;
  subjectName: string;
  maskedNumbers: string[];
  identityVerification: string | null;
  receivedOn: Date;
  receivedText: string;
  /** The current deadline; while paused it moves on when the clock restarts. */
  dueOn: Date;
  dueText: string;
  /** Calendar days from today to the deadline; null while paused or closed. */
  daysLeft: number | null;
  overdue: boolean;
  status: SubjectAccessStatus;
  statusText: string;
  isOpen: boolean;
  paused: boolean;
  pausedSinceText: string | null;
  pauseReason: string | null;
  pausedDays: number;
  extendedByMonths: number;
  extensionReason: string | null;
  /** The last day an extension may still be granted, when one still can be. */
  extendableUntilText: string | null;
  owner: { email: string; name: string };
  openedAtText: string;
  closedAtText: string | null;
  closedByName: string | null;
  outcomeReason: string | null;
  deliveryMode: string | null;
  holdReference: string | null;
  holdReleased: boolean;
  counts: { items: number; recordings: number; callLogs: number; thirdPartyReview: number; withheld: number };
  items: SubjectAccessItemView[];
  /** How it came in (letter, email, phone, in-person, web-form); null if opened before intake existed. */
  channel: string | null;
  /** Who logged it, when not the owner. */
  loggedBy: { email: string; name: string } | null;
  /** What is still missing before it can go on ("calls", "identity"); empty when nothing is. */
  awaitingInformation: string[];
  /** The subject's contact details, as the owner sees them (phone masked). */
  contact: { email: string | null; maskedPhone: string | null; address: string | null };
  /** The calls as the subject described them, in words ("10/11/2026 around 14:30, inbound, extension 201"). */
  callDescriptions: string[];
  outputs: string[];
  assessment: string | null;
  refusalGround: string | null;
}

const STATUS_TEXT: Record<SubjectAccessStatus, string> = {
  OPEN: "Open",
  COMPLETED: "Completed",
  PARTIALLY_REFUSED: "Partly refused",
  REFUSED: "Refused",
  WITHDRAWN: "Withdrawn",
};

const MISSING_TEXT: Record<string, string> = { calls: "what identifies the calls", identity: "proof of identity" };

type ItemWithRecording = SubjectAccessItem & { recording: Recording };
export type SubjectAccessWithDetail = SubjectAccessRequest & { items: ItemWithRecording[]; hold: Hold | null };

/** Loads a request with its items (oldest call first) and hold. */
export async function loadSubjectAccess(db: Db | Tx, key: string): Promise<SubjectAccessWithDetail> {
  const sar = await findSubjectAccess(db, key);
  return sortItems(await db.subjectAccessRequest.findUniqueOrThrow({ where: { id: sar.id }, include: SUBJECT_ACCESS_DETAIL }));
}

/** What a view needs loaded with a request. */
export const SUBJECT_ACCESS_DETAIL = { items: { include: { recording: true } }, hold: true } as const;

/** Items in the order the DPO numbers them: oldest call first. */
export function sortItems(sar: SubjectAccessWithDetail): SubjectAccessWithDetail {
  sar.items.sort((a, b) => a.recording.startedAt.getTime() - b.recording.startedAt.getTime() || a.recording.callId.localeCompare(b.recording.callId));
  return sar;
}

/** "2 min 5 s" */
export function formatCallLength(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes === 0) return `${rest} s`;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

export function buildItemViews(policy: Policy, items: readonly ItemWithRecording[]): SubjectAccessItemView[] {
  const timeZone = policy.organisation.timeZone;
  return items.map((item, i) => ({
    number: i + 1,
    recordingId: item.recordingId,
    callId: item.recording.callId,
    startedAt: item.recording.startedAt,
    startedAtText: formatDateTime(item.recording.startedAt, timeZone),
    durationText: formatCallLength(item.recording.durationSeconds),
    direction: item.recording.direction.toLowerCase(),
    maskedNumber: maskPhoneNumber(item.recording.externalNumber),
    extension: item.recording.extension,
    siteName: policy.sites.find((s) => s.id === item.recording.siteId)?.name ?? item.recording.siteId,
    hasAudio: item.recording.blobName !== null,
    thirdPartyReview: item.thirdPartyReview,
    withheld: item.withheld,
    note: item.note,
    matchedBy: item.matchedBy,
  }));
}

export function buildSubjectAccessView(ctx: Pick<CoreContext, "policy" | "clock">, sar: SubjectAccessWithDetail): SubjectAccessView {
  const { policy } = ctx;
  const timeZone = policy.organisation.timeZone;
  const today = todayFor(ctx);
  const isOpen = sar.status === "OPEN";
  const paused = isOpen && sar.pausedSince !== null;
  const daysLeft = isOpen && !paused ? daysBetween(today, sar.dueOn) : null;
  const firstEnds = firstPeriodEnds(policy, sar, today);
  const extendable = isOpen && sar.extendedByMonths < maxExtensionMonths(policy) && today.getTime() <= firstEnds.getTime();
  const items = buildItemViews(policy, sar.items);
  const closer = sar.closedBy ? findPerson(policy, sar.closedBy) : undefined;
  return {
    id: sar.id,
    reference: sar.reference,
    subjectName: sar.subjectName,
    maskedNumbers: sar.numbers.map(maskPhoneNumber),
    identityVerification: sar.identityVerification,
    receivedOn: sar.receivedOn,
    receivedText: calendarText(sar.receivedOn),
    dueOn: sar.dueOn,
    dueText: calendarText(sar.dueOn),
    daysLeft,
    overdue: daysLeft !== null && daysLeft < 0,
    status: sar.status,
    statusText: isOpen && sar.awaitingInformation.includes("calls") ? `Awaiting information (${sar.awaitingInformation.map((m) => MISSING_TEXT[m] ?? m).join(", ")})` : paused ? `Open, clock paused (${sar.pauseReason ?? "waiting"})` : STATUS_TEXT[sar.status],
    isOpen,
    paused,
    pausedSinceText: paused ? calendarText(sar.pausedSince!) : null,
    pauseReason: paused ? sar.pauseReason : null,
    pausedDays: sar.pausedDays,
    extendedByMonths: sar.extendedByMonths,
    extensionReason: sar.extensionReason,
    extendableUntilText: extendable ? calendarText(firstEnds) : null,
    owner: { email: sar.ownerEmail, name: findPerson(policy, sar.ownerEmail)?.name ?? sar.ownerEmail },
    openedAtText: formatDateTime(sar.openedAt, timeZone),
    closedAtText: sar.closedAt ? formatDateTime(sar.closedAt, timeZone) : null,
    closedByName: sar.closedBy ? (closer?.name ?? sar.closedBy) : null,
    outcomeReason: sar.outcomeReason,
    deliveryMode: sar.deliveryMode,
    holdReference: sar.hold?.reference ?? null,
    holdReleased: sar.hold?.releasedAt != null,
    counts: {
      items: items.length,
      recordings: items.filter((i) => i.hasAudio).length,
      callLogs: items.filter((i) => !i.hasAudio).length,
      thirdPartyReview: items.filter((i) => i.thirdPartyReview).length,
      withheld: items.filter((i) => i.withheld).length,
    },
    items,
    channel: sar.channel,
    loggedBy: sar.loggedBy && sar.loggedBy !== sar.ownerEmail ? { email: sar.loggedBy, name: findPerson(policy, sar.loggedBy)?.name ?? sar.loggedBy } : null,
    awaitingInformation: sar.awaitingInformation,
    contact: { email: sar.contactEmail, maskedPhone: sar.contactPhone ? maskPhoneNumber(sar.contactPhone) : null, address: sar.contactAddress },
    callDescriptions: readCallDescriptions(sar.callDescriptions).map((d) => describeCall(d)),
    outputs: sar.outputs,
    assessment: sar.assessment,
    refusalGround: sar.refusalGround,
  };
}

/** "due in 5 days", "due today", "2 days overdue", "paused". */
export function daysLeftText(view: Pick<SubjectAccessView, "daysLeft" | "paused" | "isOpen" | "statusText">): string {
  if (!view.isOpen) return view.statusText.toLowerCase();
  if (view.paused) return "clock paused";
  const n = view.daysLeft!;
  if (n === 0) return "due today";
  if (n === 1) return "due tomorrow";
  if (n > 0) return `${n} days left`;
  return n === -1 ? "1 day overdue" : `${-n} days overdue`;
}
