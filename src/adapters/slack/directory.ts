/**
 * Who a Slack user is. Slack reports each user's e-mail (`users.info`, scope
 * users:read.email); the core maps that e-mail to a policy person and
 * remembers how to reach them (`linkChatIdentity`). E-mails are cached for a
 * while, because every click needs one and Slack rate-limits users.info.
 */
import type { CoreContext } from "../../core/context.ts";
import { AppError } from "../../core/errors.ts";
import { linkChatIdentity } from "../../core/identity/link-chat-identity.ts";
import { dpoNames } from "../../core/policy/access.ts";
import type { Person } from "../../core/policy/schema.ts";
import type { Logger } from "../../infra/logger.ts";
import { slackErrorCode, type WebClient } from "./web-client.ts";

export const PLATFORM = "slack";

/** How Callgate addresses a Slack user proactively: their user id is enough. */
export interface SlackAddress {
  userId: string;
}

interface Cached<T> {
  value: T;
  until: number;
}

export class SlackDirectory {
  private readonly emails = new Map<string, Cached<string>>();
  private readonly people = new Map<string, Cached<Person>>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly client: WebClient,
    private readonly logger: Logger,
    /** How long a looked-up e-mail is trusted. People rarely change theirs. */
    private readonly ttlMs = 15 * 60_000,
  ) {}

  /** The e-mail Slack reports for a user; throws NOT_SET_UP if Slack shares none. */
  async emailOf(userId: string): Promise<string> {
    const hit = this.emails.get(userId);
    if (hit && hit.until > Date.now()) return hit.value;
    let email: string | undefined;
    try {
      const result = await this.client.users.info({ user: userId });
      email = result.user?.profile?.email;
    } catch (error) {
      if (slackErrorCode(error) !== "user_not_found") throw error;
    }
    if (!email) {
      throw new AppError("NOT_SET_UP", `Callgate cannot see an e-mail address for you in Slack, so it cannot tell who you are. Ask ${dpoNames(this.ctx.policy)} to set you up.`);
    }
    this.emails.set(userId, { value: email.toLowerCase(), until: Date.now() + this.ttlMs });
    return email.toLowerCase();
  }

  /**
   * The policy person behind a Slack user, linking the identity so the outbox
   * can reach them. Throws the core's NOT_SET_UP for someone not in the policy.
   */
  async personFor(userId: string): Promise<Person> {
    const hit = this.people.get(userId);
    if (hit && hit.until > Date.now()) return hit.value;
    const email = await this.emailOf(userId);
    const address: SlackAddress = { userId };
    const person = await linkChatIdentity(this.ctx, { platform: PLATFORM, platformUserId: userId, email, address: { ...address } });
    this.people.set(userId, { value: person, until: Date.now() + this.ttlMs });
    return person;
  }

  /**
   * Links every policy person who has a Slack account (users.lookupByEmail),
   * so authorisers get their first DM without having to open Callgate first.
   * People not in Slack are skipped: they may use Teams.
   */
  async linkPolicyPeople(): Promise<{ linked: number; notInSlack: number }> {
    let linked = 0;
    let notInSlack = 0;
    for (const person of this.ctx.policy.people) {
      try {
        const result = await this.client.users.lookupByEmail({ email: person.email });
        const userId = result.user?.id;
        if (!userId) {
          notInSlack++;
          continue;
        }
        this.emails.set(userId, { value: person.email, until: Date.now() + this.ttlMs });
        await this.personFor(userId);
        linked++;
      } catch (error) {
        if (slackErrorCode(error) !== "users_not_found") throw error;
        notInSlack++;
      }
    }
    this.logger.info({ linked, notInSlack }, "linked policy people to their Slack accounts");
    return { linked, notInSlack };
  }
}
