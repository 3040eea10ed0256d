/**
 * `npm run package:teams`: writes the Teams app package (manifest.json plus
 * its two icons, zipped) that an administrator uploads to Teams. The
 * manifest's placeholders are filled from configuration: the bot's Entra
 * app id (CLIENT_ID), the Teams app id (TEAMS_APP_ID, default CLIENT_ID)
 * and the public URL (PUBLIC_URL). The command menu is written from the
 * handlers the code registers, so the two cannot drift. The icons are drawn
 * here, so no binary needs hand-editing: a 192×192 colour icon and a 32×32
 * white outline on transparent, as Teams requires.
 *
 *   npx tsx scripts/package-teams.ts [--out dist/teams/callgate-teams.zip] [--icons]
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { zipSync } from "fflate";
import { PNG } from "pngjs";
import { COMMAND_HANDLERS } from "../src/adapters/teams/handlers/index.ts";
import { loadConfig } from "../src/infra/config.ts";

export interface PackageValues {
  /** The Teams app's own id (a GUID). */
  teamsAppId: string;
  /** The bot's Entra application (client) id. */
  botId: string;
  /** e.g. https://callgate.example.org */
  publicUrl: string;
}

const TEMPLATE = new URL("../manifests/teams/manifest.json", import.meta.url);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The manifest with its placeholders filled and the command menu taken from the handlers. */
export function buildManifest(values: PackageValues): Record<string, unknown> {
  for (const [name, id] of [["TEAMS_APP_ID", values.teamsAppId], ["CLIENT_ID", values.botId]] as const) {
    if (!GUID.test(id)) throw new Error(`${name} must be a GUID to build the Teams package (got ${JSON.stringify(id)})`);
  }
  const url = new URL(values.publicUrl);
  if (url.protocol !== "https:") throw new Error(`PUBLIC_URL must be https for Teams (got ${values.publicUrl})`);
  const publicUrl = values.publicUrl.replace(/\/+$/, "");
  const filled = readFileSync(TEMPLATE, "utf8")
    .replaceAll("{{TEAMS_APP_ID}}", values.teamsAppId)
    .replaceAll("{{BOT_ID}}", values.botId)
    .replaceAll("{{PUBLIC_URL}}", publicUrl)
    .replaceAll("{{PUBLIC_HOST}}", url.host);
  const manifest = JSON.parse(filled) as { bots: Array<{ commandLists: Array<{ commands: unknown[] }> }> };
  manifest.bots[0]!.commandLists[0]!.commands = commandMenu();
  return manifest as unknown as Record<string, unknown>;
}

/** The bot's command menu: every command the adapter handles (Teams allows ten, titles up to 32 characters). */
export function commandMenu(): Array<{ title: string; description: string }> {
  return COMMAND_HANDLERS.map((h) => ({ title: h.command, description: h.description }));
}

/** The zip Teams accepts: manifest.json and the icons at its root. */
export function buildPackage(values: PackageValues): Uint8Array {
  const manifest = buildManifest(values);
  return zipSync({
    "manifest.json": new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
    "color.png": colorIcon(),
    "outline.png": outlineIcon(),
  });
}

/** 192×192: a white gate (ring and bar) on Callgate's teal, full bleed as Teams asks. */
export function colorIcon(): Uint8Array {
  return draw(192, (x, y) => {
    const inside = ring(x, y, 96, 96, 58, 14) || bar(x, y, 96, 96, 14, 62);
    return inside ? [255, 255, 255, 255] : [0x0f, 0x6a, 0x73, 255];
  });
}

/** 32×32: the same gate in white on a transparent background. */
export function outlineIcon(): Uint8Array {
  return draw(32, (x, y) => (ring(x, y, 16, 16, 11, 2.5) || bar(x, y, 16, 16, 2.5, 11) ? [255, 255, 255, 255] : [0, 0, 0, 0]));
}

function ring(x: number, y: number, cx: number, cy: number, radius: number, width: number): boolean {
  const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
  return d <= radius && d >= radius - width;
}

function bar(x: number, y: number, cx: number, cy: number, halfWidth: number, halfHeight: number): boolean {
  return Math.abs(x + 0.5 - cx) <= halfWidth / 2 && Math.abs(y + 0.5 - cy) <= halfHeight;
}

function draw(size: number, pixel: (x: number, y: number) => [number, number, number, number]): Uint8Array {
  const png = new PNG({ width: size, height: size, colorType: 6 });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const [r, g, b, a] = pixel(x, y);
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = a;
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outAt = args.indexOf("--out");
  const out = resolve(outAt >= 0 && args[outAt + 1] ? args[outAt + 1]! : "dist/teams/callgate-teams.zip");
  const config = loadConfig();
  if (config.teams.mode !== "authenticated") {
    console.error("Set CLIENT_ID, CLIENT_SECRET and TENANT_ID (the bot's Entra app registration) and PUBLIC_URL before packaging the Teams app.");
    process.exit(2);
  }
  const teamsAppId = process.env.TEAMS_APP_ID?.trim() || config.teams.clientId;
  const zip = buildPackage({ teamsAppId, botId: config.teams.clientId, publicUrl: config.publicUrl });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, zip);
  if (args.includes("--icons")) {
    writeFileSync(new URL("../manifests/teams/color.png", import.meta.url), colorIcon());
    writeFileSync(new URL("../manifests/teams/outline.png", import.meta.url), outlineIcon());
  }
  console.log(`Wrote ${out} (${zip.length} bytes). Upload it in Teams: Apps → Manage your apps → Upload an app.`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
