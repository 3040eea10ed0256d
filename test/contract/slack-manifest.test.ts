/**
 * The Slack app manifest and the code cannot drift: every slash command and
 * event the adapter registers is in the manifest (and nothing else), every
 * URL is the one endpoint the adapter mounts, the scopes are exactly the ones
 * the code declares, and every control a message or form can show has a
 * listener.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ACTIONS, BOT_SCOPES, EVENTS_PATH, VIEWS } from "../../src/adapters/slack/ids.ts";
import { LISTENERS } from "../../src/adapters/slack/listeners/index.ts";
import { renderConsoleReply } from "../../src/adapters/slack/render/console-reply.ts";
import { renderNotice } from "../../src/adapters/slack/render/notice.ts";
import { renderContextFor } from "../../src/adapters/slack/render/render-context.ts";
import { REASON_FORMS, reasonFormView } from "../../src/adapters/slack/render/reason-form.ts";
import { requestFormView } from "../../src/adapters/slack/render/request-form.ts";
import { dpoFormView } from "../../src/adapters/slack/render/dpo-form.ts";
import { DPO_FORMS } from "../../src/commands/index.ts";
import { testPolicy } from "../support/test-policy.ts";
import type { Notice } from "../../src/core/notify/notices.ts";
import { built, everyNotice, requestView } from "./notice-fixtures.ts";

interface Manifest {
  features: { app_home: { home_tab_enabled: boolean }; slash_commands: Array<{ command: string; url: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string } };
}

const manifest = parse(readFileSync(new URL("../../manifests/slack/manifest.yml", import.meta.url), "utf8")) as Manifest;
const registered = (kind: string) => LISTENERS.filter((l) => l.kind === kind).map((l) => l.id).sort();
const endpoint = `PUBLIC_URL${EVENTS_PATH}`;

/** Every action_id in a block tree. */
function actionIds(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => actionIds(n, into));
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (typeof o.action_id === "string" && o.type !== "plain_text_input" && o.type !== "datepicker" && o.type !== "timepicker" && o.type !== "users_select" && !(o.type === "static_select" && o.action_id === "value")) into.add(o.action_id);
    Object.values(o).forEach((v) => actionIds(v, into));
  }
  return into;
}

/** Slack-only states with controls of their own: a delivered recording (Revoke access), a request for more time. */
function moreNotices(): Notice[] {
  const done = requestView({ status: "FULFILLED" });
  const extension = { id: "20000000-0000-4000-8000-000000000001", status: "PENDING" as const, reason: "The meeting moved", requesterName: "Ben Hughes", askedAtText: "Fri 20 Nov 2026, 12:00", decidedByName: null, decidedAtText: null, decisionReason: null };
  return [built({ kind: "approval-needed", request: done }), built({ kind: "extension-needed", request: done, extension })];
}

describe("the Slack app manifest", () => {
  it("declares exactly the slash commands the adapter registers, on the one endpoint", () => {
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual(registered("command"));
    for (const c of manifest.features.slash_commands) expect(c.url).toBe(endpoint);
  });

  it("subscribes to exactly the events the adapter listens for, and has the Home tab it draws", () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(registered("event"));
    expect(manifest.settings.event_subscriptions.request_url).toBe(endpoint);
    expect(manifest.features.app_home.home_tab_enabled).toBe(registered("event").includes("app_home_opened"));
  });

  it("turns interactivity on, at the one endpoint, since the adapter listens for actions and forms", () => {
    expect(registered("action").length + registered("view").length).toBeGreaterThan(0);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: endpoint });
  });

  it("asks for exactly the scopes the code declares, and no more", () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
  });

  it("has a listener for every control a message or form can show, and every form's callback", () => {
    const rc = renderContextFor(testPolicy());
    const shown = new Set<string>();
    for (const notice of [...everyNotice(), ...moreNotices()]) actionIds(renderNotice(notice, rc).blocks, shown);
    const form = requestFormView({ purposes: [{ id: "p", label: "P", reasonPrompt: "Why?", needsConsent: true, requestTypes: ["recording"] }], sites: [], values: {} });
    actionIds(form.blocks, shown);
    actionIds(renderConsoleReply({ title: "Audit summary", blocks: [], actions: [{ label: "Export CSV", command: "audit export csv" }] }).blocks, shown);
    expect([...shown].sort()).toEqual(Object.values(ACTIONS).sort());
    expect(registered("action")).toEqual(Object.values(ACTIONS).sort());
    const reasonForms = Object.values(REASON_FORMS).map((f) => reasonFormView(f, { subjectId: "x" }).callback_id);
    const dpoForms = [...new Set([...DPO_FORMS.values()].map((f) => dpoFormView(f).callback_id))];
    expect([form.callback_id, ...reasonForms, ...dpoForms].sort()).toEqual(registered("view"));
    expect(registered("view")).toEqual(Object.values(VIEWS).sort());
  });
});
