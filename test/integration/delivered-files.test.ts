/**
 * Files made for people (exports, reports, bundles) reach them by a
 * time-limited link in a direct message: real Azurite, both databases, the
 * real HTTP server.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deliverFile } from "../../src/core/files/deliver-file.ts";
import { createLogger } from "../../src/infra/logger.ts";
import { mountFiles } from "../../src/infra/http/files/index.ts";
import { createHttpServer } from "../../src/infra/http/server.ts";
import { useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { useTestStorage } from "../support/storage.ts";
import { P } from "../support/test-policy.ts";

const storage = useTestStorage();

describe.each(DATABASE_KINDS)("delivered files on %s", (kind) => {
  const t = useTestCore(kind);
  let url: string;
  let close: () => Promise<void>;
  beforeEach(async () => {
    // The SAS must be valid against Azurite's real clock.
    t.clock.set(new Date());
    storage.attach(t.ctx);
    const http = createHttpServer({ logger: createLogger({ level: "silent" }) });
    mountFiles({ http, ctx: t.ctx, logger: createLogger({ level: "silent" }) });
    const server = await http.listen(0, "127.0.0.1");
    url = server.url;
    close = () => server.close();
  });
  afterEach(async () => {
    await close();
  });

  /** The test core delivers links under https://callgate.test; this server stands in for it. */
  const local = (link: string) => link.replace("https://callgate.test", url);
  const csv = Buffer.from("seq,action\r\n1,request.submitted\r\n");
  const deliverCsv = () => deliverFile(t.ctx, { ownerEmail: P.dpo, kind: "audit-csv", title: "Audit export", fileName: "audit.csv", contentType: "text/csv", body: csv });

  it("sends the owner alone a link that downloads exactly the file, and audits both steps", async () => {
    await deliverCsv();
    await t.deliver();
    const [notice] = t.channel.to(P.dpo, "file-ready");
    if (notice?.kind !== "file-ready") throw new Error("no file-ready notice");
    expect(notice.fileName).toBe("audit.csv");
    expect(notice.sizeText).toBe(`${csv.length} bytes`);
    expect(t.channel.sent.filter((s) => s.notice.kind === "file-ready")).toHaveLength(1);

    const res = await fetch(local(notice.url), { redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const sas = new URL(res.headers.get("location")!);
    expect(sas.searchParams.get("sp")).toBe("r");
    expect(sas.searchParams.get("rscd")).toContain('attachment; filename="audit.csv"');
    const download = await fetch(sas);
    expect(Buffer.from(await download.arrayBuffer()).equals(csv)).toBe(true);

    const entries = await t.ctx.db.auditEntry.findMany({ where: { subjectType: "file" }, orderBy: { seq: "asc" } });
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ["file.delivered", P.dpo],
      ["file.downloaded", P.dpo],
    ]);
  });

  it("refuses an unknown link with 404 and an expired one with 410", async () => {
    await deliverCsv();
    await t.deliver();
    const [notice] = t.channel.to(P.dpo, "file-ready");
    if (notice?.kind !== "file-ready") throw new Error("no file-ready notice");
    expect((await fetch(`${url}/files/${"x".repeat(43)}`, { redirect: "manual" })).status).toBe(404);
    t.clock.advance(25 * 60 * 60 * 1000);
    const expired = await fetch(local(notice.url), { redirect: "manual" });
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain("has expired");
    expect(await t.ctx.db.auditEntry.count({ where: { action: "file.downloaded" } })).toBe(0);
  });

  it("keeps the token out of the outbox once the link is delivered", async () => {
    await deliverCsv();
    await t.deliver();
    const row = await t.ctx.db.outboxMessage.findFirstOrThrow({ where: { kind: "file-ready" } });
    expect(row.status).toBe("SENT");
    expect(JSON.stringify(row.payload)).not.toContain("token");
  });
});
