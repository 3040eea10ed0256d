/**
 * Logs a subject access request (UK GDPR Article 15) that a member of staff
 * received: anyone in the policy may, by whatever channel it came (letter,
 * e-mail, phone, in person, web form). A channel the policy does not ask for
 * is recorded, never refused (a verbal request is valid in law), and the
 * logger is told what the policy asks. The request goes to the owner the
 * policy names, who is told and owns it; the logger is told who that is.
 *
 * Calls are identified by the subject's numbers or described by day with an
 * approximate time, direction or extension. Without either, or without proof
 * of identity, it waits as "awaiting information" (the clock paused where the
 * policy pauses it) until the owner adds what is missing
 * (add-subject-access-information.ts). The subject's contact details are kept
 * with the case; the audit entry says only that they were recorded.
 *
 * In one transaction: the request, the calls found as items, a
 * SUBJECT_ACCESS hold on them, the audit entries and the notices.
 */
import { z } from "zod";
import type { CoreContext } from "../context.ts";
import { transact } from "../context.ts";
import { calendarText, isoDate } from "../calendar.ts";
import { parseInput, withRefusalAudit } from "../guards.ts";
import { enqueueNotices } from "../notify/enqueue-notices.ts";
import { personByEmail } from "../policy/access.ts";
import { nextReference } from "../references.ts";
import {
  callDescriptionInput,
  CHANNEL_TEXT,
  channelAdvice,
  chooseOwner,
  contactInput,
  describeCall,
  descriptionsJson,
  findCallsFor,
  MISSING_TEXT,
  missingInformation,
  parseCallDescriptions,
  pauseReasonFor,
  readChannel,
  readContact,
  readIdentityVerification,
} from "./subject-access-intake.ts";
import { dueOnFor, subjectAccessTeam, todayFor } from "./subject-access-rules.ts";
import { holdSubjectCalls, normaliseNumbers, readReceivedOn, readSubjectName } from "./open-subject-access.ts";

const MAX_NUMBERS = 10;

export const logSubjectAccessInput = z.strictObject({
  actorEmail: z.string().min(1).max(320),
  /** The data subject's name as they gave it. */
  subjectName: z.string().max(200, "The name is too long (at most 200 characters)."),
  /** letter, email, phone, in-person or web-form. */
  channel: z.string().max(20),
  /** The day it was received: a Date, "2026-11-20" or "20/11/2026". */
  receivedOn: z.union([z.date(), z.string().max(20)]),
  /** Numbers the subject used for the calls, as typed. */
  numbers: z.array(z.string().max(40, "That is too long to be a phone number.")).max(MAX_NUMBERS, `Give at most ${MAX_NUMBERS} numbers.`).default([]),
  /** Calls described without a number. */
  calls: z.array(callDescriptionInput).default([]),
  /** How to reach the subject: kept with the case only. */
  contact: contactInput.optional(),
  /** How identity was verified; leave out while waiting for proof. */
  identityVerification: z.string().max(500).optional(),
  /** The subject is a member of staff asking for their own calls (goes to `employeeOwnerRoles` where the policy names them). */
  subjectIsStaff: z.boolean().default(false),
  /** A particular owner (who must hold an owner role); otherwise the policy's. */
  owner: z.string().max(320).optional(),
});

export type LogSubjectAccessInput = z.input<typeof logSubjectAccessInput>;

/** What the person who logged it is shown: not the subject's calls, only what happens next. */
export interface LoggedSubjectAccess {
  id: string;
  reference: string;
  owner: { email: string; name: string };
  channel: string;
  /** The policy asks for another channel: what to tell the subject. */
  channelAdvice: string | null;
  awaitingInformation: string[];
  dueText: string | null;
  lines: string[];
}

export async function logSubjectAccess(ctx: CoreContext, raw: LogSubjectAccessInput): Promise<LoggedSubjectAccess> {
  return withRefusalAudit(ctx, { actorEmail: raw.actorEmail, action: "subject-access.refused", command: "log-subject-access" }, () => attemptLogSubjectAccess(ctx, raw));
}

async function attemptLogSubjectAccess(ctx: CoreContext, raw: LogSubjectAccessInput): Promise<LoggedSubjectAccess> {
  const input = parseInput(logSubjectAccessInput, raw);
  const logger = personByEmail(ctx.policy, input.actorEmail);
  const subjectName = readSubjectName(input.subjectName);
  const channel = readChannel(input.channel);
  const today = todayFor(ctx);
  const receivedOn = readReceivedOn(input.receivedOn, today);
  const numbers = normaliseNumbers(input.numbers);
  const descriptions = parseCallDescriptions(input.calls, today);
  const contact = readContact(input.contact);
  const identity = readIdentityVerification(input.identityVerification);
  const owner = chooseOwner(ctx.policy, logger, input.owner, input.subjectIsStaff);
  const advice = channelAdvice(ctx.policy, channel);
  const missing = missingInformation({ numbers, descriptions, identity: identity || null });
  const pause = missing.length > 0 && ctx.policy.subjectAccess.pauseClockForIdentity;

  const result = await transact(ctx, async (tx) => {
    const now = ctx.clock.now();
    const reference = await nextReference(tx, "SAR");
    const found = await findCallsFor(tx, ctx.policy, numbers, descriptions, now);
    const dueOn = dueOnFor(ctx.policy, { receivedOn, pausedDays: 0, extendedByMonths: 0 });
    const sar = await tx.subjectAccessRequest.create({
      data: {
        reference,
        subjectName,
        numbers,
        identityVerification: identity || null,
        receivedOn,
        pausedSince: pause ? receivedOn : null,
        pauseReason: pause ? pauseReasonFor(missing) : null,
        dueOn,
        ownerEmail: owner.email,
        openedAt: now,
        channel,
        loggedBy: logger.email,
        contactEmail: contact.email ?? null,
        contactPhone: contact.phone ?? null,
        contactAddress: contact.address ?? null,
        callDescriptions: descriptionsJson(descriptions),
        awaitingInformation: missing,
        subjectIsStaff: input.subjectIsStaff,
      },
    });
    const { hold } = await holdSubjectCalls(tx, { sarId: sar.id, reference, numbers, found, actorEmail: logger.email, now }, (held) => ({
      reference,
      channel,
      channelAskedByPolicy: advice === null,
      loggedBy: logger.email,
      owner: owner.email,
      subjectIsStaff: input.subjectIsStaff,
      maskedNumbers: held.maskedNumbers,
      callsDescribed: descriptions.length,
      contactRecorded: Object.keys(contact).length > 0,
      receivedOn: isoDate(receivedOn),
      dueOn: isoDate(dueOn),
      identityVerified: identity.length > 0,
      awaitingInformation: missing,
      paused: pause,
      recordings: held.recordings,
      callLogs: held.callLogs,
      matchedByDescription: found.filter((r) => r.matchedBy === "description").length,
      holdReference: held.holdReference,
    }));

    const stateLine = missing.length > 0
      ? `It is awaiting information: ${missing.map((m) => MISSING_TEXT[m]).join("; ")}.${pause ? " The clock is paused until it arrives." : ` The clock still runs: due by ${calendarText(dueOn)}.`}`
      : `Received ${calendarText(receivedOn)}; due by ${calendarText(dueOn)}.`;
    const ownerLines = [
      `${logger.email === owner.email ? "You logged it" : `${logger.name} logged it`} (received by ${CHANNEL_TEXT[channel]} on ${calendarText(receivedOn)}). You own it.`,
      stateLine,
      ...(descriptions.length > 0 ? [`Calls described: ${descriptions.map(describeCall).join("; ")}.`] : []),
      `${found.length} call${found.length === 1 ? "" : "s"} found and placed on hold ${hold.reference}.`,
      ...(advice ? [advice] : []),
    ];
    const teamLines = [`${logger.name} logged it; ${owner.name} owns it.`, stateLine, `${found.length} call${found.length === 1 ? "" : "s"} found and placed on hold ${hold.reference}.`];
    const loggerLines = [
      `${reference} is logged.${logger.email === owner.email ? " You own it." : ` ${owner.name} owns it and has been told; pass anything more the subject sends to them.`}`,
      missing.length > 0 ? `It is awaiting information: ${missing.map((m) => MISSING_TEXT[m]).join("; ")}.` : `It is due by ${calendarText(dueOn)}.`,
      ...(advice ? [advice] : []),
    ];
    const others = subjectAccessTeam(ctx.policy, owner.email, logger.email).filter((to) => to !== owner.email);
    await enqueueNotices(tx, now, [
      ...(owner.email !== logger.email ? [{ to: owner.email, kind: "compliance-notice" as const, payload: { title: `Subject access request ${reference} is yours`, lines: ownerLines } }] : []),
      ...others.map((to) => ({ to, kind: "compliance-notice" as const, payload: { title: `Subject access request ${reference} logged`, lines: teamLines } })),
    ]);
    return { id: sar.id, reference, loggerLines, dueOn };
  });

  return {
    id: result.id,
    reference: result.reference,
    owner: { email: owner.email, name: owner.name },
    channel,
    channelAdvice: advice,
    awaitingInformation: missing,
    dueText: pause ? null : calendarText(result.dueOn),
    lines: result.loggerLines,
  };
}
