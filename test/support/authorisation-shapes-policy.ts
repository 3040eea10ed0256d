/**
 * The test policy with the authorisation shapes the chat adapters draw: a
 * purpose the requester's own role decides, one whose every approval needs a
 * note, one that must name the member of staff it concerns, and one only the
 * CEO authorises that may name one (so naming the CEO leaves nobody to ask).
 */
import type { Policy, PolicyInput } from "../../src/core/policy/schema.ts";
import { testPolicy, testPolicyInput } from "./test-policy.ts";

type PurposeInput = PolicyInput["purposes"][number];

export const NOTE_PROMPT = "Record the Data Controller's written agreement";

export const SHAPE_PURPOSES: PurposeInput[] = [
  { id: "slt-decision", label: "Complaint or issue (SLT decides)", lawfulBasis: "Article 6(1)(d)", reasonPrompt: "What is the complaint or issue?", minReasonLength: 10, authorisation: "requester" },
  {
    id: "disciplinary-release",
    label: "Disciplinary process",
    lawfulBasis: "Article 6(1)(f)",
    reasonPrompt: "Which disciplinary process?",
    minReasonLength: 10,
    approvals: [{ anyOf: ["ceo"] }],
    approvalNote: { prompt: NOTE_PROMPT, minLength: 15 },
  },
  {
    id: "staff-investigation",
    label: "Staff investigation",
    lawfulBasis: "Article 6(1)(f)",
    reasonPrompt: "Which policy is suspected to be breached?",
    minReasonLength: 10,
    approvals: [{ anyOf: ["principal", "ceo"] }],
    concernsStaffMember: "required",
  },
  { id: "ceo-only-investigation", label: "Investigation (CEO)", lawfulBasis: "Article 6(1)(f)", reasonPrompt: "Why?", minReasonLength: 10, approvals: [{ anyOf: ["ceo"] }], concernsStaffMember: "optional" },
];

export function authorisationShapesPolicy(): Policy {
  return testPolicy({ purposes: [...testPolicyInput.purposes, ...SHAPE_PURPOSES] });
}
