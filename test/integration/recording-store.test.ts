/**
 * The Azure recording store against a real Azurite: what a playback link can
 * and cannot do, and how the container is listed.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.ts";
import { ManualClock } from "../../src/core/ports/clock.ts";
import { AzureRecordingStore } from "../../src/infra/blob/azure-recording-store.ts";
import { startAzurite, type RunningAzurite } from "../../src/infra/blob/azurite.ts";
import { exportCall, freshStore } from "./recordings-fixtures.ts";

let azurite: RunningAzurite;
beforeAll(async () => {
  azurite = await startAzurite({ location: "memory" });
});
afterAll(async () => {
  await azurite?.stop();
});

const inMinutes = (n: number) => new Date(Date.now() + n * 60_000);

describe("AzureRecordingStore", () => {
  it("mints a link that reads exactly its blob, inline, with the content type asked for", async () => {
    const store = await freshStore(azurite);
    const name = await exportCall(store, { callId: "NF-1", startUtc: "2026-11-19T09:00:00Z", number: "020 7946 0123" });
    const url = await store.readUrl(name, inMinutes(10), { contentType: "audio/wav" });

    expect(url.startsWith("http://127.0.0.1:")).toBe(true);
    const params = new URL(url).searchParams;
    expect(params.get("sp")).toBe("r");
    expect(params.get("sr")).toBe("b");
    expect(params.get("spr")).toBe("https,http");

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("audio of NF-1");
    expect(response.headers.get("content-type")).toBe("audio/wav");
    expect(response.headers.get("content-disposition")).toBe("inline");
  });

  it("refuses writes, deletes and other blobs with a read link", async () => {
    const store = await freshStore(azurite);
    const name = await exportCall(store, { callId: "NF-2", startUtc: "2026-11-19T09:00:00Z" });
    const other = await exportCall(store, { callId: "NF-3", startUtc: "2026-11-19T10:00:00Z" });
    const url = new URL(await store.readUrl(name, inMinutes(10)));

    const write = await fetch(url, { method: "PUT", headers: { "x-ms-blob-type": "BlockBlob", "content-type": "audio/wav" }, body: "overwritten" });
    expect(write.status).toBe(403);
    const remove = await fetch(url, { method: "DELETE" });
    expect(remove.status).toBe(403);

    const sideways = new URL(url);
    sideways.pathname = sideways.pathname.replace(name, other);
    expect(sideways.pathname).toContain("NF-3");
    expect((await fetch(sideways)).status).toBe(403);

    const bare = new URL(url);
    bare.search = "";
    expect((await fetch(bare)).status).toBe(403);

    // The blob itself is untouched.
    expect(await (await fetch(url)).text()).toBe("audio of NF-2");
  });

  it("stops working once the link expires", async () => {
    const store = await freshStore(azurite);
    const name = await exportCall(store, { callId: "NF-4", startUtc: "2026-11-19T09:00:00Z" });
    const expiresAt = new Date(Math.ceil((Date.now() + 2_000) / 1000) * 1000);
    const url = await store.readUrl(name, expiresAt);
    expect((await fetch(url)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 1_500));
    expect((await fetch(url)).status).toBe(403);
  });

  it("refuses to mint a link that has already expired", async () => {
    const store = AzureRecordingStore.fromConnectionString(azurite.connectionString, { clock: new ManualClock(new Date()) });
    await expect(store.readUrl("northfield/x.wav", new Date(Date.now() - 1_000))).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("lists the container in pages, with metadata keys lower-cased and index tags filling gaps", async () => {
    const store = await freshStore(azurite);
    for (let i = 1; i <= 5; i++) {
      await exportCall(store, { callId: `NF-10${i}`, startUtc: `2026-11-1${i}T09:00:00Z`, number: "0113 496 0123", extension: "102" });
    }
    await store.upload("riverside/2026/11/18/RS-1.mp3", Buffer.from("x"), {
      contentType: "audio/mpeg",
      metadata: { CallId: "RS-1", StartUtc: "2026-11-18T10:00:00Z" },
      tags: { site: "riverside", callid: "ignored-because-metadata-wins" },
    });

    const pages = [];
    let token: string | undefined;
    do {
      const page = await store.listPage(token, 2);
      pages.push(page.items);
      token = page.continuationToken;
    } while (token);

    expect(pages.map((p) => p.length)).toEqual([2, 2, 2]);
    const items = pages.flat();
    expect(items.map((i) => i.blobName)).toEqual([...items.map((i) => i.blobName)].sort());
    const first = items[0]!;
    expect(first).toMatchObject({ blobName: "northfield/2026/11/11/NF-101.wav", contentType: "audio/wav", sizeBytes: "audio of NF-101".length });
    expect(first.metadata).toMatchObject({ callid: "NF-101", startutc: "2026-11-11T09:00:00Z", externalnumber: "0113 496 0123", extension: "102", site: "northfield" });
    const mixed = items.find((i) => i.blobName.startsWith("riverside/"))!;
    expect(mixed.metadata).toEqual({ callid: "RS-1", startutc: "2026-11-18T10:00:00Z", site: "riverside" });
  });

  it("deletes quietly, even when the blob is already gone", async () => {
    const store = await freshStore(azurite);
    const name = await exportCall(store, { callId: "NF-5", startUtc: "2026-11-19T09:00:00Z" });
    await store.delete(name);
    await store.delete(name);
    expect(await store.exists(name)).toBe(false);
    expect((await store.listPage(undefined, 10)).items).toEqual([]);
  });

  it("leaves an existing blob alone when uploading under the same name", async () => {
    const store = await freshStore(azurite);
    expect(await store.upload("northfield/a.wav", Buffer.from("first"), { contentType: "audio/wav" })).toBe("created");
    expect(await store.upload("northfield/a.wav", Buffer.from("second"), { contentType: "audio/wav" })).toBe("exists");
    expect(await (await fetch(await store.readUrl("northfield/a.wav", inMinutes(1)))).text()).toBe("first");
  });

  it("answers a ping when the container is reachable", async () => {
    const store = await freshStore(azurite);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it("refuses a connection string that cannot sign links", () => {
    const sasOnly = `BlobEndpoint=${azurite.url};SharedAccessSignature=sv=2024-08-04&ss=b&srt=co&sp=r&se=2030-01-01T00:00:00Z&sig=abc`;
    expect(() => AzureRecordingStore.fromConnectionString(sasOnly)).toThrow(AppError);
    expect(() => AzureRecordingStore.fromConnectionString(sasOnly)).toThrow(/AccountKey/);
  });
});

describe("startAzurite", () => {
  it("binds to 127.0.0.1 and stops cleanly", async () => {
    const own = await startAzurite({ location: "memory" });
    expect(own.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    const store = AzureRecordingStore.fromConnectionString(own.connectionString);
    await store.ensureContainer();
    await own.stop();
    await own.stop();
    await expect(fetch(own.url)).rejects.toThrow();
  });
});

/**
 * The managed-identity path: Azurite over HTTPS accepting Entra ID bearer
 * tokens ("basic" OAuth checks a token's claims, not its signature), so the
 * store signs user-delegation SAS links with no account key at all.
 */
describe("AzureRecordingStore with an Entra ID credential", () => {
  let secure: RunningAzurite;
  let dir: string;
  let tlsSetting: string | undefined;
  let tokensIssued = 0;
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const tenant = "ab1f708d-50f6-404c-a006-d71b2ac7a606";
  /** Hands out unsigned tokens shaped like Entra ID's, as Azurite's basic OAuth expects. */
  const credential = {
    async getToken() {
      tokensIssued += 1;
      const now = Math.floor(Date.now() / 1000);
      const claims = { aud: "https://storage.azure.com", iss: `https://sts.windows.net/${tenant}/`, iat: now - 60, nbf: now - 60, exp: now + 3600, oid: "11059fcc-5514-4800-b5f8-49808b9cfab6", tid: tenant };
      return { token: `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`, expiresOnTimestamp: (now + 3600) * 1000 };
    },
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "callgate-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "pipe" });
    // The certificate is self-signed and Node 20 cannot add a CA at run time;
    // this test process alone skips verification.
    tlsSetting = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
    secure = await startAzurite({ location: "memory", https: { certPath: join(dir, "cert.pem"), keyPath: join(dir, "key.pem"), oauth: true } });
  });
  afterAll(async () => {
    await secure?.stop();
    if (tlsSetting === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = tlsSetting;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("signs HTTPS-only, read-only user-delegation links and reuses the delegation key", async () => {
    expect(secure.url.startsWith("https://127.0.0.1:")).toBe(true);
    const store = AzureRecordingStore.fromAccountUrl(secure.url, credential, { containerName: "identity" });
    await store.ensureContainer();
    await store.upload("northfield/2026/11/19/NF-1.wav", Buffer.from("audio of NF-1"), { contentType: "audio/wav" });

    const first = new URL(await store.readUrl("northfield/2026/11/19/NF-1.wav", inMinutes(10), { contentType: "audio/wav" }));
    expect(first.searchParams.get("skoid")).toBe("11059fcc-5514-4800-b5f8-49808b9cfab6");
    expect(first.searchParams.get("spr")).toBe("https");
    expect(first.searchParams.get("sp")).toBe("r");
    const response = await fetch(first);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("audio of NF-1");
    expect(response.headers.get("content-disposition")).toBe("inline");

    const write = await fetch(first, { method: "PUT", headers: { "x-ms-blob-type": "BlockBlob" }, body: "overwritten" });
    expect(write.status).toBe(403);

    const second = new URL(await store.readUrl("northfield/2026/11/19/NF-1.wav", inMinutes(60)));
    expect(second.searchParams.get("skt")).toBe(first.searchParams.get("skt"));
    expect(second.searchParams.get("ske")).toBe(first.searchParams.get("ske"));
    expect(tokensIssued).toBeGreaterThan(0);

    await expect(store.readUrl("northfield/2026/11/19/NF-1.wav", new Date(Date.now() + 8 * 24 * 3_600_000))).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });
});
