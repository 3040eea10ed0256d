/**
 * The third party's side of a disclosure, as the disclosure form records it:
 * who asked (an outside party, or a member of staff on its behalf), for what
 * and on what basis, as which permitted recipient, and who receives the
 * recording and how. The form, the view and the release all carry these.
 */
import type { Disclosure } from "../../generated/prisma/client.ts";

export interface DisclosureDetails {
  askingOrganisation: string;
  askingPerson: string;
  /** The asking person's role or job title, if given. */
  askingRole: string | null;
  /** How to reach the asking person (telephone or e-mail), if given; kept off the audit log. */
  askingContact: string | null;
  /** A member of staff in the policy who asked; null when the outside party asked directly. */
  requestedByEmail: string | null;
  /** When the request reached the organisation, if earlier than it was recorded. */
  requestReceivedOn: Date | null;
  onBehalfOf: string | null;
  purpose: string;
  lawfulBasis: string;
  /** The permitted recipient the asking organisation was matched to (policy entry id and category). */
  recipientEntryId: string | null;
  recipientCategory: string | null;
  recipientName: string;
  recipientJobTitle: string;
  releaseMode: "link" | "zip";
}

/** The details as stored on a disclosure row. */
export function disclosureDetails(row: Disclosure): DisclosureDetails {
  return {
    askingOrganisation: row.askingOrganisation,
    askingPerson: row.askingPerson,
    askingRole: row.askingRole,
    askingContact: row.askingContact,
    requestedByEmail: row.requestedByEmail,
    requestReceivedOn: row.requestReceivedOn,
    onBehalfOf: row.onBehalfOf,
    purpose: row.disclosurePurpose,
    lawfulBasis: row.lawfulBasis,
    recipientEntryId: row.recipientEntryId,
    recipientCategory: row.recipientCategory,
    recipientName: row.recipientName,
    recipientJobTitle: row.recipientJobTitle,
    releaseMode: row.releaseMode === "zip" ? "zip" : "link",
  };
}

/** "Sgt Alun Jones (Custody Sergeant), North Wales Police": the asking party, as records name it. */
export function describeAskingParty(d: Pick<DisclosureDetails, "askingPerson" | "askingRole" | "askingOrganisation">): string {
  return `${d.askingPerson}${d.askingRole ? ` (${d.askingRole})` : ""}, ${d.askingOrganisation}`;
}
