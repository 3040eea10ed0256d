/**
 * Someone came back from signing in with the organisation's identity provider
 * (OpenID Connect) to play a link. The HTTP layer has checked the protocol
 * (state, nonce, PKCE, the ID token's signature); the core decides: the
 * requester's own e-mail binds the browser that signed in, so the link plays
 * there from now on; anyone else is refused, audited and reported to the DPO.
 */
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { formatDateTime } from "../format.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { findPerson, peopleWithRoles } from "../policy/access.ts";
import { browserHashOf, describeBrowser } from "./playback-browser.ts";
import { auditGrantEvent, lookUpGrant, type PlaybackEnded, type PlaybackUnknown } from "./playback-grant.ts";

export interface CompletePlaybackSignInInput {
  token: string;
  /** The secret the browser was given when it was sent to sign in. */
  browserSecret: string;
  /** The e-mail the identity provider vouched for; null if it gave none (or said it is unverified). */
  email: string | null;
  clientIp: string | null;
  userAgent: string | null;
}

export type CompletePlaybackSignInResult =
  | { outcome: "allowed" }
  | { outcome: "refused"; code: "WRONG_PERSON" | "NO_EMAIL"; organisationName: string; signedInAs: string | null }
  | PlaybackEnded
  | PlaybackUnknown;

export async function completePlaybackSignIn(ctx: CoreContext, input: CompletePlaybackSignInInput): Promise<CompletePlaybackSignInResult> {
  const lookup = await lookUpGrant(ctx, input.token);
  if (!lookup.found) return lookup.unknown;
  if (lookup.ended) return lookup.ended;
  const grant = lookup.grant;
  const hash = browserHashOf(input.browserSecret);
  if (!hash) throw new Error("a sign-in must carry the browser secret Callgate gave it");
  const now = ctx.clock.now();
  const email = input.email?.trim().toLowerCase() ?? null;
  const details = { clientIp: input.clientIp ?? "unknown", userAgent: (input.userAgent ?? "").slice(0, 300), browser: describeBrowser(input.userAgent) };

  if (email && email === grant.requesterEmail.toLowerCase()) {
    await transact(ctx, async (tx) => {
      await tx.$executeRaw`
        UPDATE "PlaybackGrant" SET "browserHashes" = array_append("browserHashes", ${hash})
        WHERE id = ${grant.id}::uuid AND NOT (${hash} = ANY("browserHashes"))`;
      await auditGrantEvent(tx, grant, { at: now, action: "playback.signed-in", details });
    });
    return { outcome: "allowed" };
  }

  const code = email ? "WRONG_PERSON" : "NO_EMAIL";
  const requesterName = findPerson(ctx.policy, grant.requesterEmail)?.name ?? grant.requesterEmail;
  const seenAtText = formatDateTime(now, ctx.policy.organisation.timeZone);
  await transact(ctx, async (tx) => {
    await auditGrantEvent(tx, grant, { at: now, action: "playback.refused", details: { code, signedInAs: email ?? "(no e-mail)", ...details } });
    const dpos = peopleWithRoles(ctx.policy, ctx.policy.compliance.dpoRoles).map((p) => p.email);
    await enqueueNotices(
      tx,
      now,
      dpos.map((to) => ({
        to,
        kind: "compliance-notice" as const,
        requestId: grant.requestId,
        payload: {
          title: `Someone else tried to play the recording for ${grant.reference}`,
          lines: [
            `On ${seenAtText}, ${email ? `${email} signed in` : "someone signed in without an e-mail address"} to open ${requesterName}'s playback link (from ${details.browser}, address ${details.clientIp}). Nothing was played.`,
            "The link plays only for the person who asked for it. The refusal is in the audit log.",
          ],
        },
      })),
    );
  });
  return { outcome: "refused", code, organisationName: ctx.policy.organisation.name, signedInAs: email };
}
