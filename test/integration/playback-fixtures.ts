/**
 * Shared by the playback tests: a core on a fresh database whose clock reads
 * real time (Azurite checks links against the real clock), a fresh container
 * on a real Azurite, the one HTTP server with the playback pages mounted, and
 * grants obtained the way a requester obtains them (submit, approve, deliver).
 */
import { randomBytes } from "node:crypto";
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";
import { formatDateTime, zonedInstant } from "../../src/core/format.ts";
import { maskPhoneNumber } from "../../src/core/phone.ts";
import { submitRequest } from "../../src/core/requests/submit-request.ts";
import { recordDecision } from "../../src/core/requests/record-decision.ts";
import { AzureRecordingStore } from "../../src/infra/blob/azure-recording-store.ts";
import type { RunningAzurite } from "../../src/infra/blob/azurite.ts";
import { demoBeeps } from "../../src/infra/demo/synthetic-audio.ts";
import { mountPlayback, type MountPlaybackOptions } from "../../src/infra/http/playback/index.ts";
import { createHttpServer, type RunningServer } from "../../src/infra/http/server.ts";
import { createLogger } from "../../src/infra/logger.ts";
import { addRecording, testCore, type TestCore } from "../support/core.ts";
import type { DatabaseKind } from "../support/databases.ts";
import { P } from "../support/test-policy.ts";

export interface PlaybackFixture {
  t: TestCore;
  store: AzureRecordingStore;
  server: RunningServer;
  /** The server's base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Every log line written so far, as raw JSON text. */
  logs(): string;
  close(): Promise<void>;
}

export interface GrantedPlayback {
  token: string;
  grantId: string;
  requestId: string;
  reference: string;
  blobName: string;
  /** The WAV uploaded for the call. */
  audio: Buffer;
  callStartedAt: Date;
  maskedNumber: string;
}

export async function startPlayback(
  kind: DatabaseKind,
  azurite: RunningAzurite,
  options: Pick<MountPlaybackOptions, "rateLimit" | "maxAudioChunkBytes" | "secureCookies" | "signIn"> & { trustProxy?: boolean; poolSize?: number } = {},
): Promise<PlaybackFixture> {
  const t = await testCore(kind, { poolSize: options.poolSize });
  t.clock.set(new Date());
  const store = AzureRecordingStore.fromConnectionString(azurite.connectionString, { containerName: `play-${randomBytes(4).toString("hex")}` });
  await store.ensureContainer();
  t.ctx.recordings = store;
  const lines: string[] = [];
  const logger = createLogger({ level: "info", destination: { write: (line: string) => void lines.push(line) } });
  const http = createHttpServer({ logger, trustProxy: options.trustProxy ?? false });
  mountPlayback({ http, ctx: t.ctx, logger, rateLimit: options.rateLimit, maxAudioChunkBytes: options.maxAudioChunkBytes, secureCookies: options.secureCookies, signIn: options.signIn });
  const server = await http.listen(0, "127.0.0.1");
  return {
    t,
    store,
    server,
    url: server.url,
    logs: () => lines.join(""),
    async close() {
      await server.close();
      await t.close();
    },
  };
}

let calls = 0;

/** A recording with audio, requested by P.requester and approved by P.northHead; returns the link's token from the requester's DM. */
export async function grantPlayback(f: PlaybackFixture): Promise<GrantedPlayback> {
  const { t, store } = f;
  const n = ++calls;
  const tz = t.ctx.policy.organisation.timeZone;
  // Yesterday afternoon, organisation time: recent, inside retention, not in the future.
  const date = format(new TZDate(t.clock.now().getTime() - 86_400_000, tz), "yyyy-MM-dd");
  const callStartedAt = zonedInstant(date, "14:35", tz);
  // A number of its own, so each request matches exactly one call and is fulfilled automatically.
  const national = `020 7946 ${String(n % 10_000).padStart(4, "0")}`;
  const e164 = `+44${national.replace(/\s/g, "").slice(1)}`;
  const recording = await addRecording(t.ctx, { startedAt: callStartedAt, number: e164 });
  const audio = demoBeeps(n);
  await store.upload(recording.blobName!, audio, { contentType: "audio/wav" });
  const request = await submitRequest(t.ctx, {
    requesterEmail: P.requester,
    purposeId: "safeguarding",
    date,
    time: "14:30",
    windowMinutes: 30,
    direction: "inbound",
    number: national,
    reason: "Parent reported an abusive call to the office",
  });
  const decided = await recordDecision(t.ctx, { requestId: request.id, deciderEmail: P.northHead, outcome: "approve" });
  if (decided.status !== "FULFILLED") throw new Error(`expected the request to be fulfilled, got ${decided.status}`);
  await t.deliver();
  const notice = t.channel.to(P.requester, "access-granted").find((x) => "request" in x && x.request?.id === request.id);
  if (notice?.kind !== "access-granted") throw new Error("no playback link was delivered");
  const token = notice.playbackUrl.split("/play/")[1]!;
  const grant = await t.ctx.db.playbackGrant.findFirstOrThrow({ where: { requestId: request.id } });
  return {
    token,
    grantId: grant.id,
    requestId: request.id,
    reference: request.reference,
    blobName: recording.blobName!,
    audio,
    callStartedAt,
    maskedNumber: maskPhoneNumber(e164),
  };
}

/** The call's time as the page shows it. */
export const callAtText = (f: PlaybackFixture, g: GrantedPlayback) => formatDateTime(g.callStartedAt, f.t.ctx.policy.organisation.timeZone);

/** The `src` of the page's audio element, HTML entities undone (relative to the page). */
export function audioSrc(html: string): string {
  const match = /<audio[^>]*\ssrc="([^"]+)"/.exec(html);
  if (!match) throw new Error("the page has no audio element with a src");
  return match[1]!.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

/** A syntactically valid token that was never issued. */
export const unknownToken = () => randomBytes(32).toString("base64url");

/**
 * One browser's cookies, for plain-HTTP tests: keeps what servers set (by
 * host, name and path; attributes other than Path and Max-Age=0 ignored) and
 * sends it back. Redirects are followed by hand, so cookies set along the way
 * are kept, as a browser would.
 */
export class TestBrowser {
  private readonly cookies = new Map<string, { value: string; path: string; host: string }>();

  async fetch(url: string | URL, init: RequestInit & { follow?: boolean } = {}): Promise<Response> {
    let target = new URL(url);
    for (let hops = 0; ; hops++) {
      const headers = new Headers(init.headers);
      const cookie = [...this.cookies.entries()]
        .filter(([, c]) => c.host === target.host && target.pathname.startsWith(c.path))
        .map(([key, c]) => `${key.split("|")[1]}=${c.value}`)
        .join("; ");
      if (cookie) headers.set("cookie", cookie);
      const res = await fetch(target, { ...init, headers, redirect: "manual" });
      for (const line of res.headers.getSetCookie()) this.keep(target, line);
      const location = res.headers.get("location");
      if (!init.follow || res.status < 300 || res.status >= 400 || !location || hops > 20) return res;
      await res.arrayBuffer();
      target = new URL(location, target);
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && init.method === "POST")) init = { ...init, method: "GET", body: undefined };
    }
  }

  /** The value of a cookie this browser holds for `host` (any path), if any. */
  cookie(name: string, host: string): string | undefined {
    return [...this.cookies.entries()].find(([key, c]) => key.split("|")[1] === name && c.host === host)?.[1].value;
  }

  private keep(from: URL, line: string): void {
    const [pair = "", ...attributes] = line.split(";").map((p) => p.trim());
    const at = pair.indexOf("=");
    const name = pair.slice(0, at);
    const path = attributes.find((a) => /^path=/i.test(a))?.slice(5) || "/";
    const key = `${from.host}|${name}|${path}`;
    if (attributes.some((a) => /^max-age=0$/i.test(a)) || /^expires=Thu, 01 Jan 1970/i.test(attributes.find((a) => /^expires=/i.test(a)) ?? "")) this.cookies.delete(key);
    else this.cookies.set(key, { value: pair.slice(at + 1), path, host: from.host });
  }
}

/** The page's audio URL, absolute: open the page at `pageUrl` in `browser`, read its player's `src`. */
export async function audioUrlOf(browser: TestBrowser, pageUrl: string, init?: RequestInit): Promise<string> {
  const res = await browser.fetch(pageUrl, init);
  if (res.status !== 200) throw new Error(`expected the page to open, got ${res.status}`);
  return new URL(audioSrc(await res.text()), pageUrl).toString();
}
