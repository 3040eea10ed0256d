/**
 * The third party's side of a disclosure, as the disclosure form records it:
 * who asked, for what and on what basis, and who receives the recording and
 * how. The form, the view and the release all carry these same details.
 */
import type { Disclosure } from "../../generated/prisma/client.ts";

export interface DisclosureDetails {
  askingOrganisation: string;
  askingPerson: string;
  onBehalfOf: string | null;
  purpose: string;
  lawfulBasis: string;
  recipientName: string;
  recipientJobTitle: string;
  releaseMode: "link" | "zip";
}

/** The details as stored on a disclosure row. */
export function disclosureDetails(row: Disclosure): DisclosureDetails {
  return {
    askingOrganisation: row.askingOrganisation,
    askingPerson: row.askingPerson,
    onBehalfOf: row.onBehalfOf,
    purpose: row.disclosurePurpose,
    lawfulBasis: row.lawfulBasis,
    recipientName: row.recipientName,
    recipientJobTitle: row.recipientJobTitle,
    releaseMode: row.releaseMode === "zip" ? "zip" : "link",
  };
}
