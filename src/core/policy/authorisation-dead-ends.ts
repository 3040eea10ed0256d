/**
 * Requests a policy lets people make that nobody could ever authorise, for
 * some calls only (LIFE §2: "only be listened to if the CEO …, or the relevant
 * Academy Principal/Head of Setting, determines it to be necessary": when the
 * CEO asks about a call the principal took part in, neither may authorise).
 * Nobody authorises their own request, one about themselves, or a call they
 * took part in (access.ts conflictedPeople), so one person on the call can
 * leave a purpose's approvals unfillable. `policy check` warns of each
 * (review-policy.ts); submit refuses such a request naming who could not
 * authorise and why (submit-request.ts).
 */
import { authorisersFor, filledSlots, mayRequest, peopleWithRoles } from "./access.ts";
import type { Person, Policy, Purpose } from "./schema.ts";

/** One structural dead end: requests for `purpose` about a call `party` took part in (or that concerns them). */
export interface AuthorisationDeadEnd {
  purpose: Purpose;
  /** Whose request: one person who may also authorise, or null for anyone's. */
  requester: Person | null;
  /** The authoriser on the call (or whom the request concerns). */
  party: Person;
  /** The sites where it happens; every site when the list has them all. */
  siteNames: string[];
}

export function authorisationDeadEnds(policy: Policy): AuthorisationDeadEnd[] {
  const found = new Map<string, AuthorisationDeadEnd>();
  const add = (purpose: Purpose, requester: Person | null, party: Person, siteName: string) => {
    const key = `${purpose.id}\u0000${requester?.email ?? ""}\u0000${party.email}`;
    const entry = found.get(key) ?? { purpose, requester, party, siteNames: [] };
    entry.siteNames.push(siteName);
    found.set(key, entry);
  };
  for (const purpose of policy.purposes) {
    if (purpose.authorisation === "requester") continue;
    const needed = purpose.approvals.length;
    const requesters = peopleWithRoles(policy, purpose.requestableBy ?? policy.requesting.roles);
    for (const site of policy.sites) {
      const authorisers = authorisersFor(policy, purpose, site.id);
      if (filledSlots(policy, purpose.approvals, authorisers, site.id) < needed) continue; // a contradiction, reported on its own
      const without = (...emails: string[]) => authorisers.filter((p) => !emails.includes(p.email));
      const anyone = new Set<string>();
      for (const party of authorisers) {
        if (filledSlots(policy, purpose.approvals, without(party.email), site.id) < needed) {
          anyone.add(party.email);
          add(purpose, null, party, site.name);
        }
      }
      for (const requester of requesters) {
        if (!authorisers.some((p) => p.email === requester.email) || !mayRequest(policy, requester, purpose, site.id)) continue;
        if (filledSlots(policy, purpose.approvals, without(requester.email), site.id) < needed) continue; // already warned: they alone could authorise
        for (const party of authorisers) {
          if (party.email === requester.email || anyone.has(party.email)) continue;
          if (filledSlots(policy, purpose.approvals, without(requester.email, party.email), site.id) < needed) add(purpose, requester, party, site.name);
        }
      }
    }
  }
  return [...found.values()];
}

/**
 * The warnings `policy check` prints: one for each group of purposes whose
 * dead ends are the same cases (the demo's safeguarding, complaint and
 * training requests share theirs), so a policy's warnings stay short.
 */
export function describeDeadEnds(policy: Policy, ends: readonly AuthorisationDeadEnd[]): string[] {
  const groups = new Map<string, Purpose[]>();
  for (const purpose of policy.purposes) {
    const mine = ends.filter((e) => e.purpose.id === purpose.id);
    if (mine.length === 0) continue;
    const cases = deadEndCases(policy, purpose, mine);
    groups.set(cases, [...(groups.get(cases) ?? []), purpose]);
  }
  return [...groups].map(([cases, purposes]) => {
    const labels = purposes.map((p) => `"${p.label}"`);
    const named = labels.length === 1 ? labels[0]! : `${labels.slice(0, -1).join(", ")} and ${labels.at(-1)!}`;
    return `${named} can never be authorised for ${cases}: nobody authorises their own request, one about themselves or a call they took part in, and nobody else can give the approvals it needs. Such a request is refused when it is made, saying the Data Protection Officer must be asked.`;
  });
}

function deadEndCases(policy: Policy, purpose: Purpose, ends: readonly AuthorisationDeadEnd[]): string {
  const concerns = purpose.concernsStaffMember !== "none";
  return ends
    .map((end) => {
      const where = end.siteNames.length === policy.sites.length ? "" : ` (calls at ${end.siteNames.join(", ")})`;
      const about = `a call ${end.party.name} took part in${concerns ? `, or that concerns ${end.party.name}` : ""}`;
      return end.requester ? `${end.requester.name} asking about ${about}${where}` : `anyone asking about ${about}${where}`;
    })
    .join("; for ");
}
