/**
 * The DPO (or a disclosure authoriser) records a third party's request for a
 * call recording: the police, HMRC, an insurer. The details are those of the
 * policy's disclosure form (seed 002, Appendix 1). The disclosure rides on an
 * ordinary request for the built-in purpose "Disclosure to a third party", so
 * it is authorised like any other request (by an authoriser the policy lists)
 * and fulfilled by the usual steps; see release-disclosure.ts for what
 * fulfilment then produces.
 *
 * Who asked is stored on the disclosure, never as a policy person: an outside
 * party (name, organisation, role, contact), or a member of staff in the
 * policy on its behalf (`requestedByEmail`). The person recording it never
 * authorises it, except where the policy says `disclosure.recorderMayAuthorise`
 * (a small organisation whose sole DPO records and decides) and the outside
 * party asked directly; the records then say "recorded and authorised by".
 * A member of staff who asked never authorises it.
 */
import { z } from "zod";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { appendAudit } from "../audit/append-audit.ts";
import { AppError } from "../errors.ts";
import { parseInput, withRefusalAudit } from "../guards.ts";
import { findPerson, personByEmail, purposeById } from "../policy/access.ts";
import { DISCLOSURE_PURPOSE_ID } from "../policy/schema.ts";
import { createRequest, parseRequestInput, prepareRequest } from "../requests/submit-request.ts";
import { loadRequestView, type RequestView } from "../requests/request-view.ts";
import { calendarText, isoDate, parseCalendarDate, todayIn } from "../calendar.ts";
import { CARD_NUMBER_MESSAGE, cleanText, containsCardNumber } from "../validation.ts";
import { describeAskingParty, type DisclosureDetails } from "./disclosure-details.ts";
import { loadDisclosureView, type DisclosureView } from "./disclosure-view.ts";
import { describeRecipients, groundIds, matchRecipient, recipientEntryId } from "./permitted-recipients.ts";

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

const optionalText = (max: number) =>
  z
    .string()
    .max(max, `Keep it under ${max.toLocaleString("en-GB")} characters.`)
    .transform(cleanText)
    .refine((v) => !containsCardNumber(v), { message: CARD_NUMBER_MESSAGE })
    .optional();

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
  /** Their role or job title, e.g. "Custody Sergeant". */
  askingRole: optionalText(200),
  /** How to reach them: a telephone number or e-mail; on the form, never in the audit log. */
  askingContact: optionalText(200),
  /**
   * A member of staff in the policy who asked (on the third party's behalf),
   * by e-mail; leave out when the outside party asked directly.
   */
  requestedByEmail: z.string().max(320).optional(),
  /** When the request reached the organisation (YYYY-MM-DD or DD/MM/YYYY), if before today. */
  requestReceivedOn: z.string().max(20).optional(),
  /** The id of the policy's permitted recipient this falls under, where the name alone does not say (a legal obligation). */
  recipientId: z.string().max(100).optional(),
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
  lawfulBasis: optionalText(300),
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
  const recipients = policy.disclosure.permittedRecipients;
  const chosenId = input.recipientId?.trim() || undefined;
  if (chosenId && !recipients.some((r, i) => recipientEntryId(r, i) === chosenId)) {
    throw new AppError("INVALID_INPUT", `"${chosenId.slice(0, 80)}" is not one of the policy's permitted recipients. It lists: ${describeRecipients(recipients)}.`, "recipientId");
  }
  const recipient = matchRecipient(recipients, input.askingOrganisation, chosenId);
  if (!recipient) {
    const grounds = groundIds(recipients);
    throw new AppError(
      "FORBIDDEN",
      chosenId
        ? `"${input.askingOrganisation.slice(0, 80)}" is not the recipient "${chosenId}" the policy describes. It lists: ${describeRecipients(recipients)}.`
        : `"${input.askingOrganisation.slice(0, 80)}" is not one of the recipients ${policy.organisation.name}'s policy permits: ${describeRecipients(recipients)}.${grounds.length ? ` If one of those grounds applies, choose it by its id (${grounds.join(", ")}).` : ""} Check the organisation's name, or ask the Data Protection Officer whether the policy should name it.`,
      chosenId ? "recipientId" : "askingOrganisation",
    );
  }
  const lawfulBasis = input.lawfulBasis || recipient.lawfulBasis;
  if (!lawfulBasis || lawfulBasis.length < 5) {
    throw new AppError("INVALID_INPUT", "Give the lawful basis or exemption the disclosure relies on, for example Schedule 2 Part 1 paragraph 2 DPA 2018 (crime and taxation).", "lawfulBasis");
  }

  // Who asked: the outside party directly, or a member of staff in the policy on its behalf.
  const insider = input.requestedByEmail?.trim() ? findPerson(policy, input.requestedByEmail) : undefined;
  if (input.requestedByEmail?.trim() && !insider) {
    throw new AppError("INVALID_INPUT", `${input.requestedByEmail.slice(0, 80)} is not in ${policy.organisation.name}'s policy. Leave the member of staff out when the outside party asked directly.`, "requestedByEmail");
  }
  const recorderMayAuthorise = policy.disclosure.recorderMayAuthorise && !insider;

  const tz = policy.organisation.timeZone;
  let requestReceivedOn: Date | null = null;
  if (input.requestReceivedOn?.trim()) {
    const parsed = parseCalendarDate(input.requestReceivedOn);
    if (!parsed) throw new AppError("INVALID_INPUT", `"${input.requestReceivedOn.slice(0, 20)}" is not a date: write the date of the request like 18/11/2026.`, "requestReceivedOn");
    if (parsed > todayIn(tz, ctx.clock.now())) throw new AppError("INVALID_INPUT", `The date of the request (${calendarText(parsed)}) is in the future.`, "requestReceivedOn");
    requestReceivedOn = parsed;
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
    reason: describeForAuthorisers({ ...input, lawfulBasis, onBehalfOf, askingRole: input.askingRole || null }, insider?.name, recorderMayAuthorise ? requester.name : undefined).slice(0, 2000),
    submissionKey: input.submissionKey,
  });
  // The DPO may belong to no site, so the call may be searched for everywhere; but where a site's own
  // head can authorise disclosures, the site must be known, or a head elsewhere could authorise it.
  const siteScoped = purpose.approvals.some((slot) => slot.anyOf.some((r) => policy.roles.find((role) => role.id === r)?.scope === "site"));
  const draft = prepareRequest(ctx, requester, purpose, request, {
    siteMayBeOpen: !siteScoped,
    requesterMayAuthorise: recorderMayAuthorise,
    excludeAuthorisers: insider ? [insider.email] : [],
  });
  const requestedBy = insider ? `${insider.name}, ${policy.organisation.name}` : describeAskingParty({ askingPerson: input.askingPerson, askingRole: input.askingRole || null, askingOrganisation: input.askingOrganisation });

  const requestId = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const created = await createRequest(tx, draft, now);
    if (!created.created) return created.id;
    await tx.disclosure.create({
      data: {
        requestId: created.id,
        askingOrganisation: input.askingOrganisation,
        askingPerson: input.askingPerson,
        askingRole: input.askingRole || null,
        askingContact: input.askingContact || null,
        requestedByEmail: insider?.email ?? null,
        requestReceivedOn,
        onBehalfOf,
        disclosurePurpose: input.purpose,
        lawfulBasis,
        recipientEntryId: recipient.id || null,
        recipientCategory: recipient.id ? recipient.category : null,
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
        ...(input.askingRole ? { askingRole: input.askingRole } : {}),
        requestedBy,
        requesterKind: insider ? "staff" : "outside-party",
        ...(insider ? { requestedByEmail: insider.email } : {}),
        recordedBy: requester.email,
        recorderMayAuthorise,
        ...(requestReceivedOn ? { requestReceivedOn: isoDate(requestReceivedOn) } : {}),
        onBehalfOf,
        agreedPurpose: input.purpose,
        lawfulBasis,
        ...(recipient.lawfulBasis && recipient.lawfulBasis !== lawfulBasis ? { policyLawfulBasis: recipient.lawfulBasis } : {}),
        recipient: input.recipientName,
        recipientJobTitle: input.recipientJobTitle,
        conditionAccepted: true,
        releaseMode: input.releaseMode,
        permittedAs: recipient.id ? recipient.label : null,
        ...(recipient.id ? { recipientEntryId: recipient.id, recipientCategory: recipient.category, recipientChosen: recipient.chosen } : {}),
      },
    });
    return created.id;
  });
  return { request: await loadRequestView(ctx.db, policy, requestId), disclosure: await loadDisclosureView(ctx, requestId) };
}

type Described = Pick<DisclosureDetails, "purpose" | "onBehalfOf" | "releaseMode" | "askingPerson" | "askingRole" | "askingOrganisation" | "lawfulBasis" | "recipientName" | "recipientJobTitle">;

function describeForAuthorisers(d: Described, staffName?: string, recorderDecides?: string): string {
  const purpose = d.purpose.replace(/[.;,\s]+$/, "");
  const behalf = d.onBehalfOf ? ` on behalf of ${d.onBehalfOf}` : "";
  const release = d.releaseMode === "zip" ? "as a zip of the audio file and the form" : "by a playback link";
  const asked = staffName ? `Asked by ${staffName} (staff) for ${describeAskingParty(d)}${behalf}` : `Asked by ${describeAskingParty(d)}${behalf}`;
  const decides = recorderDecides ? ` Recorded by ${recorderDecides}, who may also decide it (an outside party's request).` : "";
  return `${purpose}. ${asked}. Lawful basis: ${d.lawfulBasis}. To be released to ${d.recipientName} (${d.recipientJobTitle}) ${release}.${decides}`;
}


