/**
 * The contract every chat platform's ChatChannel keeps, whatever the
 * platform: written once, run for Slack now and for Teams later. A platform
 * supplies a harness: the channel under test, addresses of two people, a way
 * to read back what a person sees in their direct messages, and a way to make
 * the platform fail once.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Notice } from "../../src/core/notify/notices.ts";
import type { ChatAddress, ChatChannel } from "../../src/core/ports/chat.ts";
import { built, everyNotice, everyNoticeWithActions, requestView } from "./notice-fixtures.ts";

/** One message as its recipient sees it. */
export interface SeenMessage {
  messageId: string;
  /** All visible text, including headings, fields and link targets, flattened. */
  text: string;
  /** Labels of the controls the person can use, e.g. ["Approve", "Deny"]. */
  controls: string[];
  /**
   * The actions offered on the message itself, in the words of the parity
   * table (everyNoticeWithActions): the buttons and menus shown, not the
   * submit buttons inside a panel one of them opens.
   */
  actions: string[];
}

export interface ChatChannelHarness {
  channel: ChatChannel;
  addressOf(person: "alice" | "bob"): ChatAddress;
  /** What the person sees in their direct messages with the bot, oldest first. */
  seen(person: "alice" | "bob"): Promise<SeenMessage[]>;
  /** Every conversation the bot has written in, and whether it is one-to-one with a person. */
  conversations(): Promise<Array<{ id: string; oneToOne: boolean }>>;
  /** The platform's next API call fails with a server error. */
  failNextCall(): void;
  /** Breaches of the platform's own rules (limits, structure) the harness noticed. */
  violations(): unknown[];
  close(): Promise<void>;
}

export function chatChannelContract(platform: string, makeHarness: () => Promise<ChatChannelHarness>): void {
  describe(`ChatChannel contract: ${platform}`, () => {
    let h: ChatChannelHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      expect(h.violations()).toEqual([]);
      await h.close();
    });

    it("delivers every kind of notice as a direct message the person can read", async () => {
      const notices = everyNotice();
      for (const notice of notices) await h.channel.send(h.addressOf("alice"), notice);
      const seen = await h.seen("alice");
      expect(seen).toHaveLength(notices.length);
      notices.forEach((notice, i) => {
        if ("request" in notice && notice.request) expect(seen[i]!.text).toContain(notice.request.reference);
        expect(seen[i]!.text.length).toBeGreaterThan(20);
      });
      expect(await h.seen("bob")).toEqual([]);
    });

    it("offers the same actions as every other platform, for every kind of notice", async () => {
      const table = everyNoticeWithActions();
      for (const { notice } of table) await h.channel.send(h.addressOf("alice"), notice);
      const seen = await h.seen("alice");
      expect(seen).toHaveLength(table.length);
      table.forEach(({ notice, actions }, i) => expect(seen[i]!.actions, `${notice.kind} #${i}`).toEqual(actions));
      // Every kind of notice is in the table, so a new kind cannot skip parity.
      const kinds: Record<Notice["kind"], true> = {
        "request-submitted": true, "approval-needed": true, "approval-reminder": true, "request-outcome": true, "consent-needed": true, "fulfilment-needed": true, "access-granted": true,
        "call-log-ready": true, "playback-browser-pending": true, "access-ended": true, "extension-needed": true, "extension-outcome": true, "delivery-failed": true, "compliance-notice": true, "file-ready": true,
      };
      expect(new Set(table.map((t) => t.notice.kind))).toEqual(new Set(Object.keys(kinds)));
    });

    it("returns a handle that updates the same message in place", async () => {
      const pending = requestView();
      const sent = await h.channel.send(h.addressOf("alice"), built({ kind: "approval-needed", request: pending }));
      const before = await h.seen("alice");
      expect(before[0]!.controls).toEqual(expect.arrayContaining([expect.stringMatching(/approve/i), expect.stringMatching(/deny/i)]));

      const decided = { ...pending, status: "DENIED" as const, statusText: "Denied", isOpen: false, decisions: [{ name: "Amara Okafor", email: "amara@trust.example", outcome: "DENIED" as const, reason: "Use the complaints procedure", note: null, atText: "Fri 20 Nov 2026, 12:00" }] };
      await h.channel.update(sent, built({ kind: "approval-needed", request: decided }), h.addressOf("alice"));
      const after = await h.seen("alice");
      expect(after).toHaveLength(1);
      expect(after[0]!.messageId).toBe(before[0]!.messageId);
      expect(after[0]!.controls).toEqual([]);
      expect(after[0]!.text).toContain("Amara Okafor");
      expect(after[0]!.text).toContain("Fri 20 Nov 2026, 12:00");
    });

    it("offers the fulfiller each candidate call and a way to say none matches", async () => {
      const notice = everyNotice().find((n): n is Extract<Notice, { kind: "fulfilment-needed" }> => n.kind === "fulfilment-needed" && n.candidates.length > 0)!;
      await h.channel.send(h.addressOf("bob"), notice);
      const [seen] = await h.seen("bob");
      expect(seen!.controls).toEqual(expect.arrayContaining([expect.stringMatching(/none of these/i)]));
      expect(seen!.controls.length).toBeGreaterThan(1);
    });

    it("gives the requester the playback link and when it expires", async () => {
      const notice = everyNotice().find((n) => n.kind === "access-granted")!;
      await h.channel.send(h.addressOf("alice"), notice);
      const [seen] = await h.seen("alice");
      expect(seen!.text).toContain("https://callgate.test/play/");
      expect(seen!.text).toContain("Fri 27 Nov 2026, 12:00");
    });

    it("asks the requester to allow another browser, with one button and no playback link", async () => {
      const notice = everyNotice().find((n) => n.kind === "playback-browser-pending")!;
      await h.channel.send(h.addressOf("alice"), notice);
      const [seen] = await h.seen("alice");
      expect(seen!.text).toContain("Chrome on Windows");
      expect(seen!.text).toContain("Fri 20 Nov 2026, 12:05");
      expect(seen!.text).not.toContain("/play/");
      expect(seen!.controls).toEqual(["Allow this browser"]);
    });

    it("only ever writes in one-to-one conversations", async () => {
      for (const notice of everyNotice()) await h.channel.send(h.addressOf(notice.kind === "access-granted" ? "alice" : "bob"), notice);
      const conversations = await h.conversations();
      expect(conversations.length).toBeGreaterThan(0);
      for (const c of conversations) expect(c.oneToOne, c.id).toBe(true);
    });

    it("throws when the platform fails, so the outbox can retry", async () => {
      h.failNextCall();
      await expect(h.channel.send(h.addressOf("alice"), built({ kind: "approval-needed", request: requestView() }))).rejects.toThrow();
      await h.channel.send(h.addressOf("alice"), built({ kind: "approval-needed", request: requestView() }));
      expect(await h.seen("alice")).toHaveLength(1);
    });
  });
}
