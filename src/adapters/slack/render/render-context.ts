/**
 * What renderers need beyond a notice: the organisation's time zone (for the
 * few dates the core hands over as Date) and people's names. Built once from
 * the policy; renderers never see the policy itself, so they cannot decide.
 */
import { formatDateTime } from "../../../core/format.ts";
import { findPerson } from "../../../core/policy/access.ts";
import type { Policy } from "../../../core/policy/schema.ts";

export interface RenderContext {
  /** The organisation's name, for the App Home and help text. */
  organisation: string;
  /** A policy person's display name, or the e-mail itself for someone unknown. */
  nameOf(email: string): string;
  /** "Sat 21 Nov 2026, 14:30" in the organisation's time zone. */
  dateTime(at: Date): string;
}

export function renderContextFor(policy: Policy): RenderContext {
  const timeZone = policy.organisation.timeZone;
  return {
    organisation: policy.organisation.name,
    nameOf: (email) => findPerson(policy, email)?.name ?? email,
    dateTime: (at) => formatDateTime(at, timeZone),
  };
}
