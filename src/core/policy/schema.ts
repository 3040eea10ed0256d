/**
 * The shape of an organisation's policy file. One YAML file per organisation
 * says who may ask for a recording, why, who authorises it, how long access
 * lasts and how long recordings are kept. Validated once, at start.
 */
import { z } from "zod";
import { addDuration, parseDuration, type PolicyDuration } from "./duration.ts";
import { parseCalendarDate } from "../calendar.ts";
import { findDefaulted, liftProvenance, type Provenance } from "./provenance.ts";

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be lower-case letters, digits and hyphens (for example head-of-operations)");

const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("must be an e-mail address"));

const duration = z.string().transform((text, ctx): PolicyDuration => {
  const parsed = parseDuration(text);
  if (!parsed) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not a duration: write it like "7 days", "12 months" or "3 years"` });
    return z.NEVER;
  }
  return parsed;
});

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en-GB", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: "is not a time zone (for example Europe/London)" },
);

export const NATIONS = ["england-and-wales", "scotland", "northern-ireland"] as const;

const extension = z.string().regex(/^[0-9*#]{1,10}$/, "must be digits, written in quotes (for example \"101\")");

const siteSchema = z.strictObject({
  id,
  name: z.string().min(1),
  /** E-mail of the site's head, for documentation and explain output. */
  head: email.optional(),
  /**
   * Phone extensions that ring at this site, so a call whose export names only
   * an extension can still be placed at its site (and under its principal).
   */
  extensions: z.array(extension).default([]),
});

const roleSchema = z.strictObject({
  id,
  label: z.string().min(1),
  /**
   * `organisation`: the role applies to every site. `site`: only to requests
   * about the sites the person belongs to (an academy's own principal).
   */
  scope: z.enum(["organisation", "site"]).default("organisation"),
});

const personSchema = z.strictObject({
  email,
  name: z.string().min(1).max(200),
  roles: z.array(id).default([]),
  /** Sites the person belongs to; needed for site-scoped roles. */
  sites: z.array(id).default([]),
  /** Phone extensions the person answers, so their own calls can be found. */
  extensions: z.array(extension).default([]),
  /** E-mail of the person's line manager, told of a breach they report where `breaches.notifyLineManager` says so (ECS). */
  lineManager: email.optional(),
});

/** How a subject access request reached the organisation. */
export const SUBJECT_ACCESS_CHANNELS = ["letter", "email", "phone", "in-person", "web-form"] as const;
/** Grounds for refusing a subject access request in whole or part. */
export const SUBJECT_ACCESS_REFUSAL_GROUNDS = ["others-rights", "investigation", "unfounded", "excessive", "other"] as const;
/** What a subject may be given when a request is answered. */
export const SUBJECT_ACCESS_OUTPUTS = ["audio-copy", "transcript", "links", "heard-in-person"] as const;

const approvalSlotSchema = z.strictObject({
  /** Any one of these roles fills the slot. */
  anyOf: z.array(id).min(1),
  label: z.string().optional(),
});

export const REQUEST_TYPES = ["recording", "call-log"] as const;

const purposeSchema = z.strictObject({
  id,
  label: z.string().min(1).max(80),
  lawfulBasis: z.string().min(1),
  reasonPrompt: z.string().min(1).max(300),
  minReasonLength: z.number().int().min(0).max(2000).default(20),
  /** Roles that may request for this purpose; defaults to `requesting.roles`. */
  requestableBy: z.array(id).min(1).optional(),
  /** The requester may only ask about calls they took part in. */
  ownCallsOnly: z.boolean().default(false),
  /**
   * Who authorises a request for this purpose. `approvals`: the people the
   * approvals below name (never the requester). `requester`: the requester's
   * own role decides, as Vision Academy §3.1 has the Senior Leadership Team
   * member "decide upon course of action"; the request is authorised as it
   * is made and goes straight to the fulfillers, who have no veto. Then no
   * approvals are listed.
   */
  authorisation: z.enum(["approvals", "requester"]).default("approvals"),
  /**
   * Each entry is one approval to collect, from a distinct person holding one
   * of its roles. Two entries mean two different people must approve.
   * Required unless `authorisation` is `requester` (checked in checkReferences).
   */
  approvals: z.array(approvalSlotSchema).max(5).default([]),
  /**
   * A note every approval must carry (LIFE §2: why listening is necessary;
   * ECS: the data controller's written agreement), shown to the requester
   * and later authorisers, kept with the decision and in the audit log.
   */
  approvalNote: z.strictObject({ prompt: z.string().min(1).max(300), minLength: z.number().int().min(1).max(2000).default(20) }).optional(),
  /**
   * Whether the request names the member of staff it concerns (North Wales
   * Housing Appendix 1 row 4: a staff investigation). That person, like
   * anyone who was a party to the call, can never authorise it.
   */
  concernsStaffMember: z.enum(["none", "optional", "required"]).default("none"),
  /** Whether the recorded employee must consent before access (training use). */
  consent: z.enum(["none", "recorded-employee"]).default("none"),
  requestTypes: z.array(z.enum(REQUEST_TYPES)).min(1).default(["recording", "call-log"]),
  /** Overrides `playback.accessWindow` for this purpose. */
  accessWindow: duration.optional(),
});

/**
 * Personal data breaches (UK GDPR Article 33): who is told of a report, who
 * may close one, how long the organisation has to tell the ICO and when it
 * is reminded. Anyone in the policy may report a breach.
 */
const breachesSchema = z.strictObject({
  /** Roles told of every breach reported; defaults to the DPO's roles. */
  notifyRoles: z.array(id).min(1).optional(),
  /** Also tell the reporter's line manager (people[].lineManager), as ECS asks. */
  notifyLineManager: z.boolean().default(false),
  /** Roles that may record the ICO decision and close a breach; defaults to the DPO's roles. */
  closeRoles: z.array(id).min(1).optional(),
  /** From discovery to the ICO deadline (Article 33: 72 hours). */
  reportWithin: duration.default(parseDuration("72 hours")!),
  /** Remind when this many hours are left (and once when overdue). */
  remindHoursBefore: z.array(z.number().int().min(1).max(72)).max(5).default([24, 4]),
  /** The policy the organisation handles breaches under, named in notices (North Wales Housing: the Information Security and Data Breach Policy). */
  procedure: z.string().min(1).max(200).optional(),
});

const BREACH_DEFAULTS = { notifyLineManager: false, reportWithin: parseDuration("72 hours")!, remindHoursBefore: [24, 4] };

/** A stated storage limit (North Wales Housing §1.4: 100,000 recordings within 90 days). */
const capacitySchema = z.strictObject({
  maxRecordings: z.number().int().positive(),
  /** The rolling window the limit counts over, e.g. "90 days". */
  per: duration,
  /** Percentages of the limit at which the DPO is warned, once per crossing. */
  warnAt: z.array(z.number().int().min(1).max(100)).min(1).max(5).default([80, 95]),
});

const contactSchema = z.strictObject({
  name: z.string().min(1).max(200),
  address: z.string().min(1).max(500).optional(),
  phone: z.string().min(1).max(100).optional(),
  email: email.optional(),
  website: z.string().min(1).max(200).optional(),
});

/** Where the policy sends people for things Callgate does not do itself. All optional. */
const routesSchema = z.strictObject({
  /** The complaints procedure, and the roles that handle complaints (North Wales Housing: Customer Service Team Leader with the DPO). */
  complaints: z.strictObject({ procedure: z.string().min(1).max(200), handledBy: z.array(id).default([]), contact: z.string().max(300).optional() }).optional(),
  /** The policy misuse is dealt with under ("the Trust Disciplinary policy"). */
  disciplinary: z.strictObject({ policy: z.string().min(1).max(200) }).optional(),
  /** The supervisory authority's contact details (the Information Commissioner's Office). */
  ico: contactSchema.optional(),
  /** How card payments are taken instead of on a recorded line ("Allpay"). */
  cardPayments: z.strictObject({ handledBy: z.string().min(1).max(200), instructions: z.string().max(300).optional() }).optional(),
});

/**
 * A class a recording can be preserved under: kept past its retention for
 * `period` from the day it is preserved (or until released, without one),
 * and reviewed every `reviewEvery` (North Wales Housing: the Document and
 * Data Retention Policy).
 */
const preservationClassSchema = z.strictObject({
  id,
  label: z.string().min(1).max(120),
  period: duration.optional(),
  reviewEvery: duration.default(parseDuration("12 months")!),
});

const preservationSchema = z.strictObject({
  /** Roles that may preserve a recording (the DPO always may); a site-scoped role only its sites' recordings. */
  roles: z.array(id).default([]),
  classes: z.array(preservationClassSchema).default([]),
  /** Remind whoever preserved a recording (and the DPO) this long before its review date. */
  remindBeforeReview: duration.default(parseDuration("14 days")!),
});

const PRESERVATION_DEFAULTS = { roles: [], classes: [], remindBeforeReview: parseDuration("14 days")! };

export const ARCHIVE_TIERS = ["Cool", "Cold", "Archive"] as const;

const archiveSchema = z.strictObject({
  /** Age (from the call) at which a recording's audio moves tier. */
  after: duration,
  /** Azure Blob access tier: Cool and Cold play at once; Archive must be rehydrated first (hours). */
  tier: z.enum(ARCHIVE_TIERS).default("Cool"),
});

/**
 * Kinds of body a disclosure may go to. `named-on-form` and `legal-obligation`
 * entries are grounds rather than bodies: usually written with
 * `anyOrganisation: true`, so the DPO chooses them by id for the request at hand.
 */
export const RECIPIENT_CATEGORIES = [
  "law-enforcement",
  "tax-authority",
  "regulator",
  "local-authority",
  "service-provider",
  "legal-obligation",
  "data-subject",
  "named-on-form",
  "other",
] as const;

/**
 * A body the policy lets recordings go to. An asking organisation is this
 * recipient when its name contains the label, an alias or a `matches` phrase
 * as whole words, ignoring case and punctuation ("North Wales Police" holds
 * "police"; "H.M. Revenue & Customs" holds "hm revenue and customs").
 */
const recipientSchema = z.strictObject({
  id,
  label: z.string().trim().min(1).max(200),
  category: z.enum(RECIPIENT_CATEGORIES, { message: `must be one of: ${RECIPIENT_CATEGORIES.join(", ")}` }),
  /** Other names of the same body: "HMRC", "HM Revenue and Customs". */
  aliases: z.array(z.string().trim().min(1).max(200)).default([]),
  /** Words or phrases that make an organisation one of these bodies: "police", "constabulary". */
  matches: z.array(z.string().trim().min(1).max(80)).default([]),
  /** The lawful basis or exemption a disclosure to it relies on; the form's lawful basis defaults to it. */
  lawfulBasis: z.string().trim().min(1).max(300).optional(),
  /**
   * Any organisation may be this recipient, when the person recording the
   * disclosure chooses this entry (a third party named on an authorised form;
   * a body the organisation is legally obliged to share with).
   */
  anyOrganisation: z.boolean().default(false),
});

/**
 * A permitted recipient as the policy writes it: an entry with a category
 * and aliases, or (the older form, still read) a plain sentence such as
 * "Police (§8)", matched by its words.
 */
const plainRecipientSchema = z.string().trim().min(1, "must not be empty");
const permittedRecipientSchema = z
  .custom<string | z.input<typeof recipientSchema>>()
  // Not a z.union: a union reports only "Invalid input"; this reports the entry's own problems.
  .transform((value, ctx): string | z.output<typeof recipientSchema> => {
    const parsed = typeof value === "string" ? plainRecipientSchema.safeParse(value) : recipientSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });

const calendarDay = z.string().transform((text, ctx): Date => {
  const date = parseCalendarDate(text);
  if (!date) {
    ctx.addIssue({ code: "custom", message: `"${text.slice(0, 40)}" is not a date: write it like "31/05/2024"` });
    return z.NEVER;
  }
  return date;
});

/**
 * The written policy's own review (Vision Academy: "Date of Next Review: May
 * 2024"; North Wales Housing: "every three years"). The review is due on
 * `due`, or `every` after `adopted`; `note` keeps the document's words.
 */
const reviewSchema = z
  .strictObject({
    due: calendarDay.optional(),
    adopted: calendarDay.optional(),
    every: duration.optional(),
    note: z.string().min(1).max(300).optional(),
  })
  .refine((r) => r.due || r.adopted || r.every || r.note, { message: "say when the policy is reviewed: due (a date), adopted and every, or a note" });

/**
 * Which calls are recorded and which are not, and what a caller who objects
 * can do (Oxford Open Learning: "Which calls will be recorded?", "Calls that
 * are not routinely recorded", "What if the caller objects"). The phone
 * system does the recording; Callgate only says it.
 */
const recordedCallsSchema = z.strictObject({
  recorded: z.array(z.string().trim().min(1).max(300)).default([]),
  notRecorded: z.array(z.string().trim().min(1).max(300)).default([]),
  /** What a caller who does not want to be recorded can do instead. */
  objections: z.string().trim().min(1).max(500).optional(),
});

const policyObject = z
  .strictObject({
    version: z.literal(1),
    organisation: z.strictObject({
      name: z.string().min(1),
      timeZone: timeZone.default("Europe/London"),
      /** Which UK bank holidays move deadlines. */
      nation: z.enum(NATIONS).default("england-and-wales"),
      /** Where the written policy this file expresses came from. */
      source: z.string().optional(),
      /** When the written policy is next reviewed, as it says; `policy check` warns once it has passed. */
      review: reviewSchema.optional(),
      /** Which calls the phone system records, as the policy says (done outside Callgate; `policy explain` states it). */
      recordedCalls: recordedCallsSchema.optional(),
    }),
    sites: z.array(siteSchema).min(1),
    roles: z.array(roleSchema).min(1),
    people: z.array(personSchema).min(1),
    requesting: z.strictObject({
      /** Roles that may make requests, unless a purpose says otherwise. */
      roles: z.array(id).min(1),
      /** The widest time window a requester may search. */
      maxWindowHours: z.number().positive().max(24 * 31).default(24),
      /**
       * `if-known`: the requester may leave the call's time out, and the whole
       * day is searched (ECS, North Wales Housing: "date and time if known").
       */
      callTime: z.enum(["required", "if-known"]).default("required"),
      /**
       * `required`: the request must say whether the call was inbound or
       * outbound (Vision Academy §3.1: "if the call was inbound or outbound").
       */
      callDirection: z.enum(["required", "if-known"]).default("if-known"),
      /**
       * `required`: the request gives the external number or the extension
       * (unless its purpose is the requester's own calls). `if-known` (ECS:
       * the extension and the external number "if known", "Where possible,
       * the names of all parties"): both may be left out where the request
       * names the parties; the fulfillers then pick the call from its day and
       * those names, never Callgate automatically. A request giving none of
       * the three is refused.
       */
      callNumber: z.enum(["required", "if-known"]).default("required"),
      /**
       * The most days a requester may give as a range (from one date to
       * another) when they do not know the call's day; 0 allows no range.
       * A day without a time, or a range, is capped by this, not by maxWindowHours.
       */
      maxRangeDays: z.number().int().min(0).max(31).default(0),
      /** Remind authorisers when a request has waited this long. */
      remindAfter: duration.default(parseDuration("1 day")!),
      /** Close a request nobody has decided after this long. */
      expireAfter: duration.default(parseDuration("14 days")!),
    }),
    purposes: z.array(purposeSchema).min(1),
    fulfilment: z.strictObject({
      /**
       * `automatic`: a recording is matched when exactly one candidate fits,
       * otherwise a fulfiller picks. `fulfiller`: a fulfiller always picks.
       */
      mode: z.enum(["automatic", "fulfiller"]),
      /** Who picks the recording (from metadata only, never listening). */
      roles: z.array(id).min(1),
    }),
    playback: z
      .strictObject({
        accessWindow: duration.default(parseDuration("7 days")!),
        allowDownload: z.literal(false).default(false),
        /** A link ends when its recording is due for deletion; the requester is told this long before (jobs/notify-grant-deletion.ts). */
        deletionNotice: duration.default(parseDuration("2 days")!),
      })
      .default({ accessWindow: parseDuration("7 days")!, allowDownload: false, deletionNotice: parseDuration("2 days")! }),
    retention: z.strictObject({
      default: duration,
      /** Per-site retention, by site id. */
      sites: z.record(id, duration).default({}),
      /** Per-class retention (a recording's class is set at import), by class id. */
      classes: z.record(id, duration).default({}),
      /** Who besides the DPO may keep a recording past its deletion, and under which classes (holds/preserve-recording.ts). */
      preservation: preservationSchema.default(PRESERVATION_DEFAULTS),
      /** Remind whoever preserved a recording (and the DPO) this long before its preservation ends and it becomes due for deletion. */
      remindBeforeDeletion: duration.optional(),
      /** Move recordings' audio to a cheaper Azure Blob tier after a period (ECS: "periodically archived"). */
      archive: archiveSchema.optional(),
    }),
    subjectAccess: z.strictObject({
      /** Roles that own subject access requests. */
      ownerRoles: z.array(id).min(1),
      deadline: duration.default(parseDuration("1 month")!),
      maxExtension: duration.default(parseDuration("2 months")!),
      pauseClockForIdentity: z.boolean().default(true),
      /** Where requests are sent, as the policy publishes it. */
      contact: z.string().optional(),
      /**
       * The ways the policy asks requests to come in (LIFE §7, ECS: in writing).
       * A request by any other way is still logged, as the law allows, and the
       * person logging it is told what the policy asks.
       */
      channels: z.array(z.enum(SUBJECT_ACCESS_CHANNELS)).min(1).default([...SUBJECT_ACCESS_CHANNELS]),
      /** Roles that own a request from a member of staff for their own calls (Oxford Open Learning: the HR manager); otherwise `ownerRoles`. */
      employeeOwnerRoles: z.array(id).min(1).optional(),
      /** Whether a DPO who does not own a request may still close, refuse or extend it. */
      dpoMayClose: z.boolean().default(true),
      /** The grounds the policy lets an owner refuse on, in whole or part (LIFE §7: others' rights, an investigation). */
      refusalGrounds: z.array(z.enum(SUBJECT_ACCESS_REFUSAL_GROUNDS)).min(1).default([...SUBJECT_ACCESS_REFUSAL_GROUNDS]),
      /** What the organisation may give the subject (Oxford Open Learning: a transcript or recording; ECS: hear it). */
      outputs: z.array(z.enum(SUBJECT_ACCESS_OUTPUTS)).min(1).default([...SUBJECT_ACCESS_OUTPUTS]),
    }),
    disclosure: z.strictObject({
      /** Roles that may authorise a disclosure to a third party. */
      authoriserRoles: z.array(id).min(1),
      /** Roles that may fill in a disclosure form; defaults to the DPO's roles and the authorisers'. */
      requestableBy: z.array(id).min(1).optional(),
      /** Who may receive recordings, as the policy lists them (entries with a category, or plain sentences). */
      permittedRecipients: z.array(permittedRecipientSchema).default([]),
      /**
       * The organisation's own policy a third party's request is assessed
       * under (LIFE §8: "the school's Third Party Request for Information
       * policy"). Every authorisation of a disclosure then carries a note of
       * that assessment (the disclosure purpose's approvalNote).
       */
      assessUnder: z.string().trim().min(1).max(200).optional(),
      /**
       * The person who records an outside party's request (the police, HMRC)
       * may also decide it: a small organisation whose sole DPO or data
       * controller both records and authorises. Never when the request comes
       * from someone in the policy. Off by default (separation of duties).
       */
      recorderMayAuthorise: z.boolean().default(false),
      /**
       * What the disclosure form needs to say which call it was. `required`
       * (the default): the external number or the extension. `if-known`
       * (North Wales Housing release form item 1: "Date, time and telephone
       * number (if known)"): both may be left out; the call is then picked by
       * the people who find recordings from its day and time and the form's
       * other details, never matched by Callgate alone. Ordinary requests
       * follow `requesting.callNumber`.
       */
      callNumber: z.enum(["required", "if-known"]).default("required"),
    }),
    covertMonitoring: z
      .strictObject({
        allowed: z.boolean(),
        authoriserRoles: z.array(id).default([]),
        reviewEvery: duration.default(parseDuration("1 month")!),
        /** The only grounds it may be authorised on (LIFE §4); when listed, each authorisation names one. */
        grounds: z.array(z.strictObject({ id, label: z.string().min(1).max(300) })).max(10).default([]),
      })
      .default({ allowed: false, authoriserRoles: [], reviewEvery: parseDuration("1 month")!, grounds: [] }),
    compliance: z.strictObject({
      /** Roles with the Data Protection Officer's powers (audit, holds, erasure). */
      dpoRoles: z.array(id).min(1),
      /** Roles that may propose, confirm and cancel an erasure (right to be forgotten); defaults to the DPO's roles. */
      erasureRoles: z.array(id).min(1).optional(),
      /** Roles that may export a subject's data (data portability); defaults to the DPO's roles. */
      portabilityRoles: z.array(id).min(1).optional(),
    }),
    breaches: breachesSchema.default(BREACH_DEFAULTS),
    capacity: capacitySchema.optional(),
    routes: routesSchema.default({}),
    /** Lifted from the `section:` and `assumed:` keys of every part (provenance.ts); never written as such. */
    provenance: z.custom<Provenance>().default({ notes: {}, given: [], defaulted: [] }),
  });

/**
 * The policy file's schema. Once valid, the purposes Callgate builds in
 * (`internalPurposes`) are added from the policy's own settings.
 */
export const policySchema = z.preprocess(
  liftProvenance,
  policyObject
    .superRefine((policy, ctx) => checkReferences(policy, ctx))
    .transform((policy) => ({
      ...policy,
      provenance: { ...policy.provenance, defaulted: findDefaulted(policy, policy.provenance.given, ["provenance"]) },
      internalPurposes: [disclosurePurpose(policy)],
    })),
);

export type Policy = z.output<typeof policySchema>;
export type PolicyInput = Omit<z.input<typeof policyObject>, "provenance">;
/**
 * A purpose from the policy file, or one Callgate builds in (`internal`):
 * internal purposes are authorised like any other but only reached through
 * their own command (the disclosure form), never offered on the request form.
 */
export type Purpose = z.output<typeof purposeSchema> & { internal?: true };
export type Person = Policy["people"][number];
export type Role = Policy["roles"][number];
export type Site = Policy["sites"][number];
export type ApprovalSlot = Purpose["approvals"][number];
export type RequestTypeName = (typeof REQUEST_TYPES)[number];
/** A permitted recipient in its full form (a plain sentence is read as one by permitted-recipients.ts). */
export type PermittedRecipient = z.output<typeof recipientSchema>;
export type RecipientCategory = (typeof RECIPIENT_CATEGORIES)[number];

/** The built-in purpose a disclosure to a third party (police, HMRC, an insurer) rides on. */
export const DISCLOSURE_PURPOSE_ID = "third-party-disclosure";

/**
 * The disclosure purpose, from the policy's `disclosure` section: one approval
 * from an authoriser the policy lists; asked for by the DPO or an authoriser
 * unless `disclosure.requestableBy` says otherwise.
 */
function disclosurePurpose(policy: z.output<typeof policyObject>): Purpose {
  const requestableBy = policy.disclosure.requestableBy ?? [...new Set([...policy.compliance.dpoRoles, ...policy.disclosure.authoriserRoles])];
  return {
    id: DISCLOSURE_PURPOSE_ID,
    label: "Disclosure to a third party",
    lawfulBasis: "As recorded on the disclosure form (purpose and lawful basis or exemption)",
    reasonPrompt: "What is the disclosure for?",
    minReasonLength: 10,
    requestableBy,
    ownCallsOnly: false,
    authorisation: "approvals",
    approvals: [{ anyOf: policy.disclosure.authoriserRoles }],
    ...(policy.disclosure.assessUnder ? { approvalNote: disclosureAssessmentNote(policy.disclosure.assessUnder) } : {}),
    concernsStaffMember: "none",
    consent: "none",
    requestTypes: ["recording"],
    internal: true,
  };
}

/** The note each disclosure authorisation carries where the policy names the policy requests are assessed under. */
function disclosureAssessmentNote(assessUnder: string): { prompt: string; minLength: number } {
  return { prompt: `Record your assessment of the request under the ${assessUnder.replace(/^the\s+/i, "")}: how does it meet that policy?`, minLength: 20 };
}

/** Every role, site and person a policy names must be defined in it, once. */
function checkReferences(policy: z.output<typeof policyObject>, ctx: z.RefinementCtx): void {
  const roleIds = new Set(policy.roles.map((r) => r.id));
  const siteIds = new Set(policy.sites.map((s) => s.id));
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });

  const duplicates = <T>(items: T[], key: (t: T) => string, path: string, what: string) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const k = key(item);
      if (seen.has(k)) issue([path, i], `${what} "${k}" is defined twice`);
      seen.add(k);
    });
  };
  duplicates(policy.roles, (r) => r.id, "roles", "role");
  duplicates(policy.sites, (s) => s.id, "sites", "site");
  duplicates(policy.people, (p) => p.email, "people", "person");
  duplicates(policy.purposes, (p) => p.id, "purposes", "purpose");
  policy.purposes.forEach((purpose, i) => {
    if (purpose.id === DISCLOSURE_PURPOSE_ID) {
      issue(["purposes", i, "id"], `"${DISCLOSURE_PURPOSE_ID}" is reserved for Callgate's built-in disclosure purpose (set it up under disclosure); give this purpose another id`);
    }
  });

  const roleRefs = (roles: string[], path: (string | number)[]) =>
    roles.forEach((r, i) => {
      if (!roleIds.has(r)) issue([...path, i], `role "${r}" is not defined under roles`);
    });
  const siteRef = (site: string, path: (string | number)[]) => {
    if (!siteIds.has(site)) issue(path, `site "${site}" is not defined under sites`);
  };

  const extensionSite = new Map<string, string>();
  policy.sites.forEach((s, i) => {
    s.extensions.forEach((ext, j) => {
      const other = extensionSite.get(ext);
      if (other !== undefined) issue(["sites", i, "extensions", j], `extension ${ext} is already listed under site "${other}"`);
      else extensionSite.set(ext, s.id);
    });
    if (s.head && !policy.people.some((p) => p.email === s.head)) issue(["sites", i, "head"], `head ${s.head} is not listed under people`);
  });
  policy.people.forEach((p, i) => {
    roleRefs(p.roles, ["people", i, "roles"]);
    p.sites.forEach((s, j) => siteRef(s, ["people", i, "sites", j]));
    const siteScoped = p.roles.filter((r) => policy.roles.find((role) => role.id === r)?.scope === "site");
    if (siteScoped.length > 0 && p.sites.length === 0) {
      issue(["people", i, "sites"], `${p.email} holds the site role "${siteScoped[0]}" but belongs to no site`);
    }
  });
  roleRefs(policy.requesting.roles, ["requesting", "roles"]);
  policy.purposes.forEach((purpose, i) => {
    if (purpose.requestableBy) roleRefs(purpose.requestableBy, ["purposes", i, "requestableBy"]);
    if (purpose.authorisation === "requester" && purpose.approvals.length > 0) {
      issue(["purposes", i, "approvals"], `purpose "${purpose.id}" is authorised by the requester's own role (authorisation: requester), so it cannot also list approvals: remove the approvals, or remove authorisation: requester`);
    }
    if (purpose.authorisation === "requester" && purpose.approvalNote) {
      issue(["purposes", i, "approvalNote"], `purpose "${purpose.id}" is authorised by the requester's own role, so nobody approves it and there is no approval to carry a note: remove approvalNote`);
    }
    if (purpose.authorisation === "approvals" && purpose.approvals.length === 0) {
      issue(["purposes", i, "approvals"], `purpose "${purpose.id}" needs approvals: say which roles authorise it (for example approvals: [{ anyOf: [data-protection-officer] }]), or write authorisation: requester where the requester's own role decides`);
    }
    purpose.approvals.forEach((slot, j) => {
      roleRefs(slot.anyOf, ["purposes", i, "approvals", j, "anyOf"]);
      if (!policy.people.some((p) => p.roles.some((r) => slot.anyOf.includes(r)))) {
        issue(["purposes", i, "approvals", j], `nobody holds a role that can give approval ${j + 1} for purpose "${purpose.id}"`);
      }
    });
  });
  roleRefs(policy.fulfilment.roles, ["fulfilment", "roles"]);
  Object.keys(policy.retention.sites).forEach((s) => siteRef(s, ["retention", "sites", s]));
  roleRefs(policy.subjectAccess.ownerRoles, ["subjectAccess", "ownerRoles"]);
  if (policy.subjectAccess.employeeOwnerRoles) roleRefs(policy.subjectAccess.employeeOwnerRoles, ["subjectAccess", "employeeOwnerRoles"]);
  roleRefs(policy.disclosure.authoriserRoles, ["disclosure", "authoriserRoles"]);
  if (policy.disclosure.requestableBy) roleRefs(policy.disclosure.requestableBy, ["disclosure", "requestableBy"]);
  checkDisclosureDecidable(policy, issue);
  roleRefs(policy.covertMonitoring.authoriserRoles, ["covertMonitoring", "authoriserRoles"]);
  const groundIds = new Set<string>();
  policy.covertMonitoring.grounds.forEach((g, i) => {
    if (groundIds.has(g.id)) issue(["covertMonitoring", "grounds", i, "id"], `covert monitoring ground "${g.id}" is defined twice`);
    groundIds.add(g.id);
  });
  if (policy.covertMonitoring.allowed && policy.covertMonitoring.authoriserRoles.length === 0) {
    issue(["covertMonitoring", "authoriserRoles"], "covert monitoring is allowed, so name the roles that authorise it");
  }
  roleRefs(policy.compliance.dpoRoles, ["compliance", "dpoRoles"]);
  policy.people.forEach((p, i) => {
    if (!p.lineManager) return;
    if (p.lineManager === p.email) issue(["people", i, "lineManager"], `${p.email} cannot be their own line manager`);
    else if (!policy.people.some((q) => q.email === p.lineManager)) issue(["people", i, "lineManager"], `line manager ${p.lineManager} is not listed under people`);
  });
  if (policy.breaches.notifyRoles) roleRefs(policy.breaches.notifyRoles, ["breaches", "notifyRoles"]);
  if (policy.breaches.closeRoles) roleRefs(policy.breaches.closeRoles, ["breaches", "closeRoles"]);
  if (policy.breaches.reportWithin.unit !== "hours" && policy.breaches.reportWithin.unit !== "days") {
    issue(["breaches", "reportWithin"], 'write the ICO deadline in hours or days (for example "72 hours")');
  }
  if (policy.routes.complaints) roleRefs(policy.routes.complaints.handledBy, ["routes", "complaints", "handledBy"]);
  if (policy.compliance.erasureRoles) roleRefs(policy.compliance.erasureRoles, ["compliance", "erasureRoles"]);
  if (policy.compliance.portabilityRoles) roleRefs(policy.compliance.portabilityRoles, ["compliance", "portabilityRoles"]);
  checkRetentionExtras(policy, issue, roleRefs);
}

/** Preservation classes and roles, and the archive step, make sense together. */
function checkRetentionExtras(
  policy: z.output<typeof policyObject>,
  issue: (path: (string | number)[], message: string) => void,
  roleRefs: (roles: string[], path: (string | number)[]) => void,
): void {
  const { preservation, archive } = policy.retention;
  roleRefs(preservation.roles, ["retention", "preservation", "roles"]);
  const seen = new Set<string>();
  preservation.classes.forEach((c, i) => {
    if (seen.has(c.id)) issue(["retention", "preservation", "classes", i, "id"], `preservation class "${c.id}" is defined twice`);
    seen.add(c.id);
  });
  if (preservation.roles.length > 0 && preservation.classes.length === 0) {
    issue(["retention", "preservation", "classes"], "roles may preserve recordings, so name at least one class to preserve them under (an id, a label, and a period unless kept until released)");
  }
  if (archive) {
    // Compared from a fixed day: calendar durations have no single length.
    const from = new Date(Date.UTC(2026, 0, 1));
    const periods = [policy.retention.default, ...Object.values(policy.retention.sites), ...Object.values(policy.retention.classes)];
    const shortest = Math.min(...periods.map((d) => addDuration(from, d).getTime()));
    if (addDuration(from, archive.after).getTime() >= shortest) {
      issue(["retention", "archive", "after"], "recordings would be deleted before they are archived: make it shorter than every retention period");
    }
  }
}

/**
 * A disclosure someone can record and someone can decide: an authoriser and a
 * recorder exist, and unless the recorder may decide an outside party's
 * request, some authoriser is not the only recorder. Recipient ids are unique.
 */
function checkDisclosureDecidable(policy: z.output<typeof policyObject>, issue: (path: (string | number)[], message: string) => void): void {
  const d = policy.disclosure;
  const holders = (roles: readonly string[]) => policy.people.filter((p) => p.roles.some((r) => roles.includes(r)));
  const authorisers = holders(d.authoriserRoles);
  const recorderRoles = d.requestableBy ?? [...new Set([...policy.compliance.dpoRoles, ...d.authoriserRoles])];
  const recorders = holders(recorderRoles);
  if (authorisers.length === 0) issue(["disclosure", "authoriserRoles"], "nobody holds a role that can authorise a disclosure; give the role to someone under people");
  else if (recorders.length === 0) issue(["disclosure", "requestableBy"], "nobody holds a role that can record a disclosure, so none could ever be made");
  else if (!d.recorderMayAuthorise && authorisers.length === 1 && recorders.length === 1 && recorders[0]!.email === authorisers[0]!.email) {
    issue(
      ["disclosure", "recorderMayAuthorise"],
      `nobody could ever authorise a disclosure: ${authorisers[0]!.email} is the only person who may record one and the only authoriser, and may not decide a request they recorded. Set recorderMayAuthorise: true (the DPO records an outside party's request and decides it), or name another authoriser`,
    );
  }
  const seen = new Set<string>();
  d.permittedRecipients.forEach((r, i) => {
    if (typeof r === "string") return;
    if (seen.has(r.id)) issue(["disclosure", "permittedRecipients", i, "id"], `recipient "${r.id}" is defined twice`);
    seen.add(r.id);
  });
}
