/**
 * The DPO (or a disclosure authoriser) records a third party's request for a
 * call recording: the police, HMRC, an insurer. The details are those of the
 * policy's disclosure form (seed 002, Appendix 1). The disclosure rides on an
 * ordinary request for the built-in purpose "Disclosure to a third party", so
 * it is authorised exactly like any other request (by an authoriser the
 * policy lists, never the person who filled in the form) and fulfilled by the
 * usual steps; see release-disclosure.ts for what fulfilment then produces.
 */
import { z } from "zod";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { parseInput, withRefusalAudit } from "../guards.ts";
import { personByEmail, purposeById } from "../policy/access.ts";
import { DISCLOSURE_PURPOSE_ID } from "../policy/schema.ts";
import { createRequest, parseRequestInput, prepareRequest } from "../requests/submit-request.ts";
import { loadRequestView, type RequestView } from "../requests/request-view.ts";
import { CARD_NUMBER_MESSAGE, cleanText, containsCardNumber } from "../validation.ts";
import type { DisclosureDetails } from "./disclosure-details.ts";
import { loadDisclosureView, type DisclosureView } from "./disclosure-view.ts";
import { checkPermittedRecipient } from "./permitted-recipients.ts";

/** The release modes: a playback link for the requester, or a zip of the audio and the form. */
export const RELEASE_MODES = ["link", "zip"] as const;
export type ReleaseMode = (typeof RELEASE_MODES)[number];

const text = (min: number, max: number, missing: string) =>
  z
    .string()
    .max(max, `Keep it under ${max.toLocaleString("en-GB")} characters.`)
    .transform(cleanText)
    .refine((v) => v.length >= min, { message: missing })
    .refine((v) => !containsCardNumber(v), { message: CARD_NUMBER_MESSAGE });

export const submitDisclosureInput = z.object({
  requesterEmail: z.string().min(1).max(320),
  /** The call's date (YYYY-MM-DD) and approximate time (HH:MM), in the organisation's time zone. */
  date: z.string(),
  time: z.string(),
  windowMinutes: z.number().int().optional(),
  /** The external number, if known; otherwise the extension. */
  number: z.string().max(40).optional(),
  extension: z.string().max(20).optional(),
  direction: z.enum(["inbound", "outbound", "internal"]).optional(),
  siteId: z.string().max(100).optional(),
  /** Who is asking: their organisation and the person. */
  askingOrganisation: text(2, 200, "Give the organisation asking for the recording, for example Thames Valley Police."),
  askingPerson: text(2, 200, "Give the name of the person asking for the recording."),
  /** Whom they ask on behalf of, when it is a third party's request. */
  onBehalfOf: z
    .string()
    .max(300)
    .transform(cleanText)
    .refine((v) => !containsCardNumber(v), { message: CARD_NUMBER_MESSAGE })
    .optional(),
  /** What the recording will be used for. */
  purpose: text(10, 1200, "Say what the disclosure is for (at least 10 characters)."),
  /** The lawful basis or exemption relied on, e.g. "Schedule 2 Part 1 paragraph 2 DPA 2018 (crime and taxation)". */
  lawfulBasis: text(5, 300, "Give the lawful basis or exemption the disclosure relies on, for example Schedule 2 Part 1 paragraph 2 DPA 2018 (crime and taxation)."),
  recipientName: text(2, 200, "Give the name of the person who will receive the recording."),
  recipientJobTitle: text(2, 200, "Give the job title of the person who will receive the recording."),
  /** The recipient has accepted that the recording is used only for the agreed purpose. */
  conditionAccepted: z.boolean({ message: "Say whether the recipient has accepted the condition of use." }),
  releaseMode: z.enum(RELEASE_MODES, { message: "Choose how the recording is released: link (a playback link) or zip (the audio file and the form)." }),
  /** A retried submission with the same key returns the same disclosure. */
  submissionKey: z.string().max(200).optional(),
});

export type SubmitDisclosureInput = z.input<typeof submitDisclosureInput>;

export interface SubmittedDisclosure {
  request: RequestView;
  disclosure: DisclosureView;
}

export async function submitDisclosure(ctx: CoreContext, raw: SubmitDisclosureInput): Promise<SubmittedDisclosure> {
  return withRefusalAudit(ctx, { actorEmail: raw.requesterEmail, action: "disclosure.refused", command: "submit-disclosure" }, () => attemptSubmitDisclosure(ctx, raw));
}

async function attemptSubmitDisclosure(ctx: CoreContext, raw: SubmitDisclosureInput): Promise<SubmittedDisclosure> {
  const input = parseInput(submitDisclosureInput, raw);
  const { policy } = ctx;
  const requester = personByEmail(policy, input.requesterEmail);
  const purpose = purposeById(policy, DISCLOSURE_PURPOSE_ID);

  if (input.conditionAccepted !== true) {
    throw new AppError(
      "INVALID_INPUT",
      `A recording is only released to someone who has accepted that it remains the property of ${policy.organisation.name} and is used only for the purpose agreed. Ask ${input.recipientName} to accept that condition first.`,
      "conditionAccepted",
    );
  }
  const recipient = checkPermittedRecipient(policy.disclosure.permittedRecipients, input.askingOrganisation);
  if (!recipient.permitted) {
    throw new AppError(
      "FORBIDDEN",
      `"${input.askingOrganisation.slice(0, 80)}" is not one of the recipients ${policy.organisation.name}'s policy permits: ${policy.disclosure.permittedRecipients.join("; ")}. Check the organisation's name, or ask the Data Protection Officer whether the policy should name it.`,
      "askingOrganisation",
    );
  }

  const onBehalfOf = input.onBehalfOf || null;
  const request = parseRequestInput({
    requesterEmail: requester.email,
    purposeId: purpose.id,
    type: "recording",
    siteId: input.siteId,
    date: input.date,
    time: input.time,
    windowMinutes: input.windowMinutes,
    direction: input.direction,
    number: input.number,
    extension: input.extension,
    // The authorisers see the request's reason, so it carries the form's essentials.
    reason: describeForAuthorisers({ ...input, onBehalfOf }).slice(0, 2000),
    submissionKey: input.submissionKey,
  });
  // The DPO may belong to no site, so the call may be searched for everywhere; but where a site's own
  // head can authorise disclosures, the site must be known, or a head elsewhere could authorise it.
  const siteScoped = purpose.approvals.some((slot) => slot.anyOf.some((r) => policy.roles.find((role) => role.id === r)?.scope === "site"));
  const draft = prepareRequest(ctx, requester, purpose, request, { siteMayBeOpen: !siteScoped });

  const requestId = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const created = await createRequest(tx, draft, now);
    if (!created.created) return created.id;
    await tx.disclosure.create({
      data: {
        requestId: created.id,
        askingOrganisation: input.askingOrganisation,
        askingPerson: input.askingPerson,
        onBehalfOf,
        disclosurePurpose: input.purpose,
        lawfulBasis: input.lawfulBasis,
        recipientName: input.recipientName,
        recipientJobTitle: input.recipientJobTitle,
        conditionAccepted: true,
        releaseMode: input.releaseMode,
      },
    });
    await appendAudit(tx, {
      at: now,
      actor: requester.email,
      action: "disclosure.requested",
      subjectType: "disclosure",
      subjectId: created.id,
      requestId: created.id,
      purposeId: purpose.id,
      details: {
        reference: created.reference,
        askingOrganisation: input.askingOrganisation,
        askingPerson: input.askingPerson,
        onBehalfOf,
        lawfulBasis: input.lawfulBasis,
        recipient: input.recipientName,
        recipientJobTitle: input.recipientJobTitle,
        conditionAccepted: true,
        releaseMode: input.releaseMode,
        permittedAs: recipient.entry,
      },
    });
    return created.id;
  });
  return { request: await loadRequestView(ctx.db, policy, requestId), disclosure: await loadDisclosureView(ctx, requestId) };
}

function describeForAuthorisers(d: DisclosureDetails): string {
  const purpose = d.purpose.replace(/[.;,\s]+$/, "");
  const behalf = d.onBehalfOf ? ` on behalf of ${d.onBehalfOf}` : "";
  const release = d.releaseMode === "zip" ? "as a zip of the audio file and the form" : "by a playback link";
  return `${purpose}. Asked by ${d.askingPerson}, ${d.askingOrganisation}${behalf}. Lawful basis: ${d.lawfulBasis}. To be released to ${d.recipientName} (${d.recipientJobTitle}) ${release}.`;
}
