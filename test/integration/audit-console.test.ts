/**
 * `audit ...` in the DPO console (what Slack's `/recording-audit` and Teams'
 * `audit` arrive as) and `callgate audit summary` on the command line.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditConsole } from "../../src/commands/audit.ts";
import { CONSOLE_MODULES } from "../../src/commands/index.ts";
import { runConsole, type ConsoleSession } from "../../src/commands/run-console.ts";
import { useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { useTestStorage } from "../support/storage.ts";
import { P } from "../support/test-policy.ts";
import { seedAuditMonth } from "./audit-fixtures.ts";

const storage = useTestStorage();

describe.each(DATABASE_KINDS)("the audit console on %s", (kind) => {
  const t = useTestCore(kind);
  beforeEach(async () => {
    storage.attach(t.ctx);
    await seedAuditMonth(t.ctx);
  });

  const as = (actorEmail: string): ConsoleSession => ({ ctx: t.ctx, actorEmail, publicUrl: "https://callgate.test" });
  const run = (actor: string, line: string) => runConsole(as(actor), line, [auditConsole]);
  const words = (reply: { blocks: unknown[] }) => JSON.stringify(reply.blocks);

  it("is registered with the console's modules and explains itself", async () => {
    expect(CONSOLE_MODULES).toContain(auditConsole);
    const help = await run(P.dpo, "audit help");
    expect(help.title).toBe("DPO commands: audit");
    expect(words(help)).toContain("audit export: Send the audit log");
    expect(words(help)).toContain("For example: audit export pdf last 30 days");
    expect(words(help)).not.toMatch(/Usage:|--help|\[options\]/);
    expect(await t.ctx.db.auditEntry.count({ where: { action: { startsWith: "audit." } } })).toBe(0);
    // Nobody else sees the DPO's commands, and the attempt is on the record.
    const refused = await run(P.requester, "audit help");
    expect(refused).toMatchObject({ title: "Nothing was changed", refused: true });
    expect(words(refused)).toContain("Only the Data Protection Officer");
    expect(await t.ctx.db.auditEntry.count({ where: { action: "compliance.access.refused", actor: P.requester } })).toBe(1);
  });

  it("answers `audit last 30 days` with the summary, warnings first, the chart and the export buttons", async () => {
    const reply = await run(P.dpo, "audit last 30 days");
    expect(reply.title).toBe("Audit summary: last 30 days (22/10/2026 to 20/11/2026)");
    const warnings = reply.blocks.filter((b) => b.kind === "warning").map((b) => (b as { text: string }).text);
    expect(warnings).toEqual([
      "1 subject access request is overdue: SAR-000001 (due 18/11/2026).",
      "Covert monitoring review overdue: COV-000001 (review was due 19/11/2026).",
      '4 patterns worth a look: see "Anomalies" below.',
    ]);
    const fields = reply.blocks.find((b) => b.kind === "fields");
    if (fields?.kind !== "fields") throw new Error("no fields");
    expect(Object.fromEntries(fields.rows)).toMatchObject({ "Requests made": "13", "Median time to decision": "30 min (9 decided)", "Slowest decision": "10 h (CG-000005)" });
    expect(words(reply)).toContain("Same approvers: Carys Evans and Farid Khan approved 3 requests together (CG-000004, CG-000005, CG-000006)");
    expect(words(reply)).toContain("Same number again: Ben Hughes asked about +44 •••••••001 3 times");
    expect(words(reply)).not.toContain("2079460001");
    expect(reply.image?.png.subarray(1, 4).toString()).toBe("PNG");
    expect(reply.image?.altText).toContain("13 requests");
    expect(reply.actions).toEqual([
      { label: "Export CSV", command: "audit export csv last 30 days" },
      { label: "PDF report", command: "audit export pdf last 30 days", style: "primary" },
    ]);
  });

  it("defaults to the last 30 days and keeps filters in the export buttons", async () => {
    expect((await run(P.dpo, "audit")).title).toBe("Audit summary: last 30 days (22/10/2026 to 20/11/2026)");
    const filtered = await run(P.dpo, `audit this month person "Grace Lee" site south`);
    expect(filtered.actions?.[0]?.command).toBe(`audit export csv this month person:${P.southHead} site:south`);
    expect(words(filtered)).toContain("person Grace Lee, site South Academy");
  });

  it("answers `audit summary`, the CLI's words, with the same summary", async () => {
    expect((await run(P.dpo, "audit summary")).title).toBe("Audit summary: last 30 days (22/10/2026 to 20/11/2026)");
    const filtered = await run(P.dpo, `audit summary this month site south`);
    expect(filtered.actions?.[0]?.command).toBe("audit export csv this month site:south");
  });

  it("refuses anyone but the DPO politely, changing nothing but the log", async () => {
    const reply = await run(P.requester, "audit last 30 days");
    expect(reply.title).toBe("Nothing was changed");
    expect(reply.blocks[0]).toEqual({ kind: "warning", text: expect.stringContaining("Sorry, audit summaries are only for the Data Protection Officer (Carys Evans)") });
    expect(reply.image).toBeUndefined();
    expect(await t.ctx.db.auditEntry.count({ where: { action: "audit.access.refused", actor: P.requester } })).toBe(1);
    const exportReply = await run(P.requester, "audit export csv last 30 days");
    expect(words(exportReply)).toContain("audit exports are only for the Data Protection Officer");
    expect(await t.ctx.db.deliveredFile.count()).toBe(0);
  });

  it("names the word it did not understand", async () => {
    const reply = await run(P.dpo, "audit fortnight");
    expect(reply.title).toBe("Nothing was changed");
    expect(words(reply)).toContain('I did not understand \\"fortnight\\"');
    expect(words(await run(P.dpo, "audit export xls"))).toContain("Choose csv or pdf");
  });

  it("runs the PDF button: the report goes by direct message, and the reply says so", async () => {
    const summary = await run(P.dpo, "audit last 30 days");
    const reply = await run(P.dpo, summary.actions![1]!.command);
    expect(reply.title).toBe("Audit report on its way");
    expect(words(reply)).toContain("callgate-audit-2026-10-22-to-2026-11-20.pdf (report covering 13 requests) has been sent to you as a direct message.");
    await t.deliver();
    const [notice] = t.channel.to(P.dpo, "file-ready");
    expect(notice).toMatchObject({ kind: "file-ready", fileName: "callgate-audit-2026-10-22-to-2026-11-20.pdf" });
    const file = await t.ctx.db.deliveredFile.findFirstOrThrow({ where: { kind: "audit-pdf" } });
    expect((await storage.readFile(file.blobName)).subarray(0, 5).toString()).toBe("%PDF-");
    expect(await t.ctx.db.auditEntry.count({ where: { action: "audit.exported", actor: P.dpo } })).toBe(1);
  });

  it("runs the CSV button with the same terms", async () => {
    const reply = await run(P.dpo, "audit export csv last 30 days");
    // The crafted month's 25 entries and the 7 chat identities linked today.
    expect(words(reply)).toContain("(32 audit entries) has been sent to you as a direct message.");
    const file = await t.ctx.db.deliveredFile.findFirstOrThrow({ where: { kind: "audit-csv" } });
    const csv = (await storage.readFile(file.blobName)).toString();
    expect(csv.split("\r\n")[0]).toBe("Seq,Time,Actor,Action,Subject,Request,Purpose,Details");
  });
});

describe("callgate audit summary", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "callgate-audit-cli-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = promisify(execFile);
  async function callgate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    // Embedded PGlite and Azurite under a fresh data directory, whatever the environment says.
    const env: NodeJS.ProcessEnv = { ...process.env, CALLGATE_DATA_DIR: join(dir, "data"), CALLGATE_POLICY: "policies/demo.yml" };
    for (const key of ["DATABASE_URL", "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ACCOUNT_URL", "CALLGATE_CONTAINER"]) delete env[key];
    try {
      const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { encoding: "utf8", env, timeout: 120_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout: string; stderr: string };
      return { code: failed.code ?? -1, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it("prints the summary and writes the CSV, the PDF and the chart for the DPO", async () => {
    const out = (name: string) => join(dir, name);
    const result = await callgate("audit", "summary", "this", "month", "--as", "carys.evans@northfield.example", "--csv", out("a.csv"), "--pdf", out("a.pdf"), "--chart", out("a.png"));
    expect(result.stderr).toContain("CSV written to");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Audit summary: this month \(01\/\d\d\/\d{4} to \d\d\/\d\d\/\d{4}\)\n/);
    expect(result.stdout).toContain("Audit chain");
    expect((await readFile(out("a.csv"), "utf8")).split("\r\n")[0]).toBe("Seq,Time,Actor,Action,Subject,Request,Purpose,Details");
    expect((await readFile(out("a.pdf"))).subarray(0, 5).toString()).toBe("%PDF-");
    expect((await readFile(out("a.png"))).subarray(1, 4).toString()).toBe("PNG");
  }, 180_000);

  it("refuses someone who is not the DPO with exit code 2", async () => {
    const result = await callgate("audit", "summary", "--as", "ben.hughes@northfield.example");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("FORBIDDEN: Sorry, audit summaries are only for the Data Protection Officer");
  }, 180_000);
});
