/**
 * A small policy for core tests: two sites, site-scoped principals, a purpose
 * needing two distinct approvers, one needing consent, one for own calls.
 */
import { policySchema, type Policy, type PolicyInput } from "../../src/core/policy/schema.ts";

export const P = {
  requester: "ben@trust.example", // SLT at north
  northHead: "amara@trust.example", // SLT + principal at north
  southHead: "grace@trust.example", // SLT + principal at south
  ceo: "farid@trust.example",
  dpo: "carys@trust.example",
  it: "dev@trust.example",
  staff: "ellie@trust.example", // staff at south, extension 201
  outsider: "nobody@trust.example",
} as const;

export const testPolicyInput: PolicyInput = {
  version: 1,
  organisation: { name: "Test Learning Trust", timeZone: "Europe/London" },
  sites: [
    { id: "north", name: "North Academy" },
    { id: "south", name: "South Academy" },
  ],
  roles: [
    { id: "slt", label: "Senior Leadership Team", scope: "site" },
    { id: "principal", label: "Principal", scope: "site" },
    { id: "ceo", label: "Chief Executive" },
    { id: "dpo", label: "Data Protection Officer" },
    { id: "it-manager", label: "Trust IT Manager" },
    { id: "staff", label: "Staff", scope: "site" },
  ],
  people: [
    { email: P.requester, name: "Ben Hughes", roles: ["slt"], sites: ["north"], extensions: ["102"] },
    { email: P.northHead, name: "Amara Okafor", roles: ["slt", "principal"], sites: ["north"] },
    { email: P.southHead, name: "Grace Lee", roles: ["slt", "principal"], sites: ["south"] },
    { email: P.ceo, name: "Farid Khan", roles: ["ceo"] },
    { email: P.dpo, name: "Carys Evans", roles: ["dpo"] },
    { email: P.it, name: "Dev Patel", roles: ["it-manager"] },
    { email: P.staff, name: "Ellie Shaw", roles: ["staff"], sites: ["south"], extensions: ["201"] },
  ],
  requesting: { roles: ["slt"], maxWindowHours: 4, remindAfter: "1 day", expireAfter: "7 days" },
  purposes: [
    { id: "safeguarding", label: "Safeguarding", lawfulBasis: "Article 6(1)(d)", reasonPrompt: "What is the concern?", minReasonLength: 10, approvals: [{ anyOf: ["principal", "ceo"] }] },
    { id: "disciplinary", label: "Disciplinary", lawfulBasis: "Article 6(1)(f)", reasonPrompt: "Which process?", minReasonLength: 10, approvals: [{ anyOf: ["ceo"] }, { anyOf: ["dpo"] }], accessWindow: "2 days" },
    { id: "training", label: "Training", lawfulBasis: "Article 6(1)(f)", reasonPrompt: "What will it teach?", minReasonLength: 10, approvals: [{ anyOf: ["principal"] }], consent: "recorded-employee", requestTypes: ["recording"] },
    { id: "own-calls", label: "My own calls", lawfulBasis: "Article 6(1)(f)", reasonPrompt: "Why?", minReasonLength: 0, requestableBy: ["staff"], ownCallsOnly: true, approvals: [{ anyOf: ["principal"] }] },
  ],
  fulfilment: { mode: "automatic", roles: ["it-manager"] },
  playback: { accessWindow: "7 days" },
  retention: { default: "12 months", sites: { south: "90 days" } },
  subjectAccess: { ownerRoles: ["dpo"] },
  disclosure: { authoriserRoles: ["dpo"], recorderMayAuthorise: true },
  compliance: { dpoRoles: ["dpo"] },
};

export function testPolicy(overrides: Partial<PolicyInput> = {}): Policy {
  return policySchema.parse({ ...testPolicyInput, ...overrides });
}
