/**
 * Covert monitoring authorisations as the DPO and authorisers see them, and
 * the rules shared by the commands that change them: who is monitored (staff
 * and extensions, placed at their sites) and who may authorise that.
 */
import type { CovertAuthorisation, Hold } from "../../generated/prisma/client.ts";
import { calendarText, isoDate, parseCalendarDate, startOfDayIn, todayIn } from "../calendar.ts";
import type { CoreContext, Tx } from "../context.ts";
import { AppError } from "../errors.ts";
import { formatDateTime } from "../format.ts";
import { findPerson, holdsRole, isDpo } from "../policy/access.ts";
import type { Person, Policy } from "../policy/schema.ts";
import { parseReference } from "../references.ts";

export interface CovertView {
  id: string;
  reference: string;
  status: "ACTIVE" | "ENDED";
  authorisedBy: { email: string; name: string };
  authoriserRole: string;
  staff: { email: string; name: string }[];
  extensions: string[];
  /** "Ellie Shaw, extension 201": who or what is monitored, in one line. */
  targetsText: string;
  reason: string;
  /** The ground it was authorised on (covertMonitoring.grounds), where the policy lists grounds. */
  ground: { id: string; label: string } | null;
  startsAtText: string;
  /** "2026-12-22" and "22/12/2026". */
  reviewOn: string;
  reviewOnText: string;
  /** The review date has come (today or earlier) and the authorisation is still active. */
  reviewDue: boolean;
  investigation: { reference: string; name: string; closed: boolean };
  endedAtText: string | null;
  endedBy: string | null;
  endReason: string | null;
  createdAtText: string;
}

export type CovertRow = CovertAuthorisation & { investigation: Hold };

export function buildCovertView(policy: Policy, row: CovertRow, now: Date): CovertView {
  const tz = policy.organisation.timeZone;
  const nameOf = (email: string) => findPerson(policy, email)?.name ?? email;
  const staff = row.staffEmails.map((email) => ({ email, name: nameOf(email) }));
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    authorisedBy: { email: row.authorisedBy, name: nameOf(row.authorisedBy) },
    authoriserRole: policy.roles.find((r) => r.id === row.authoriserRole)?.label ?? row.authoriserRole,
    staff,
    extensions: row.extensions,
    targetsText: describeTargets(staff.map((s) => s.name), row.extensions),
    reason: row.reason,
    ground: row.ground ? { id: row.ground, label: policy.covertMonitoring.grounds.find((g) => g.id === row.ground)?.label ?? row.ground } : null,
    startsAtText: formatDateTime(row.startsAt, tz),
    reviewOn: isoDate(row.reviewOn),
    reviewOnText: calendarText(row.reviewOn),
    reviewDue: row.status === "ACTIVE" && row.reviewOn.getTime() <= todayIn(tz, now).getTime(),
    investigation: { reference: row.investigation.reference, name: row.investigation.reason, closed: row.investigation.releasedAt !== null },
    endedAtText: row.endedAt ? formatDateTime(row.endedAt, tz) : null,
    endedBy: row.endedBy ? nameOf(row.endedBy) : null,
    endReason: row.endReason,
    createdAtText: formatDateTime(row.createdAt, tz),
  };
}

export function describeTargets(staffNames: readonly string[], extensions: readonly string[]): string {
  const parts = [...staffNames, ...(extensions.length ? [`${extensions.length === 1 ? "extension" : "extensions"} ${extensions.join(", ")}`] : [])];
  return parts.join(", ") || "nobody";
}

/** Reads "COV-1", "cov 1" or "COV-000001"; NOT_FOUND for anything else. */
export function parseCovertReference(text: string): string {
  const reference = parseReference("COV", text);
  if (!reference) throw new AppError("NOT_FOUND", "That is not a covert monitoring reference. References look like COV-000001.");
  return reference;
}

/** Loads one authorisation by reference and locks its row for the rest of the transaction. */
export async function lockCovert(tx: Tx, referenceText: string): Promise<CovertRow> {
  const reference = parseCovertReference(referenceText);
  const found = await tx.covertAuthorisation.findUnique({ where: { reference }, select: { id: true } });
  if (!found) throw new AppError("NOT_FOUND", `There is no covert monitoring authorisation ${reference}.`);
  await tx.$queryRaw`SELECT id FROM "CovertAuthorisation" WHERE id = ${found.id}::uuid FOR UPDATE`;
  return tx.covertAuthorisation.findUniqueOrThrow({ where: { id: found.id }, include: { investigation: true } });
}

export async function loadCovertView(ctx: CoreContext, id: string): Promise<CovertView> {
  const row = await ctx.db.covertAuthorisation.findUniqueOrThrow({ where: { id }, include: { investigation: true } });
  return buildCovertView(ctx.policy, row, ctx.clock.now());
}

/** The sites a monitored member of staff or extension belongs to; empty when the policy does not say. */
export function sitesOfTargets(policy: Policy, staff: readonly Person[], extensions: readonly string[]): { target: string; sites: string[] }[] {
  return [
    ...staff.map((p) => ({ target: p.name, sites: p.sites })),
    ...extensions.map((ext) => {
      const site = policy.sites.find((s) => s.extensions.includes(ext));
      const owners = policy.people.filter((p) => p.extensions.includes(ext));
      const sites = [...new Set([...(site ? [site.id] : []), ...owners.flatMap((p) => p.sites)])];
      return { target: `extension ${ext}`, sites };
    }),
  ];
}

/**
 * The role by which `person` may authorise monitoring these targets, or a
 * FORBIDDEN error saying why not: they must hold one of the policy's
 * covert-monitoring roles, for every site involved (an organisation-wide role
 * covers all), and may never be among the people monitored.
 */
export function authorisingRole(policy: Policy, person: Person, staff: readonly Person[], extensions: readonly string[]): string {
  const { authoriserRoles } = policy.covertMonitoring;
  const qualifying = person.roles.filter((r) => authoriserRoles.includes(r));
  if (qualifying.length === 0) {
    const labels = authoriserRoles.map((r) => policy.roles.find((role) => role.id === r)?.label ?? r);
    throw new AppError("FORBIDDEN", `Only the ${labels.join(" or the ")} can authorise covert monitoring.`);
  }
  if (staff.some((p) => p.email === person.email) || extensions.some((ext) => person.extensions.includes(ext))) {
    throw new AppError("FORBIDDEN", "You cannot authorise covert monitoring of yourself (your own e-mail or extension is among those to be monitored). Another authoriser must decide.");
  }
  const organisationWide = qualifying.find((r) => policy.roles.find((role) => role.id === r)?.scope !== "site");
  if (organisationWide) return organisationWide;
  for (const { target, sites } of sitesOfTargets(policy, staff, extensions)) {
    if (sites.length === 0) throw new AppError("FORBIDDEN", `The policy does not place ${target} at any site, so only an organisation-wide authoriser can authorise monitoring it.`);
    const outside = sites.find((site) => !holdsRole(policy, person, qualifying, site));
    if (outside) {
      const name = policy.sites.find((s) => s.id === outside)?.name ?? outside;
      throw new AppError("FORBIDDEN", `You can authorise covert monitoring only at your own site, and ${target} is at ${name}.`);
    }
  }
  return qualifying[0]!;
}

/** Moment a review date begins, in the organisation's zone. */
export function reviewDayStart(policy: Policy, row: Pick<CovertAuthorisation, "reviewOn">): Date {
  return startOfDayIn(row.reviewOn, policy.organisation.timeZone);
}

/** A date typed for covert monitoring (a start or review date), or INVALID_INPUT naming the field. */
export function readCovertDate(text: string, field: string, what: string): Date {
  const date = parseCalendarDate(text);
  if (!date) throw new AppError("INVALID_INPUT", `Give the ${what} as a date like 2026-12-22.`, field);
  return date;
}

/** Whether this person may see covert monitoring records at all: the DPO, or someone who may authorise monitoring. */
export function maySeeCovert(policy: Policy, person: Person): boolean {
  return isDpo(policy, person) || person.roles.some((r) => policy.covertMonitoring.authoriserRoles.includes(r));
}
