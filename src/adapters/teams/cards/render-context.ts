/**
 * What card renderers need beyond a notice: the organisation's name, people's
 * names and the few dates the core hands over as Date, formatted the UK way
 * in the organisation's time zone. Built once from the policy; renderers
 * never see the policy itself, so they cannot decide anything.
 */
import { formatDateTime } from "../../../core/format.ts";
import { findPerson } from "../../../core/policy/access.ts";
import type { Policy } from "../../../core/policy/schema.ts";

export interface RenderContext {
  organisation: string;
  nameOf(email: string): string;
  /** "Fri 27 Nov 2026, 12:00" in the organisation's time zone. */
  dateTime(at: Date): string;
}

/** Who is looking at a card: an authoriser who has decided sees their decision, not the buttons. */
export interface Viewer {
  email?: string;
  /** The viewer's Teams user id, for the card's refresh userIds. */
  userId?: string;
}

export function renderContextFor(policy: Policy): RenderContext {
  return {
    organisation: policy.organisation.name,
    nameOf: (email) => findPerson(policy, email)?.name ?? email,
    dateTime: (at) => formatDateTime(at, policy.organisation.timeZone),
  };
}
