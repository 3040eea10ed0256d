/** Form inputs the core tests submit again and again, each overridable field by field. */
import type { SubmitDisclosureInput } from "../../src/core/disclosure/submit-disclosure.ts";
import type { SubmitRequestInput } from "../../src/core/requests/submit-request.ts";
import { P } from "./test-policy.ts";

/** A safeguarding request for an inbound call on 19 November 2026 at about 14:30. */
export const safeguardingRequest = (over: Partial<SubmitRequestInput> = {}): SubmitRequestInput => ({
  requesterEmail: P.requester,
  purposeId: "safeguarding",
  date: "2026-11-19",
  time: "14:30",
  windowMinutes: 30,
  direction: "inbound",
  number: "020 7946 0001",
  reason: "Parent reported an abusive call to the office",
  ...over,
});

/** A police request, recorded by the DPO, to disclose a call of 18 November 2026 at about 14:30. */
export const policeDisclosure = (over: Partial<SubmitDisclosureInput> = {}): SubmitDisclosureInput => ({
  requesterEmail: P.dpo,
  date: "2026-11-18",
  time: "14:30",
  number: "020 7946 0001",
  askingOrganisation: "Thames Valley Police",
  askingPerson: "DC Jane Smith",
  purpose: "Investigation of threats made to a member of staff",
  lawfulBasis: "Schedule 2 Part 1 paragraph 2 DPA 2018 (crime and taxation)",
  recipientName: "DC Jane Smith",
  recipientJobTitle: "Detective Constable",
  conditionAccepted: true,
  releaseMode: "link",
  ...over,
});
