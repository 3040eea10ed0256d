/**
 * The policy file's authorisation shapes: `authorisation`, `approvalNote`,
 * `concernsStaffMember` and `covertMonitoring.grounds`, with their loader
 * errors located at the line the problem is on.
 */
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.ts";
import { parsePolicy } from "../../src/core/policy/load-policy.ts";
import { demoWithout } from "../support/demo-policy.ts";

let demo: string;
beforeAll(async () => {
  demo = await readFile("policies/demo.yml", "utf8");
});

const OWN_CALLS_APPROVALS = `    approvals:
      - anyOf: [principal]
        label: Principal of the call's academy
    requestTypes: [recording, call-log]
`;

function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`"${from}" must occur exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

function errorFor(text: string): string {
  try {
    parsePolicy(text, "policies/x.yml");
  } catch (error) {
    expect((error as AppError).code).toBe("POLICY_INVALID");
    return (error as AppError).message;
  }
  throw new Error("expected the policy to be refused");
}

describe("authorisation shapes in the policy file", () => {
  it("defaults every existing purpose to approvals, no note, no staff member concerned, and no covert grounds", () => {
    const silent = demoWithout("purposes.disciplinary.concernsStaffMember", "purposes.disciplinary.approvalNote", "covertMonitoring");
    const policy = parsePolicy(silent, "policies/x.yml");
    for (const purpose of policy.purposes) {
      expect(purpose.authorisation).toBe("approvals");
      expect(purpose.approvalNote).toBeUndefined();
      expect(purpose.concernsStaffMember).toBe("none");
    }
    expect(policy.covertMonitoring.grounds).toEqual([]);
  });

  it("reads the demo's approval note, the member of staff its disciplinary purpose may name, and its covert grounds", () => {
    const policy = parsePolicy(demo, "policies/demo.yml");
    const disciplinary = policy.purposes.find((p) => p.id === "disciplinary")!;
    expect(disciplinary).toMatchObject({ authorisation: "approvals", concernsStaffMember: "optional", approvalNote: { prompt: "Why is listening to this call necessary for the investigation?", minLength: 20 } });
    expect(policy.purposes.filter((p) => p.id !== "disciplinary").every((p) => p.approvalNote === undefined && p.concernsStaffMember === "none")).toBe(true);
    expect(policy.covertMonitoring).toMatchObject({ allowed: true, authoriserRoles: ["ceo"], reviewEvery: { amount: 1, unit: "months" } });
    expect(policy.covertMonitoring.grounds.map((g) => g.id)).toEqual(["illegal-activity", "serious-misconduct"]);
  });

  it("reads a purpose the requester's own role authorises, with no approvals", () => {
    const text = edit(demo, OWN_CALLS_APPROVALS, "    authorisation: requester\n    requestTypes: [recording, call-log]\n");
    const own = parsePolicy(text, "policies/x.yml").purposes.find((p) => p.id === "own-calls")!;
    expect(own).toMatchObject({ authorisation: "requester", approvals: [] });
  });

  it("refuses authorisation: requester together with approvals, at the line", () => {
    const text = edit(demo, OWN_CALLS_APPROVALS, `    authorisation: requester\n${OWN_CALLS_APPROVALS}`);
    const message = errorFor(text);
    expect(message).toMatch(/policies\/x\.yml:\d+:\d+ purposes\[\d\]\.approvals: purpose "own-calls" is authorised by the requester's own role \(authorisation: requester\), so it cannot also list approvals/);
  });

  it("refuses a purpose without approvals unless the requester's role decides", () => {
    const message = errorFor(edit(demo, OWN_CALLS_APPROVALS, "    requestTypes: [recording, call-log]\n"));
    expect(message).toContain('purpose "own-calls" needs approvals: say which roles authorise it');
    expect(message).toContain("authorisation: requester");
    expect(errorFor(edit(demo, OWN_CALLS_APPROVALS, "    authorisation: everyone\n" + OWN_CALLS_APPROVALS))).toMatch(/purposes\[\d\]\.authorisation/);
  });

  it("reads an approval note, and refuses one without a prompt or on a purpose nobody approves", () => {
    const withNote = edit(demo, OWN_CALLS_APPROVALS, `${OWN_CALLS_APPROVALS}    approvalNote:\n      prompt: Why is listening necessary?\n`);
    expect(parsePolicy(withNote, "policies/x.yml").purposes.find((p) => p.id === "own-calls")!.approvalNote).toEqual({ prompt: "Why is listening necessary?", minLength: 20 });
    expect(errorFor(edit(demo, OWN_CALLS_APPROVALS, `${OWN_CALLS_APPROVALS}    approvalNote:\n      minLength: 10\n`))).toMatch(/purposes\[\d\]\.approvalNote\.prompt/);
    const requesterWithNote = edit(demo, OWN_CALLS_APPROVALS, "    authorisation: requester\n    approvalNote:\n      prompt: Why?\n");
    expect(errorFor(requesterWithNote)).toContain("there is no approval to carry a note: remove approvalNote");
  });

  it("reads concernsStaffMember and refuses a value it does not know", () => {
    const text = edit(demo, OWN_CALLS_APPROVALS, `${OWN_CALLS_APPROVALS}    concernsStaffMember: required\n`);
    expect(parsePolicy(text, "policies/x.yml").purposes.find((p) => p.id === "own-calls")!.concernsStaffMember).toBe("required");
    expect(errorFor(edit(demo, OWN_CALLS_APPROVALS, `${OWN_CALLS_APPROVALS}    concernsStaffMember: always\n`))).toMatch(/purposes\[\d\]\.concernsStaffMember/);
  });

  it("reads covert monitoring grounds and refuses a ground defined twice", () => {
    const withoutCovert = demoWithout("covertMonitoring").trimEnd();
    const grounds = (ids: string[]) => `${withoutCovert}\ncovertMonitoring:\n  allowed: false\n  grounds:\n${ids.map((g) => `    - id: ${g}\n      label: Ground ${g}\n`).join("")}`;
    expect(parsePolicy(grounds(["serious-misconduct", "illegal-action"]), "policies/x.yml").covertMonitoring.grounds.map((g) => g.id)).toEqual(["serious-misconduct", "illegal-action"]);
    expect(errorFor(grounds(["serious-misconduct", "serious-misconduct"]))).toContain('covertMonitoring.grounds[1].id: covert monitoring ground "serious-misconduct" is defined twice');
  });
});
