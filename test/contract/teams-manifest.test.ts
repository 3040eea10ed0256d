/**
 * The Teams app package and the code cannot drift: the filled manifest is
 * valid against the official Teams manifest schema (from Microsoft's
 * @microsoft/app-manifest package, not written here), its command menu is
 * exactly the commands the adapter handles, every Action.Execute verb a card
 * can carry has its handler, and the icons are the sizes Teams requires.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { unzipSync } from "fflate";
import { PNG } from "pngjs";
import AjvModule from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { consoleReplyCard } from "../../src/adapters/teams/cards/console-reply.ts";
import { dpoFormCard } from "../../src/adapters/teams/cards/dpo-form.ts";
import { DPO_FORMS } from "../../src/commands/index.ts";
import { renderNotice } from "../../src/adapters/teams/cards/notice.ts";
import { renderContextFor } from "../../src/adapters/teams/cards/render-context.ts";
import { pendingCard } from "../../src/adapters/teams/cards/lists.ts";
import { requestFormCard } from "../../src/adapters/teams/cards/request-form.ts";
import { COMMAND_HANDLERS, VERB_HANDLERS } from "../../src/adapters/teams/handlers/index.ts";
import { COMMANDS, VERBS } from "../../src/adapters/teams/ids.ts";
import { buildManifest, buildPackage } from "../../scripts/package-teams.ts";
import { testPolicy } from "../support/test-policy.ts";
import { everyNotice, requestView } from "./notice-fixtures.ts";

const require = createRequire(import.meta.url);
// Both are CommonJS with a default export; under NodeNext the class sits on .default.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as typeof AjvModule.default;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule.default;
const VALUES = { teamsAppId: "11111111-2222-4333-8444-555555555555", botId: "66666666-7777-4888-9999-000000000000", publicUrl: "https://callgate.example.org" };

interface Manifest {
  $schema: string;
  manifestVersion: string;
  bots: Array<{ botId: string; scopes: string[]; commandLists: Array<{ scopes: string[]; commands: Array<{ title: string; description: string }> }> }>;
  validDomains: string[];
}

function officialSchema(version: string): object {
  const path = require.resolve(`@microsoft/app-manifest/build/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`);
  return JSON.parse(readFileSync(path, "utf8")) as object;
}

/** Every Action.Execute verb anywhere in a card, the refresh's included. */
function verbs(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => verbs(n, into));
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.type === "Action.Execute" && typeof o.verb === "string") into.add(o.verb);
    Object.values(o).forEach((v) => verbs(v, into));
  }
  return into;
}

describe("the Teams app manifest", () => {
  const manifest = buildManifest(VALUES) as unknown as Manifest;

  it("is valid against the official Teams manifest schema of its version", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(officialSchema(manifest.manifestVersion));
    expect(validate(manifest), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The schema really is checking: a manifest without its app id is refused.
    expect(validate({ ...manifest, id: "not-a-guid" })).toBe(false);
    expect(manifest.$schema).toContain(`/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);
    expect(Number(manifest.manifestVersion.split(".")[1])).toBeGreaterThanOrEqual(19);
  });

  it("leaves no placeholder unfilled and trusts only Callgate's own domain", () => {
    expect(JSON.stringify(manifest)).not.toMatch(/\{\{|\}\}/);
    expect(manifest.validDomains).toEqual(["callgate.example.org"]);
    expect(manifest.bots[0]!.botId).toBe(VALUES.botId);
  });

  it("has a personal-scope bot whose command menu is exactly the commands the adapter handles", () => {
    const bot = manifest.bots[0]!;
    expect(bot.scopes).toEqual(["personal"]);
    const menu = bot.commandLists.flatMap((l) => l.commands.map((c) => c.title)).sort();
    expect(menu).toEqual(COMMAND_HANDLERS.map((h) => h.command).sort());
    expect(menu).toEqual(Object.values(COMMANDS).sort());
    for (const c of bot.commandLists[0]!.commands) expect(c.title.length).toBeLessThanOrEqual(32);
  });

  it("has a handler for every verb a card can carry, and no handler for a verb no card carries", () => {
    const rc = renderContextFor(testPolicy());
    const shown = new Set<string>();
    for (const notice of everyNotice()) verbs(renderNotice(notice, rc, { email: "someone@trust.example", userId: "29:viewer" }), shown);
    verbs(requestFormCard({ purposes: [{ id: "p", label: "P", reasonPrompt: "Why?", needsConsent: true, requestTypes: ["recording"] }], sites: [], staff: [], values: {} }), shown);
    verbs(consoleReplyCard({ title: "DPO console", blocks: [], actions: [{ label: "Run", command: "help" }] }), shown);
    for (const form of DPO_FORMS.values()) verbs(dpoFormCard(form), shown);
    verbs(pendingCard({ toAuthorise: [requestView()], toConsent: [], toFulfil: [] }), shown);
    expect([...shown].sort()).toEqual(VERB_HANDLERS.map((h) => h.verb).sort());
    expect(VERB_HANDLERS.map((h) => h.verb).sort()).toEqual(Object.values(VERBS).sort());
  });

  it("packages the manifest with a 192×192 colour icon and a 32×32 transparent outline icon", () => {
    const files = unzipSync(buildPackage(VALUES));
    expect(Object.keys(files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    expect(JSON.parse(new TextDecoder().decode(files["manifest.json"]))).toEqual(manifest);
    const color = PNG.sync.read(Buffer.from(files["color.png"]!));
    const outline = PNG.sync.read(Buffer.from(files["outline.png"]!));
    expect([color.width, color.height]).toEqual([192, 192]);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    const alphas = new Set<number>();
    const colours = new Set<string>();
    for (let i = 0; i < outline.data.length; i += 4) {
      alphas.add(outline.data[i + 3]!);
      if (outline.data[i + 3]! > 0) colours.add(`${outline.data[i]},${outline.data[i + 1]},${outline.data[i + 2]}`);
    }
    expect(alphas.has(0)).toBe(true);
    expect([...colours]).toEqual(["255,255,255"]);
    // The committed icons are the ones the script draws.
    expect(Buffer.from(readFileSync(new URL("../../manifests/teams/color.png", import.meta.url)))).toEqual(Buffer.from(files["color.png"]!));
    expect(Buffer.from(readFileSync(new URL("../../manifests/teams/outline.png", import.meta.url)))).toEqual(Buffer.from(files["outline.png"]!));
  });

  it("refuses to package without GUIDs or an https public URL", () => {
    expect(() => buildManifest({ ...VALUES, botId: "not-a-guid" })).toThrow(/CLIENT_ID must be a GUID/);
    expect(() => buildManifest({ ...VALUES, publicUrl: "http://localhost:3978" })).toThrow(/https/);
  });
});
