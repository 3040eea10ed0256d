import { describe, expect, it } from "vitest";
import { filledSlots, holdsRole } from "../../src/core/policy/access.ts";
import { policySchema, type PolicyInput } from "../../src/core/policy/schema.ts";

const base: PolicyInput = {
  version: 1,
  organisation: { name: "Test Trust" },
  sites: [{ id: "north", name: "North" }, { id: "south", name: "South" }],
  roles: [
    { id: "director", label: "Company Director" },
    { id: "controller", label: "Data Controller" },
    { id: "principal", label: "Principal", scope: "site" },
    { id: "slt", label: "SLT" },
  ],
  people: [
    { email: "dir1@example.org", name: "Dir One", roles: ["director"] },
    { email: "dir2@example.org", name: "Dir Two", roles: ["director"] },
    { email: "both@example.org", name: "Both", roles: ["director", "controller"] },
    { email: "ctl@example.org", name: "Controller", roles: ["controller"] },
    { email: "north-head@example.org", name: "North Head", roles: ["principal"], sites: ["north"] },
  ],
  requesting: { roles: ["slt"] },
  purposes: [
    {
      id: "disciplinary",
      label: "Disciplinary",
      lawfulBasis: "Article 6(1)(f)",
      reasonPrompt: "Why?",
      approvals: [{ anyOf: ["director"] }, { anyOf: ["controller"] }],
    },
  ],
  fulfilment: { mode: "automatic", roles: ["director"] },
  retention: { default: "12 months" },
  subjectAccess: { ownerRoles: ["controller"] },
  disclosure: { authoriserRoles: ["controller"], recorderMayAuthorise: true },
  compliance: { dpoRoles: ["controller"] },
};

const policy = policySchema.parse(base);
const person = (email: string) => policy.people.find((p) => p.email === email)!;
const slots = policy.purposes[0]!.approvals;

describe("approval slots", () => {
  it("needs a director and the data controller to be two different people", () => {
    expect(filledSlots(policy, slots, [person("dir1@example.org"), person("dir2@example.org")])).toBe(1);
    expect(filledSlots(policy, slots, [person("dir1@example.org"), person("ctl@example.org")])).toBe(2);
    expect(filledSlots(policy, slots, [person("both@example.org")])).toBe(1);
  });

  it("re-assigns a person who holds both roles so a later approver still counts", () => {
    expect(filledSlots(policy, slots, [person("both@example.org"), person("dir1@example.org")])).toBe(2);
  });
});

describe("site-scoped roles", () => {
  it("lets a principal act only for their own site", () => {
    const head = person("north-head@example.org");
    expect(holdsRole(policy, head, ["principal"], "north")).toBe(true);
    expect(holdsRole(policy, head, ["principal"], "south")).toBe(false);
  });
});
