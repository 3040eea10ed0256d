/**
 * Who a Teams user is. Teams identifies people by their Entra (AAD) object
 * id; their e-mail / UPN comes from the conversation's member record
 * (TeamsInfo.getMember: GET /v3/conversations/{id}/members/{userId}), which
 * the core maps to a policy person (`linkChatIdentity`), remembering the
 * personal chat's conversation reference so the outbox can reach them.
 * Look-ups are cached for a while (every click needs one), but an activity
 * whose address differs from the one stored (a new serviceUrl) is linked
 * again at once, so the outbox writes to where Teams now says.
 */
import type { CoreContext } from "../../core/context.ts";
import { AppError, isAppError } from "../../core/errors.ts";
import { linkChatIdentity } from "../../core/identity/link-chat-identity.ts";
import { dpoNames } from "../../core/policy/access.ts";
import type { Person } from "../../core/policy/schema.ts";
import type { CardActionActivity, InstallActivity, MessageActivity } from "./activities.ts";
import { addressOf } from "./address.ts";
import { PLATFORM } from "./ids.ts";

/** What Teams says about a member of a conversation. */
export interface MemberRecord {
  email?: string;
  userPrincipalName?: string;
}

/** Fetches a member record; given per activity, since it talks to that activity's service URL. */
export type MemberLookup = (conversationId: string, userId: string) => Promise<MemberRecord>;

interface Cached<T> {
  value: T;
  until: number;
  /** For a link: the address it stored (JSON), so a changed one (a new serviceUrl) is stored at once. */
  address?: string;
}

export class TeamsDirectory {
  private readonly members = new Map<string, Cached<MemberRecord>>();
  private readonly linked = new Map<string, Cached<Person>>();

  constructor(
    private readonly ctx: CoreContext,
    /** How long a member record and a link are trusted. People rarely change their e-mail. */
    private readonly ttlMs = 15 * 60_000,
  ) {}

  /**
   * The policy person behind an activity's sender, linking their identity and
   * (for personal chats) their conversation reference. Throws the core's
   * NOT_SET_UP, naming the DPO, for someone not in the policy.
   */
  async personFor(activity: MessageActivity | CardActionActivity | InstallActivity, lookup: MemberLookup): Promise<Person> {
    const userKey = activity.from.aadObjectId ?? activity.from.id;
    const linkKey = `${userKey}\n${activity.conversation.id}`;
    const hit = this.linked.get(linkKey);
    // The person is trusted for a while, their address never: Teams may move a
    // conversation to another serviceUrl at any time, and the next notice must go there.
    if (hit && hit.until > Date.now() && hit.address === JSON.stringify(addressOf(activity, hit.value.email))) return hit.value;

    const member = await this.memberOf(activity, lookup);
    const candidates = [...new Set([member.email, member.userPrincipalName].filter((e): e is string => !!e).map((e) => e.trim().toLowerCase()))];
    if (candidates.length === 0) {
      throw new AppError("NOT_SET_UP", `Callgate cannot see an e-mail address for you in Teams, so it cannot tell who you are. Ask ${dpoNames(this.ctx.policy)} to set you up.`);
    }
    let lastError: unknown;
    for (const email of candidates) {
      try {
        const address = addressOf(activity, email);
        const person = await linkChatIdentity(this.ctx, { platform: PLATFORM, platformUserId: userKey, email, ...(address ? { address } : {}) });
        this.linked.set(linkKey, { value: person, until: Date.now() + this.ttlMs, address: JSON.stringify(addressOf(activity, person.email)) });
        return person;
      } catch (error) {
        // The UPN is tried when the e-mail is not in the policy, and vice versa.
        if (!isAppError(error) || error.code !== "NOT_SET_UP") throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  private async memberOf(activity: MessageActivity | CardActionActivity | InstallActivity, lookup: MemberLookup): Promise<MemberRecord> {
    const key = activity.from.aadObjectId ?? activity.from.id;
    const hit = this.members.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    let member: MemberRecord;
    try {
      member = await lookup(activity.conversation.id, activity.from.id);
    } catch (error) {
      // The connector does not know this sender in this conversation: nobody to be, which is not our failure.
      if (httpStatusOf(error) === 404) {
        throw new AppError("NOT_SET_UP", `You are not set up in Callgate yet: Teams does not list you in this conversation, so Callgate cannot tell who you are. Ask ${dpoNames(this.ctx.policy)} to set you up.`, undefined, { cause: error });
      }
      throw error;
    }
    const record: MemberRecord = { ...(member.email ? { email: member.email } : {}), ...(member.userPrincipalName ? { userPrincipalName: member.userPrincipalName } : {}) };
    this.members.set(key, { value: record, until: Date.now() + this.ttlMs });
    return record;
  }
}

/** The HTTP status of a failed connector call (the SDK's client throws axios errors), if it has one. */
function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { response?: { status?: unknown } } | null)?.response?.status;
  return typeof status === "number" ? status : undefined;
}
