/**
 * `sar log` (anyone in the policy) and `sar add-info` (the owner) in the
 * console, as the chat platforms and the CLI run them.
 */
import { describe, expect, it } from "vitest";
import type { ConsoleReply } from "../../src/commands/reply.ts";
import { runConsole } from "../../src/commands/run-console.ts";
import { sarConsole } from "../../src/commands/sar.ts";
import { SAR_LOG_FORM } from "../../src/commands/sar-intake.ts";
import { addRecording, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { P, testPolicy } from "../support/test-policy.ts";

const fieldValue = (reply: ConsoleReply, label: string) => reply.blocks.flatMap((b) => (b.kind === "fields" ? b.rows : [])).find(([l]) => l === label)?.[1];
const warnings = (reply: ConsoleReply) => reply.blocks.flatMap((b) => (b.kind === "warning" ? [b.text] : []));
const texts = (reply: ConsoleReply) => reply.blocks.flatMap((b) => (b.kind === "text" ? [b.text] : []));

describe.each(DATABASE_KINDS)("the sar log and add-info console commands on %s", (kind) => {
  const t = useTestCore(kind, { policy: testPolicy({ subjectAccess: { ownerRoles: ["dpo"], channels: ["letter", "email"] } }) });
  const as = (email: string, line: string) => runConsole({ ctx: t.ctx, actorEmail: email, publicUrl: "https://callgate.test" }, line, [sarConsole]);

  it("lets a member of staff log a phone request, says who owns it and what the policy asks, and the owner adds the call later", async () => {
    const call = await addRecording(t.ctx, { startedAt: new Date("2026-11-10T14:35:00Z"), number: "+441134960777", extension: "201" });
    const logged = await as(P.staff, 'sar log --name "Jo Bloggs" --channel phone --received 20/11/2026 --contact-email jo@example.com --identity "known caller"');
    expect(logged.title).toBe("Subject access request SAR-000001 logged");
    expect(fieldValue(logged, "Owner")).toBe("Carys Evans");
    expect(fieldValue(logged, "Status")).toBe("Awaiting information");
    expect(texts(logged)[0]).toMatch(/Carys Evans owns it and has been told/);
    expect(warnings(logged)[0]).toMatch(/asks for subject access requests in writing \(letter, e-mail\)/);

    // Only the owner adds information; the attempt by staff is refused.
    expect(warnings(await as(P.staff, "sar add-info SAR-1 --call-on 10/11/2026 --call-at 14:30 --extension 201"))[0]).toMatch(/Only Carys Evans, who owns SAR-000001/);
    const added = await as(P.dpo, "sar add-info SAR-1 --call-on 10/11/2026 --call-at 14:30 --direction inbound --extension 201");
    expect(added.title).toBe("SAR-000001: information added");
    const row = await t.ctx.db.subjectAccessItem.findMany({ where: { sar: { reference: "SAR-000001" } } });
    expect(row.map((r) => [r.recordingId, r.matchedBy])).toEqual([[call.id, "description"]]);
    expect(JSON.stringify(added)).not.toContain("jo@example.com");
  });

  it("hands a request on with sar transfer, naming the flag when the person cannot take it", async () => {
    const u = await as(P.staff, 'sar log --name "Jo Bloggs" --channel letter --received 20/11/2026 --number "020 7946 0001" --identity "known caller"');
    expect(fieldValue(u, "Owner")).toBe("Carys Evans");
    expect(warnings(await as(P.dpo, `sar transfer SAR-1 --to ${P.it} --reason "Carys is on leave"`))[0]).toMatch(/^Dev Patel does not handle subject access requests under the policy\. .* \(--to\)\.$/);
    expect(warnings(await as(P.staff, `sar transfer SAR-1 --to ${P.ceo} --reason "Carys is on leave"`))[0]).toMatch(/^Only Carys Evans, who owns SAR-000001/);
  });

  it("names the field when a described call lacks a time or extension, and typed bare opens the form", async () => {
    const bad = await as(P.staff, 'sar log --name "Jo Bloggs" --channel letter --received 20/11/2026 --call-on 10/11/2026');
    expect(warnings(bad)[0]).toMatch(/approximate time or the extension/);
    expect(await t.ctx.db.subjectAccessRequest.count()).toBe(0);
    const bare = await as(P.staff, "sar log");
    expect(bare.form).toBe(SAR_LOG_FORM.command);
  });
});
