/**
 * North Wales Housing §1.4: "up to 100,000 individual call recordings within
 * a 90 day period". With policy.capacity the DPO is warned once per
 * threshold crossing, and the summary shows how full the catalogue is.
 */
import { describe, expect, it } from "vitest";
import { summariseAudit } from "../../src/core/audit/summarise-audit.ts";
import { capacityStatus, warnCapacity } from "../../src/core/jobs/warn-capacity.ts";
import { NOW, useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { P, testPolicy } from "../support/test-policy.ts";

const DAY = 86_400_000;

describe.each(DATABASE_KINDS)("capacity warnings on %s", (kind) => {
  // A limit of 10 recordings in 90 days, so the thresholds are reached with a few rows.
  const t = useTestCore(kind, () => ({ policy: testPolicy({ capacity: { maxRecordings: 10, per: "90 days", warnAt: [80, 95] } }) }));

  const add = async (n: number, daysAgo = 1) => {
    const startedAt = new Date(NOW.getTime() - daysAgo * DAY);
    await t.ctx.db.recording.createMany({
      data: Array.from({ length: n }, () => ({ callId: `cap-${Math.random().toString(36).slice(2)}`, startedAt, durationSeconds: 60, direction: "INBOUND" as const, source: "CALL_LOG" as const })),
    });
  };

  it("counts only calls inside the window and warns the DPO once at each threshold crossed", async () => {
    await add(5, 120); // outside the 90 days
    await add(7);
    expect(await warnCapacity(t.ctx)).toEqual({ warned: [] });
    await add(1);
    expect(await capacityStatus(t.ctx)).toMatchObject({ count: 8, percent: 80, crossed: [80] });
    expect(await warnCapacity(t.ctx)).toEqual({ warned: [80] });
    expect(await warnCapacity(t.ctx)).toEqual({ warned: [] });
    await add(2);
    expect(await warnCapacity(t.ctx)).toEqual({ warned: [95] });
    expect(await warnCapacity(t.ctx)).toEqual({ warned: [] });
    await t.deliver();
    const notices = t.channel.to(P.dpo, "compliance-notice");
    expect(notices.map((n) => (n as { title: string }).title)).toEqual(["Recording capacity at 80%", "Recording capacity at 95%"]);
    expect(await t.ctx.db.auditEntry.count({ where: { action: "capacity.warned" } })).toBe(2);
  });

  it("warns again after the count falls back below a threshold and crosses it anew", async () => {
    await add(8, 80);
    expect(await warnCapacity(t.ctx)).toEqual({ warned: [80] });
    t.clock.set(new Date(NOW.getTime() + 20 * DAY)); // those calls are now 100 days old
    expect(await warnCapacity(t.ctx)).toEqual({ warned: [] });
    expect(await t.ctx.db.capacityWarning.count()).toBe(0);
    await t.ctx.db.recording.createMany({ data: Array.from({ length: 8 }, (_, i) => ({ callId: `late-${i}`, startedAt: new Date(NOW.getTime() + 19 * DAY), durationSeconds: 60, direction: "INBOUND" as const, source: "CALL_LOG" as const })) });
    expect(await warnCapacity(t.ctx)).toEqual({ warned: [80] });
  });

  it("shows the capacity in the audit summary, and nothing where the policy states no limit", async () => {
    await add(9);
    expect((await summariseAudit(t.ctx, { actorEmail: P.dpo })).capacity).toMatchObject({ maxRecordings: 10, perText: "90 days", count: 9, percent: 90 });
    t.ctx.policy = testPolicy();
    expect((await summariseAudit(t.ctx, { actorEmail: P.dpo })).capacity).toBeNull();
    expect(await warnCapacity(t.ctx)).toBeUndefined();
  });
});
