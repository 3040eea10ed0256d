import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../../src/core/errors.ts";
import { parseInput, requireDpo } from "../../src/core/guards.ts";
import { placeHold } from "../../src/core/holds/place-hold.ts";
import { useTestCore } from "../support/core.ts";
import { DATABASE_KINDS } from "../support/databases.ts";
import { expectCode } from "../support/expect-code.ts";
import { P } from "../support/test-policy.ts";

describe.each(DATABASE_KINDS)("guards on %s", (kind) => {
  const t = useTestCore(kind, { linkEveryone: false });
  const entries = () => t.ctx.db.auditEntry.findMany({ orderBy: { seq: "asc" } });

  it("lets a DPO through without writing anything", async () => {
    const dpo = await requireDpo(t.ctx, P.dpo, "see holds");
    expect(dpo.email).toBe(P.dpo);
    expect(await entries()).toHaveLength(0);
  });

  it("commits the refusal of someone who is not a DPO before refusing", async () => {
    const refused = await expectCode(requireDpo(t.ctx, P.ceo, "place holds on recordings"), "FORBIDDEN");
    expect(refused.message).toBe("Only the Data Protection Officer (Carys Evans) can place holds on recordings.");
    const [entry, ...more] = await entries();
    expect(more).toHaveLength(0);
    expect(entry).toMatchObject({ actor: P.ceo, action: "compliance.access.refused", subjectType: "compliance", details: { attempted: "place holds on recordings", why: "not a Data Protection Officer" } });
  });

  it("records someone not in the policy too, and tells them they are not set up", async () => {
    await expectCode(requireDpo(t.ctx, " Nobody@Trust.Example ", "release holds"), "NOT_SET_UP");
    expect((await entries()).map((e) => [e.actor, e.details])).toEqual([[P.outsider, { attempted: "release holds", why: "not in the policy" }]]);
  });

  it("keeps a command's own entry and words when it gives them", async () => {
    const refusal = { action: "audit.access.refused", subjectType: "audit", details: { attempted: "summary", query: "last week" }, message: "Sorry, not for you." } as const;
    const refused = await expectCode(requireDpo(t.ctx, P.requester, "see audit summaries", refusal), "FORBIDDEN");
    expect(refused.message).toBe("Sorry, not for you.");
    expect((await entries())[0]).toMatchObject({ action: "audit.access.refused", subjectType: "audit", details: { attempted: "summary", query: "last week", why: "not a Data Protection Officer" } });
  });

  it("audits a refused DPO-only command, which changes nothing else", async () => {
    await expectCode(placeHold(t.ctx, { actorEmail: P.ceo, numbers: ["020 7946 0001"], reason: "Tribunal claim received" }), "FORBIDDEN");
    expect(await t.ctx.db.hold.count()).toBe(0);
    expect((await entries()).map((e) => e.action)).toEqual(["compliance.access.refused"]);
  });
});

describe("parseInput", () => {
  const schema = z.object({ name: z.string().trim().min(1, "Give a name."), note: z.string().max(5).default("") });

  it("returns the input as the schema reads it", () => {
    expect(parseInput(schema, { name: "  Jo " })).toEqual({ name: "Jo", note: "" });
  });

  it("throws INVALID_INPUT naming the first field at fault", () => {
    const error = (() => {
      try {
        parseInput(schema, { name: "Jo", note: "far too long" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "INVALID_INPUT", field: "note", message: "note: that is too long (at most 5 characters)." });
    expect(() => parseInput(schema, { name: " " })).toThrow("Give a name.");
  });
});
