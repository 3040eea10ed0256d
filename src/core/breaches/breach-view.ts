/**
 * A personal data breach as the DPO and the reporter see it: what happened,
 * when it was discovered and reported, the ICO deadline and how long is left,
 * the ICO decision and whether it is closed.
 */
import type { Breach } from "../../generated/prisma/client.ts";
import type { Db, Tx } from "../context.ts";
import { AppError } from "../errors.ts";
import { formatDateTime } from "../format.ts";
import { findPerson } from "../policy/access.ts";
import type { Policy } from "../policy/schema.ts";
import { parseReference } from "../references.ts";
import { hoursLeft } from "./breach-rules.ts";

export interface BreachView {
  id: string;
  reference: string;
  status: "OPEN" | "CLOSED";
  description: string;
  recordingRefs: string[];
  discoveredAtText: string;
  reportedAtText: string;
  reportedBy: { email: string; name: string };
  deadlineAt: Date;
  deadlineAtText: string;
  /** Whole hours until the ICO deadline, negative once passed; null once the ICO decision is recorded. */
  hoursLeft: number | null;
  /** The ICO deadline passed with no decision recorded. */
  overdue: boolean;
  icoDecision: "REPORTED" | "NOT_REPORTABLE" | null;
  /** "Reported to the ICO (reference …)" or "Judged not reportable: …", or "ICO decision not yet recorded". */
  icoText: string;
  icoRecordedAtText: string | null;
  closed: boolean;
  closedAtText: string | null;
  closedBy: { email: string; name: string } | null;
  closeNote: string | null;
}

export function buildBreachView(policy: Policy, row: Breach, now: Date): BreachView {
  const tz = policy.organisation.timeZone;
  const person = (email: string) => ({ email, name: findPerson(policy, email)?.name ?? email });
  const decided = row.icoDecision !== null;
  const left = decided ? null : hoursLeft(now, row.deadlineAt);
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    description: row.description,
    recordingRefs: row.recordingRefs,
    discoveredAtText: formatDateTime(row.discoveredAt, tz),
    reportedAtText: formatDateTime(row.reportedAt, tz),
    reportedBy: person(row.reportedBy),
    deadlineAt: row.deadlineAt,
    deadlineAtText: formatDateTime(row.deadlineAt, tz),
    hoursLeft: left,
    overdue: !decided && row.deadlineAt.getTime() <= now.getTime(),
    icoDecision: row.icoDecision,
    icoText:
      row.icoDecision === "REPORTED"
        ? `Reported to the ICO (reference ${row.icoReference})`
        : row.icoDecision === "NOT_REPORTABLE"
          ? `Judged not reportable to the ICO: ${row.icoReason}`
          : "ICO decision not yet recorded",
    icoRecordedAtText: row.icoRecordedAt ? formatDateTime(row.icoRecordedAt, tz) : null,
    closed: row.status === "CLOSED",
    closedAtText: row.closedAt ? formatDateTime(row.closedAt, tz) : null,
    closedBy: row.closedBy ? person(row.closedBy) : null,
    closeNote: row.closeNote,
  };
}

/** Reads "BRE-3", "bre-000003" or "BRE 3"; NOT_FOUND otherwise. */
export function breachReference(text: string): string {
  const reference = parseReference("BRE", text);
  if (!reference) throw new AppError("NOT_FOUND", `"${text.trim().slice(0, 40)}" is not a breach reference (they look like BRE-000003).`, "reference");
  return reference;
}

export async function loadBreachView(db: Db | Tx, policy: Policy, reference: string, now: Date): Promise<BreachView> {
  const row = await db.breach.findUnique({ where: { reference } });
  if (!row) throw new AppError("NOT_FOUND", `There is no breach ${reference}.`, "reference");
  return buildBreachView(policy, row, now);
}
