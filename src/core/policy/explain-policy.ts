/**
 * A policy file in words. The DPO who signs off a policy reads YAML badly and
 * prose well, so `callgate policy explain` prints who may ask, who authorises
 * each purpose (by name), how long access lasts and how long recordings are
 * kept, and points out gaps such as an academy with nobody able to approve.
 */
import { formatDuration } from "./duration.ts";
import { calendarText } from "../calendar.ts";
import { reviewDue } from "./review-policy.ts";
import { authorisersFor, filledSlots, holdsRole, mayRequest } from "./access.ts";
import { DISCLOSURE_PURPOSE_ID, type ApprovalSlot, type Person, type Policy, type Purpose } from "./schema.ts";

const NATION_NAMES: Record<Policy["organisation"]["nation"], string> = {
  "england-and-wales": "England and Wales",
  scotland: "Scotland",
  "northern-ireland": "Northern Ireland",
};

const REQUEST_TYPE_NAMES: Record<Purpose["requestTypes"][number], string> = {
  recording: "a recording",
  "call-log": "a call log only (no audio)",
};

/** Renders the policy as a plain-English report in British English, one section per concern. */
export function explainPolicy(policy: Policy): string {
  const out: string[] = [];
  const say = new Explainer(policy);
  const org = policy.organisation;

  const title = `Call recording policy for ${org.name}`;
  out.push(title, "=".repeat(Math.min(90, title.length)));
  if (org.source) out.push(`Based on: ${org.source}`);
  out.push(...say.review());
  out.push(...say.from(""), ...say.from("organisation", 0));
  out.push(`Times are in ${org.timeZone}; deadlines skip bank holidays in ${NATION_NAMES[org.nation]}.`);
  out.push(...recordedCallsLines(policy));

  out.push("", "Sites");
  out.push(...say.from("sites"));
  for (const site of policy.sites) {
    const head = site.head ? policy.people.find((p) => p.email === site.head) : undefined;
    const details = [head ? `head: ${head.name}` : undefined, site.extensions.length > 0 ? `extensions ${describeExtensions(site.extensions)}` : undefined].filter(Boolean);
    out.push(wrap(`- ${site.name}${details.length > 0 ? ` (${details.join("; ")})` : ""}`, 2));
  }

  out.push("", "Roles and who holds them");
  out.push(...say.from("roles"));
  out.push(...say.roleList(policy.roles.map((r) => r.id)));

  out.push("", "Who may ask for recordings");
  out.push(...say.from("requesting"));
  out.push("  Unless a purpose below says otherwise, these people may make a request:");
  out.push(...say.roleList(policy.requesting.roles, 4));
  // Where every purpose is the requester's own decision (Vision Academy), nobody approves, so there is nobody to remind.
  const approvalsAsked = policy.purposes.some((p) => p.authorisation !== "requester");
  const deciding = approvalsAsked
    ? `Authorisers are reminded after ${formatDuration(policy.requesting.remindAfter)}; a request nobody has decided is closed after ${formatDuration(policy.requesting.expireAfter)}. Nobody can ever authorise their own request.`
    : `Every purpose is authorised by the requester's own decision, so nobody else is asked to approve; a request still open after ${formatDuration(policy.requesting.expireAfter)} is closed.`;
  out.push(wrap(`A request may search at most ${plural(policy.requesting.maxWindowHours, "hour")} of calls. ${deciding}`, 2));
  out.push(...requestingExtras(policy));

  out.push("", "Purposes");
  policy.purposes.forEach((purpose, i) => out.push("", ...say.purpose(purpose, i + 1)));

  out.push("", "Finding the recording");
  out.push(...say.from("fulfilment"));
  const fulfillers = say.holdersOf(policy.fulfilment.roles);
  const details = policy.requesting.callNumber === "if-known" ? "time, number, extension, and the people the request names" : "time, number, extension";
  out.push(
    wrap(
      policy.fulfilment.mode === "automatic"
        ? `Once a request is authorised, Callgate matches the recording itself when exactly one call fits the details given. When none or several fit, ${fulfillers} picks the right one from the call details (${details}), without listening to it.`
        : `Once a request is authorised, ${fulfillers} always picks the recording from the call details (${details}), without listening to it.`,
      2,
    ),
  );

  out.push("", "Listening");
  out.push(...say.from("playback"));
  const overrides = policy.purposes.filter((p) => p.accessWindow);
  out.push(
    wrap(
      `The requester gets a link that plays the recording in the browser for ${formatDuration(policy.playback.accessWindow)}${overrides.length > 0 ? ` (${overrides.map((p) => `${p.label}: ${formatDuration(p.accessWindow!)}`).join("; ")})` : ""}. After that the link stops working. Recordings can never be downloaded.`,
      2,
    ),
  );
  out.push(...playbackExtras(policy));

  out.push("", "Retention");
  out.push(...say.from("retention"));
  out.push(wrap(`Recordings are kept for ${formatDuration(policy.retention.default)} and then deleted, unless a rule below applies or the Data Protection Officer has placed a hold.`, 2));
  for (const [siteId, d] of Object.entries(policy.retention.sites)) {
    out.push(`  - Recordings from ${say.siteName(siteId)}: ${formatDuration(d)}`);
  }
  for (const [classId, d] of Object.entries(policy.retention.classes)) {
    out.push(`  - Recordings classed as "${classId}": ${formatDuration(d)}`);
  }
  out.push(...retentionExtras(policy, say));

  const sar = policy.subjectAccess;
  out.push("", "Subject access requests");
  out.push(...say.from("subjectAccess"));
  out.push(
    wrap(
      `Handled by ${say.holdersOf(sar.ownerRoles)}. They must be answered within ${formatDuration(sar.deadline)}, extendable by at most ${formatDuration(sar.maxExtension)} for complex or numerous requests. ${sar.pauseClockForIdentity ? "The clock pauses while the requester's identity is being confirmed." : "The clock does not pause while identity is confirmed."}${sar.contact ? ` Requests go to: ${sar.contact}.` : ""}`,
      2,
    ),
  );
  out.push(...subjectAccessExtras(policy, say));

  out.push("", "Disclosure to third parties");
  out.push(...say.from("disclosure"));
  out.push(wrap(`Only ${say.holdersOf(policy.disclosure.authoriserRoles)} may authorise giving a recording to anyone outside the organisation.`, 2));
  if (policy.disclosure.permittedRecipients.length > 0) {
    out.push("  The policy allows disclosure to:");
    for (const recipient of policy.disclosure.permittedRecipients) out.push(wrap(`- ${describeRecipient(recipient)}`, 4));
  }
  out.push(...disclosureExtras(policy));

  const covert = policy.covertMonitoring;
  out.push("", "Covert monitoring");
  out.push(...say.from("covertMonitoring"));
  out.push(
    wrap(
      covert.allowed
        ? `Allowed only in exceptional circumstances, authorised by ${say.holdersOf(covert.authoriserRoles)}, and reviewed every ${formatDuration(covert.reviewEvery)}.`
        : "Not allowed.",
      2,
    ),
  );
  if (covert.allowed && covert.grounds.length > 0) {
    out.push("  Only on one of these grounds, named in each authorisation:");
    for (const ground of covert.grounds) out.push(wrap(`- ${ground.label}`, 4));
  }

  out.push("", "Data protection oversight");
  out.push(...say.from("compliance"));
  out.push(wrap(`${say.holdersOf(policy.compliance.dpoRoles)} can read the audit log, place and lift holds on recordings, and erase recordings.`, 2));
  out.push(...complianceExtras(policy, say));

  // Parts added after the first presets: each is its own small function below.
  out.push(...breachesSection(policy, say), ...capacitySection(policy), ...routesSection(policy, say));

  out.push(...say.otherSources(), ...assumptionsAndDefaults(policy));

  const gaps = findGaps(policy);
  if (gaps.length > 0) {
    out.push("", "Points to check");
    for (const gap of gaps) out.push(wrap(`- ${gap}`, 2));
  }
  return `${out.join("\n")}\n`;
}

/** Names and roles, phrased once so every section reads the same. */
class Explainer {
  /** Provenance paths already printed beside their rule, so the rest can be listed once at the end. */
  private readonly shown = new Set<string>();

  constructor(private readonly policy: Policy) {}

  /**
   * The seed section a part of the policy comes from, and what in it is
   * assumed: the note on the part (`path`) and those on its own settings.
   * A later part of the report calls this with its own path.
   */
  from(path: string, indent = 2): string[] {
    const lines: string[] = [];
    for (const [notePath, note] of Object.entries(this.policy.provenance.notes)) {
      const field = notePath === path ? "" : notePath.startsWith(path === "" ? "\u0000" : `${path}.`) ? notePath.slice(path.length + 1) : undefined;
      // A list's items (sites.0) are their own parts, listed under "Where other rules come from".
      if (field === undefined || field.includes(".") || /^\d+$/.test(field)) continue;
      this.shown.add(notePath);
      const what = field ? ` for ${field}` : "";
      if (note.section) lines.push(wrap(`From the document${what}: ${note.section}.`, indent));
      if (note.assumed) lines.push(wrap(`Assumed${what} (the document is silent or unclear): ${note.assumed}.`, indent));
    }
    return lines;
  }

  /** Sections noted on parts the report does not describe one by one (people, sites, parts added later). */
  otherSources(): string[] {
    const rest = Object.entries(this.policy.provenance.notes).filter(([path, note]) => !this.shown.has(path) && note.section);
    if (rest.length === 0) return [];
    return ["", "Where other rules come from", ...rest.map(([, note]) => wrap(`- ${note.where}: ${note.section}`, 2))];
  }

  /** The written policy's own review date, as the file gives it. */
  review(): string[] {
    const review = this.policy.organisation.review;
    if (!review) return ["The file does not say when the written policy is next reviewed."];
    const due = reviewDue(this.policy);
    const parts = [
      review.adopted ? `adopted ${calendarText(review.adopted)}` : undefined,
      due ? `next review due ${calendarText(due)}` : review.every ? `reviewed every ${formatDuration(review.every)}` : undefined,
      review.note,
    ].filter(Boolean);
    return [wrap(`Written policy: ${parts.join("; ")}.`, 0)];
  }

  roleLabel(roleId: string): string {
    return this.policy.roles.find((r) => r.id === roleId)?.label ?? roleId;
  }

  siteName(siteId: string): string {
    return this.policy.sites.find((s) => s.id === siteId)?.name ?? siteId;
  }

  isSiteRole(roleId: string): boolean {
    return this.policy.roles.find((r) => r.id === roleId)?.scope === "site";
  }

  /** One bullet per role: its label, whether it is site-scoped, and its holders (with their sites). */
  roleList(roles: readonly string[], indent = 2): string[] {
    return roles.map((roleId) => {
      const site = this.isSiteRole(roleId);
      const holders = this.policy.people.filter((p) => p.roles.includes(roleId));
      const names = holders.map((p) => (site ? `${p.name} (${p.sites.map((s) => this.siteName(s)).join(", ") || "no site"})` : p.name));
      const scope = site ? ", each for calls at their own site only" : "";
      return wrap(`- ${this.roleLabel(roleId)}${scope}: ${names.length > 0 ? names.join(", ") : "nobody holds this role yet"}`, indent);
    });
  }

  /** "Grace Lee (for Riverside Academy only)" when the person's only relevant role is site-scoped. */
  personFor(person: Person, roles: readonly string[]): string {
    const held = person.roles.filter((r) => roles.includes(r));
    const everywhere = held.some((r) => !this.isSiteRole(r));
    if (everywhere || held.length === 0) return person.name;
    const sites = person.sites.map((s) => this.siteName(s)).join(" and ");
    return `${person.name} (for ${sites || "no site"} only)`;
  }

  /** "Senior Leadership Team (Amara Okafor, Ben Hughes) or Chief Executive (Farid Khan)". */
  holdersOf(roles: readonly string[], conjunction: "or" | "and" = "or"): string {
    const parts = roles.map((roleId) => {
      const holders = this.policy.people.filter((p) => p.roles.includes(roleId));
      const names = holders.length > 0 ? holders.map((p) => this.personFor(p, [roleId])).join(", ") : "nobody holds this role yet";
      return `${this.roleLabel(roleId)} (${names})`;
    });
    return joinWith(parts, conjunction);
  }

  /**
   * One approval slot: its title, then everyone who can give it, each with the
   * role that lets them (when the slot accepts several) and their site when
   * the role is site-scoped.
   */
  slot(slot: ApprovalSlot, index: number, count: number): string {
    const title = slot.label ?? slot.anyOf.map((r) => this.roleLabel(r)).join(" or ");
    const holders = this.policy.people.filter((p) => p.roles.some((r) => slot.anyOf.includes(r)));
    const names = holders.map((person) => {
      const notes = person.roles
        .filter((r) => slot.anyOf.includes(r))
        .map((r) => {
          const label = slot.anyOf.length > 1 ? this.roleLabel(r) : "";
          const site = this.isSiteRole(r) ? `for ${person.sites.map((s) => this.siteName(s)).join(" and ") || "no site"} only` : "";
          return [label, site].filter(Boolean).join(", ");
        })
        .filter(Boolean);
      return notes.length > 0 ? `${person.name} (${notes.join("; ")})` : person.name;
    });
    const who = names.length === 0 ? "nobody holds these roles yet" : names.length === 1 ? names[0]! : `any one of ${joinOr(names)}`;
    return count === 1 ? `${title}: ${who}.` : `Approval ${index} of ${count}, ${title}: ${who}.`;
  }

  purpose(purpose: Purpose, n: number): string[] {
    const lines = [`  ${n}. ${purpose.label}`];
    const add = (text: string) => lines.push(wrap(text, 5));
    lines.push(...this.from(`purposes.${n - 1}`, 5));
    add(`Lawful basis: ${purpose.lawfulBasis}`);
    const requesters = purpose.requestableBy ? this.holdersOf(purpose.requestableBy, "and") : "anyone who may ask for recordings (above)";
    add(`Who may ask: ${requesters}${purpose.ownCallsOnly ? ", and only about calls they took part in themselves" : ""}.`);
    const count = purpose.approvals.length;
    if (purpose.authorisation === "requester") {
      add("Authorised by the requester's own decision (their role decides): the request goes straight to the people who find the recording, who have no veto, and the audit log records it as such.");
    } else {
      add(count === 1 ? "Needs 1 approval:" : `Needs ${count} approvals, each from a different person:`);
    }
    purpose.approvals.forEach((slot, i) => lines.push(wrap(`- ${this.slot(slot, i + 1, count)}`, 7), ...this.from(`purposes.${n - 1}.approvals.${i}`, 9)));
    if (purpose.approvals.some((slot) => slot.anyOf.some((r) => this.isSiteRole(r)))) {
      add("Someone marked \"for ... only\" can approve only requests about calls at their own site.");
    }
    if (purpose.approvalNote) add(`Each approval must carry a note: "${purpose.approvalNote.prompt}" (at least ${plural(purpose.approvalNote.minLength, "character")}), shown to the requester and later authorisers.`);
    if (purpose.concernsStaffMember !== "none") {
      add(`The request ${purpose.concernsStaffMember === "required" ? "must name" : "may name"} the member of staff it concerns; that person, like anyone who was a party to the call, can never authorise it.`);
    }
    add(purpose.consent === "recorded-employee" ? "Consent: the recorded member of staff must agree before anyone listens." : "Consent: the recorded member of staff is not asked.");
    add(`The requester is asked: "${purpose.reasonPrompt}" and must write at least ${plural(purpose.minReasonLength, "character")}.`);
    add(`May be asked for as: ${joinOr(purpose.requestTypes.map((t) => REQUEST_TYPE_NAMES[t]))}.`);
    add(`Playback link lasts ${formatDuration(purpose.accessWindow ?? this.policy.playback.accessWindow)}.`);
    return lines;
  }
}

/*
 * One small function per part of the policy: a new setting adds its sentence
 * to its part's function, a new part adds a function (with its heading and
 * `say.from(path)`) and one call in explainPolicy.
 */

function requestingExtras(policy: Policy): string[] {
  const r = policy.requesting;
  const lines: string[] = [];
  if (r.callDirection === "required") lines.push(wrap("The requester must say whether the call was inbound or outbound.", 2));
  if (r.callTime === "if-known") lines.push(wrap("The requester may leave out the time of the call if they do not know it; the whole day is then searched.", 2));
  if (r.callNumber === "if-known") {
    lines.push(wrap("The requester may leave out the external number and the extension if they do not know them, and name the people on the call instead; a request giving none of the three is refused. A call known only by its day and those names is always picked by the people who find recordings, never matched by Callgate alone.", 2));
  }
  if (r.maxRangeDays > 0) lines.push(wrap(`When they do not know the day, they may give a range of up to ${plural(r.maxRangeDays, "day")}.`, 2));
  return lines;
}

function playbackExtras(policy: Policy): string[] {
  return [wrap(`A link ends when its recording is deleted; the requester is told ${formatDuration(policy.playback.deletionNotice)} before.`, 2)];
}

function retentionExtras(policy: Policy, say: Explainer): string[] {
  const { preservation, archive, remindBeforeDeletion } = policy.retention;
  const lines: string[] = [];
  if (preservation.roles.length > 0) {
    lines.push(wrap(`Besides the Data Protection Officer, ${say.holdersOf(preservation.roles)} may preserve a recording past its deletion date, under one of these classes (each reviewed, with a reminder ${formatDuration(preservation.remindBeforeReview)} before):`, 2));
    for (const c of preservation.classes) lines.push(wrap(`- ${c.label}: kept ${c.period ? `for ${formatDuration(c.period)}` : "until released"}, reviewed every ${formatDuration(c.reviewEvery)}`, 4));
  }
  if (remindBeforeDeletion) lines.push(wrap(`Whoever preserved a recording is reminded ${formatDuration(remindBeforeDeletion)} before it becomes due for deletion.`, 2));
  if (archive) {
    lines.push(wrap(`After ${formatDuration(archive.after)} a recording's audio moves to the ${archive.tier} storage tier${archive.tier === "Archive" ? ", and is brought back (which takes hours) when a request needs it" : ""}.`, 2));
  }
  return lines;
}

const CHANNEL_NAMES: Record<string, string> = { letter: "letter", email: "e-mail", phone: "phone", "in-person": "in person", "web-form": "web form" };
const OUTPUT_NAMES: Record<string, string> = { "audio-copy": "a copy of the audio", transcript: "a transcript", links: "playback links", "heard-in-person": "a chance to hear it in person" };

function subjectAccessExtras(policy: Policy, say: Explainer): string[] {
  const sar = policy.subjectAccess;
  const lines = [
    wrap(`Any member of staff may log a request they receive. The policy asks for requests by ${joinOr(sar.channels.map((c) => CHANNEL_NAMES[c] ?? c))}; one made another way is still logged.`, 2),
  ];
  if (sar.employeeOwnerRoles) lines.push(wrap(`A member of staff's request for their own calls goes to ${say.holdersOf(sar.employeeOwnerRoles)}.`, 2));
  lines.push(wrap(sar.dpoMayClose ? "The owner or the Data Protection Officer may close, refuse or extend a request." : "Only the request's owner may close, refuse or extend it.", 2));
  lines.push(wrap(`The subject may be given ${joinOr(sar.outputs.map((o) => OUTPUT_NAMES[o] ?? o))}.`, 2));
  return lines;
}

function disclosureExtras(policy: Policy): string[] {
  const lines: string[] = [];
  const note = policy.internalPurposes.find((p) => p.id === DISCLOSURE_PURPOSE_ID)?.approvalNote;
  if (policy.disclosure.assessUnder && note) {
    lines.push(wrap(`A third party's request is assessed under the ${policy.disclosure.assessUnder.replace(/^the\s+/i, "")}: each authorisation must carry a note of that assessment (at least ${plural(note.minLength, "character")}), kept with the decision and in the audit log.`, 2));
  }
  if (policy.disclosure.recorderMayAuthorise) {
    lines.push(
      wrap(
        "The person who records an outside party's request (the police, HMRC) may also decide it, and find the call that completes it where they are one of the people who find recordings; the audit log, the disclosure and its form say so. Never when the request comes from someone in the organisation, and nobody else finds the call for a request they made.",
        2,
      ),
    );
  }
  if (policy.disclosure.callNumber === "if-known") {
    lines.push(wrap("The disclosure form may leave out the telephone number and the extension if they are not known; the call is then picked from its day, time and the form's other details by the people who find recordings, never matched by Callgate alone.", 2));
  }
  return lines;
}

function complianceExtras(policy: Policy, say: Explainer): string[] {
  const { erasureRoles, portabilityRoles, dpoRoles } = policy.compliance;
  const lines: string[] = [];
  // As requireCompliancePower enforces it: the roles named, and the DPO always.
  const withDpo = (roles: readonly string[]) => say.holdersOf([...new Set([...dpoRoles, ...roles])]);
  if (erasureRoles) lines.push(wrap(`Erasure (the right to be forgotten) is proposed, confirmed or cancelled by ${withDpo(erasureRoles)}.`, 2));
  if (portabilityRoles) lines.push(wrap(`A subject's data is exported (data portability) by ${withDpo(portabilityRoles)}.`, 2));
  return lines;
}

function breachesSection(policy: Policy, say: Explainer): string[] {
  const b = policy.breaches;
  const told = say.holdersOf(b.notifyRoles ?? policy.compliance.dpoRoles, "and");
  return [
    "",
    "Personal data breaches",
    ...say.from("breaches"),
    wrap(
      `Anyone may report a breach. Told of each report: ${told}${b.notifyLineManager ? ", and the reporter's line manager" : ""}. The ICO must be told within ${formatDuration(b.reportWithin)} of discovery (UK GDPR Article 33)${b.remindHoursBefore.length > 0 ? `; reminders ${joinWith(b.remindHoursBefore.map((h) => plural(h, "hour")), "and")} before` : ""}. ${say.holdersOf(b.closeRoles ?? policy.compliance.dpoRoles)} may close one.${b.procedure ? ` Handled under: ${b.procedure}.` : ""}`,
      2,
    ),
  ];
}

function capacitySection(policy: Policy): string[] {
  const c = policy.capacity;
  if (!c) return [];
  return ["", "Capacity", wrap(`The system holds up to ${c.maxRecordings.toLocaleString("en-GB")} recordings in ${formatDuration(c.per)}; the Data Protection Officer is warned at ${c.warnAt.map((p) => `${p}%`).join(" and ")} of that.`, 2)];
}

function routesSection(policy: Policy, say: Explainer): string[] {
  const r = policy.routes;
  const lines: string[] = [];
  if (r.complaints) lines.push(wrap(`- Complaints: ${r.complaints.procedure}${r.complaints.handledBy.length > 0 ? `, handled by ${say.holdersOf(r.complaints.handledBy, "and")}` : ""}${r.complaints.contact ? ` (${r.complaints.contact})` : ""}.`, 2));
  if (r.disciplinary) lines.push(wrap(`- Misuse is dealt with under the ${r.disciplinary.policy}.`, 2));
  if (r.ico) lines.push(wrap(`- The supervisory authority: ${[r.ico.name, r.ico.address, r.ico.phone, r.ico.email, r.ico.website].filter(Boolean).join(", ")}.`, 2));
  if (r.cardPayments) lines.push(wrap(`- Card payments are never taken on a recorded line: they are taken through ${r.cardPayments.handledBy}${r.cardPayments.instructions ? ` (${r.cardPayments.instructions.replace(/[.\s]+$/, "")})` : ""}.`, 2));
  return lines.length > 0 ? ["", "Where people are sent", ...say.from("routes"), ...lines] : [];
}

function describeRecipient(recipient: Policy["disclosure"]["permittedRecipients"][number]): string {
  if (typeof recipient === "string") return recipient;
  const also = recipient.aliases.length > 0 ? `, also called ${joinOr(recipient.aliases)}` : "";
  return `${recipient.label} (${recipient.category.replace(/-/g, " ")}${also})${recipient.lawfulBasis ? `: ${recipient.lawfulBasis}` : ""}`;
}

/**
 * Every choice made where the document is silent or unclear: the values the
 * file marks `assumed`, and the settings the file leaves out, which take
 * Callgate's defaults.
 */
function assumptionsAndDefaults(policy: Policy): string[] {
  const assumed = Object.values(policy.provenance.notes).filter((n) => n.assumed);
  const defaulted = policy.provenance.defaulted;
  if (assumed.length === 0 && defaulted.length === 0) return [];
  const out = ["", "Assumptions and defaults (confirm each against the written policy and privacy notice)"];
  for (const note of assumed) out.push(wrap(`- ${note.where}: assumed: ${note.assumed}.`, 2));
  for (const field of defaulted) out.push(wrap(`- ${field.where}: ${field.value}. Callgate default (the policy file does not set it).`, 2));
  return out;
}

/**
 * Things a DPO should fix or knowingly accept: roles nobody holds, and
 * requests that could never collect their approvals, either at all at some
 * site or because the only possible approver is the requester (who may never
 * approve their own request).
 */
function findGaps(policy: Policy): string[] {
  const gaps: string[] = [];
  for (const role of policy.roles) {
    if (!policy.people.some((p) => p.roles.includes(role.id))) gaps.push(`Nobody holds the role "${role.label}".`);
  }
  for (const purpose of policy.purposes) {
    const needed = purpose.approvals.length;
    for (const site of policy.sites) {
      const authorisers = authorisersFor(policy, purpose, site.id);
      const empty = purpose.approvals.findIndex((slot) => !authorisers.some((p) => holdsRole(policy, p, slot.anyOf, site.id)));
      if (empty >= 0) {
        const which = needed > 1 ? `approval ${empty + 1} for "${purpose.label}"` : `"${purpose.label}"`;
        gaps.push(`Nobody can give ${which} for calls at ${site.name}.`);
        continue;
      }
      if (filledSlots(policy, purpose.approvals, authorisers, site.id) < needed) {
        gaps.push(`"${purpose.label}" needs ${needed} different people to approve calls at ${site.name}, but not enough different people hold the roles.`);
        continue;
      }
      // Only a requester who is also an authoriser can leave the others short.
      for (const requester of authorisers.filter((p) => mayRequest(policy, p, purpose, site.id))) {
        const others = authorisers.filter((p) => p.email !== requester.email);
        if (filledSlots(policy, purpose.approvals, others, site.id) < needed) {
          gaps.push(`${requester.name} may ask for "${purpose.label}" about calls at ${site.name}, but nobody else can approve it there, so such a request could never be approved.`);
        }
      }
    }
  }
  return gaps;
}

function describeExtensions(extensions: readonly string[]): string {
  const numeric = extensions.every((e) => /^\d+$/.test(e));
  if (!numeric || extensions.length < 3) return extensions.join(", ");
  const values = extensions.map(Number);
  const contiguous = values.every((v, i) => i === 0 || v === values[i - 1]! + 1);
  return contiguous ? `${extensions[0]}–${extensions[extensions.length - 1]}` : extensions.join(", ");
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

function joinOr(parts: readonly string[]): string {
  return joinWith(parts, "or");
}

function joinWith(parts: readonly string[], conjunction: "or" | "and"): string {
  if (parts.length <= 1) return parts[0] ?? "";
  return `${parts.slice(0, -1).join(", ")} ${conjunction} ${parts[parts.length - 1]}`;
}

/** Wraps prose at 90 columns with a hanging indent, so it reads well in a terminal. */
function wrap(text: string, indent: number, width = 90): string {
  const pad = " ".repeat(indent);
  const hang = text.startsWith("- ") ? `${pad}  ` : pad;
  const lines: string[] = [];
  let line = pad;
  for (const word of text.split(/\s+/)) {
    if (line.trim().length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = hang + word;
    } else {
      line = line.trim().length > 0 ? `${line} ${word}` : `${line}${word}`;
    }
  }
  lines.push(line);
  return lines.join("\n");
}

/** Which calls the phone system records (outside Callgate), where the policy says. */
function recordedCallsLines(policy: Policy): string[] {
  const calls = policy.organisation.recordedCalls;
  if (!calls) return [];
  const lines = ["", "Which calls are recorded (by the phone system, not by Callgate)"];
  for (const c of calls.recorded) lines.push(wrap(`- Recorded: ${c}`, 2));
  for (const c of calls.notRecorded) lines.push(wrap(`- Not routinely recorded: ${c}`, 2));
  if (calls.objections) lines.push(wrap(`A caller who objects to being recorded: ${calls.objections}`, 2));
  return lines;
}
