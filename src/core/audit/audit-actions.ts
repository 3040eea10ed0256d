/**
 * Every action the audit log records, as a dotted "subject.verb". The log is
 * evidence: the DPO's summary counts entries by action and exports them, so
 * an action written under a misspelt name would silently drop out of those
 * figures. appendAudit takes only these, and a typo fails the type check.
 *
 * A name, once written to the log, is kept: entries are hash-chained and
 * never rewritten, so renaming an action would split its history in two.
 * Add new actions here, next to their subject.
 */
export const AUDIT_ACTIONS = [
  // Requests for a recording, from submission to a closed request.
  "request.submitted",
  "request.approved",
  "request.denied",
  "request.authorised",
  /** Authorised as made, by the requester's own role (purpose.authorisation: requester). */
  "request.self-authorised",
  "request.awaiting-fulfilment",
  "request.fulfilled",
  "request.not-found",
  "request.withdrawn",
  "request.reminded",
  "request.expired",
  /**
   * Refused attempts by a person in the policy (guards.ts withRefusalAudit):
   * details.command says what was attempted, details.code the AppError code.
   * Consent and withdrawal attempts are request.refused too ("consent.refused"
   * is the employee declining consent, which is no refusal by Callgate).
   */
  "request.refused",
  "decision.refused",
  "fulfilment.refused",
  "consent.requested",
  "consent.given",
  "consent.refused",
  "consent.withdrawn",

  // Playback links and extensions of them.
  "grant.issued",
  "grant.expired",
  "grant.revoked",
  /** The requester was told the link ends early because the recording is due for deletion (details.endsAt). */
  "grant.deletion-notified",
  /** The access-granted notice of a link to an archived recording went out once the audio was retrieved. */
  "grant.released",
  "playback.opened",
  /** The first audio fetch of one page view; the Range requests that follow are not audited. */
  "playback.audio-started",
  /** An open refused because the link is bound to someone else's browser or person; details.code says which. */
  "playback.refused",
  /** The requester allowed another browser for one open. */
  "playback.browser-allowed",
  /** The requester signed in (OpenID Connect) and the browser was allowed. */
  "playback.signed-in",
  "extension.requested",
  "extension.approved",
  "extension.denied",
  "extension.refused",
  "grant.refused",

  // Third-party disclosure.
  "disclosure.requested",
  "disclosure.released",
  "disclosure.refused",

  // Files delivered for download.
  "file.delivered",
  "file.downloaded",
  "file-job.failed",

  // Subject access and portability.
  "subject-access.opened",
  "subject-access.paused",
  "subject-access.resumed",
  "subject-access.identity-recorded",
  "subject-access.information-added",
  "subject-access.extended",
  "subject-access.item-reviewed",
  "subject-access.bundle-prepared",
  "subject-access.bundle-waiting",
  "subject-access.bundle-resumed",
  "subject-access.reminded",
  "subject-access.overdue",
  "subject-access.closed",
  "subject-access.transferred",
  "subject-access.letter-prepared",
  "subject-data.exported",
  "subject-access.refused",

  // Covert monitoring.
  "covert.authorised",
  "covert.reviewed",
  "covert.review-reminded",
  "covert.ended",
  "covert.refused",

  // Personal data breaches (UK GDPR Article 33) and the catalogue's capacity.
  "breach.reported",
  /** A reminder that the ICO deadline is near (details.hoursLeft), or passed (breach.overdue). */
  "breach.reminded",
  "breach.overdue",
  /** The ICO decision: reported (with the ICO's reference) or judged not reportable (with the reason). */
  "breach.ico-recorded",
  "breach.closed",
  "breach.refused",
  /** The catalogue crossed a warning threshold of policy.capacity (details.percent). */
  "capacity.warned",

  // Holds, erasure and the retention sweep.
  "hold.placed",
  "hold.released",
  "hold.refused",
  /** A recording kept past its deletion under a preservation class, by a role retention.preservation names (details.class, keepUntil, reviewOn). */
  "hold.preserved",
  /** Whoever preserved a recording recorded a review; details.reviewOn is the next. */
  "hold.reviewed",
  /** A preservation's review is near or due (details.stage), or its period is about to end (hold.deletion-reminded). */
  "hold.review-reminded",
  "hold.deletion-reminded",
  "erasure.proposed",
  "erasure.confirmed",
  "erasure.deleted",
  "erasure.completed",
  "erasure.cancelled",
  "erasure.refused",
  "retention.previewed",
  "retention.deleted",
  "retention.swept",
  "retention.refused",
  /** Someone who is not a DPO tried a DPO-only command (see guards.ts requireDpo). */
  "compliance.access.refused",

  // The audit log itself: every look at it is on record, refusals included.
  "audit.summary.viewed",
  "audit.exported",
  "audit.access.refused",
  /** A verification found a break (details.kind: chain, checkpoint, anchor-mismatch, missing-tail, anchor-forged). */
  "audit.break.found",
  /** A DPO acknowledged a break, with a reason; it is no longer reported. */
  "audit.break.acknowledged",

  // Recordings, chat identities and notifications.
  "catalogue.imported",
  /** Audio moved to a cheaper storage tier under retention.archive (details.tier, count), one entry per batch. */
  "recording.archived",
  /** An archived recording is being brought back to the Hot tier for someone waiting (details.callId, why). */
  "recording.rehydration-requested",
  "recording.rehydrated",
  "identity.linked",
  "notification.failed",
  /** A notice for someone no chat platform can reach yet now waits for their first contact with the bot (delivered then). */
  "notification.waiting",
] as const;

/** One of AUDIT_ACTIONS. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
