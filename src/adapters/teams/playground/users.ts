/**
 * The Agents Playground's people, taken from the policy so its users are the
 * policy's people by e-mail and UPN. The Playground holds exactly six: the
 * current user (the one its web page speaks as) and five others. The current
 * user is the first person who may request and authorises nothing (a
 * requester's view is where the trial starts); the others follow in policy
 * order. Anyone beyond six is left out, and the outbox reports them to the
 * DPO as unreachable, as it would for someone without Teams.
 *
 * The Playground's page speaks only as its current user; to act as another
 * person in a browser, start a second Playground with that person current
 * (`currentUserEmail`), pointed at the same endpoint.
 */
import { authorisersFor, requestablePurposes } from "../../../core/policy/access.ts";
import type { Policy } from "../../../core/policy/schema.ts";
import type { PlaygroundUser } from "./start-playground.ts";

export const PLAYGROUND_OTHER_USERS = 5;

export function playgroundUsersFromPolicy(policy: Policy, options: { currentUserEmail?: string } = {}): PlaygroundUser[] {
  const authorisers = new Set(policy.purposes.flatMap((p) => policy.sites.length ? policy.sites.flatMap((s) => authorisersFor(policy, p, s.id)) : authorisersFor(policy, p)).map((p) => p.email));
  const requesters = policy.people.filter((p) => requestablePurposes(policy, p).length > 0);
  const current =
    policy.people.find((p) => p.email === options.currentUserEmail) ?? requesters.find((p) => !authorisers.has(p.email)) ?? requesters[0] ?? policy.people[0];
  if (!current) throw new Error("the policy names nobody to put in the Agents Playground");
  const others = policy.people.filter((p) => p !== current).slice(0, PLAYGROUND_OTHER_USERS);
  return [current, ...others].map((p) => {
    const [given = p.name, ...rest] = p.name.split(" ");
    // Ids follow the person's place in the policy, so every Playground started
    // from it (one per person, for a trial in several tabs) agrees on them.
    const n = policy.people.indexOf(p) + 1;
    return {
      id: `29:callgate-${String(n).padStart(2, "0")}`,
      aadObjectId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
      name: p.name,
      givenName: given,
      surname: rest.join(" ") || given,
      email: p.email,
      userPrincipalName: p.email,
    };
  });
}
