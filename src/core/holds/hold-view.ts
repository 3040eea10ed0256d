/**
 * A hold as the DPO sees it: reference, kind, reason, the masked numbers it
 * was placed for, how many recordings it keeps, who placed and released it,
 * and (for an investigation) the covert monitoring that depends on it.
 */
import type { HoldKind } from "../../generated/prisma/client.ts";
import type { Db, Tx } from "../context.ts";
import { AppError } from "../errors.ts";
import { formatDate, formatDateTime } from "../format.ts";
import { findPerson } from "../policy/access.ts";
import type { Policy } from "../policy/schema.ts";
import { parseReference } from "../references.ts";

export interface HoldView {
  id: string;
  reference: string;
  kind: HoldKind;
  /** "Legal hold", "Investigation", "Subject access request". */
  kindText: string;
  reason: string;
  maskedNumbers: string[];
  recordingCount: number;
  createdBy: { email: string; name: string };
  createdAtText: string;
  released: boolean;
  releasedAtText: string | null;
  releasedBy: { email: string; name: string } | null;
  releaseReason: string | null;
  /** The subject access request the hold serves, if any. */
  subjectAccessReference: string | null;
  /** Covert monitoring authorisations still active under this investigation. */
  activeCovert: string[];
  /** A preservation: its class (label), until when it keeps the recordings (null: until released) and its next review. */
  preservation: { classId: string; classLabel: string; keepUntilText: string | null; reviewOnText: string | null } | null;
}

export const HOLD_KIND_TEXT: Record<HoldKind, string> = { LEGAL: "Legal hold", INVESTIGATION: "Investigation", SUBJECT_ACCESS: "Subject access request", PRESERVATION: "Preserved" };

const holdInclude = {
  _count: { select: { recordings: true } },
  subjectAccess: { select: { reference: true, status: true } },
  covert: { where: { status: "ACTIVE" as const }, select: { reference: true } },
};

type HoldRow = NonNullable<Awaited<ReturnType<typeof findHoldRow>>>;

function findHoldRow(db: Db | Tx, where: { id: string } | { reference: string }) {
  return db.hold.findUnique({ where, include: holdInclude });
}

export function buildHoldView(policy: Policy, hold: HoldRow): HoldView {
  const tz = policy.organisation.timeZone;
  const who = (email: string) => ({ email, name: findPerson(policy, email)?.name ?? email });
  return {
    id: hold.id,
    reference: hold.reference,
    kind: hold.kind,
    kindText: HOLD_KIND_TEXT[hold.kind],
    reason: hold.reason,
    maskedNumbers: hold.maskedNumbers,
    recordingCount: hold._count.recordings,
    createdBy: who(hold.createdBy),
    createdAtText: formatDateTime(hold.createdAt, tz),
    released: hold.releasedAt !== null,
    releasedAtText: hold.releasedAt ? formatDateTime(hold.releasedAt, tz) : null,
    releasedBy: hold.releasedBy ? who(hold.releasedBy) : null,
    releaseReason: hold.releaseReason,
    subjectAccessReference: hold.subjectAccess?.reference ?? null,
    activeCovert: hold.covert.map((c) => c.reference),
    preservation:
      hold.kind === "PRESERVATION" && hold.preservationClass
        ? {
            classId: hold.preservationClass,
            classLabel: policy.retention.preservation.classes.find((c) => c.id === hold.preservationClass)?.label ?? hold.preservationClass,
            keepUntilText: hold.keepUntil ? formatDate(hold.keepUntil, tz) : null,
            reviewOnText: hold.reviewOn ? formatDate(hold.reviewOn, tz) : null,
          }
        : null,
  };
}

/** Reads "HOLD-000001", "hold-1" or "HOLD 1"; NOT_FOUND for anything else. */
export function parseHoldReference(text: string): string {
  const reference = parseReference("HOLD", text);
  if (!reference) throw new AppError("NOT_FOUND", `"${text.trim().slice(0, 40)}" is not a hold reference. Hold references look like HOLD-000001.`);
  return reference;
}

export async function loadHoldView(db: Db | Tx, policy: Policy, reference: string): Promise<HoldView> {
  const hold = await findHoldRow(db, { reference: parseHoldReference(reference) });
  if (!hold) throw new AppError("NOT_FOUND", `There is no hold ${parseHoldReference(reference)}.`);
  return buildHoldView(policy, hold);
}

export async function listHoldRows(db: Db | Tx, options: { includeReleased: boolean; take: number }) {
  return db.hold.findMany({
    where: options.includeReleased ? {} : { releasedAt: null },
    orderBy: [{ createdAt: "desc" }, { reference: "desc" }],
    take: options.take,
    include: holdInclude,
  });
}
