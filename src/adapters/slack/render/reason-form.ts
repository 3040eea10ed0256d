/**
 * The small modal for anything that needs a reason before the core acts:
 * denying a request, refusing more time, revoking access, asking for more
 * time, and approving where the purpose asks every approval for a note
 * (purpose.approvalNote: the note is the field, the policy's prompt its
 * label). One renderer, one entry per use; what the reason is about (a
 * request or an extension id) travels in private_metadata as JSON.
 */
import type { types } from "@slack/bolt";
import { VIEWS } from "../ids.ts";
import { escapeMrkdwn, LIMITS, plain, section } from "./blocks.ts";
import { VALUE_ACTION } from "./request-form.ts";

/** The input's block id, named after the core's field so its errors land beside it. */
export const REASON_BLOCK = "reason";

/** The longest reason the core keeps. */
const REASON_MAX = 2000;

export interface ReasonForm {
  callbackId: string;
  /** At most 24 characters, as Slack allows for modal titles and buttons. */
  title: string;
  submit: string;
  /** Who will see the reason, and what submitting does. */
  intro: string;
  label: string;
  /** The title of the modal that replaces this one when the core refuses. */
  refusedTitle: string;
  /** What to do when the form has lost track of its subject. */
  startAgain: string;
  /** The input's block id: the core's field it fills ("reason" unless said). */
  field?: string;
}

export const REASON_FORMS = {
  denyRequest: {
    callbackId: VIEWS.denyReason,
    title: "Deny the request",
    submit: "Deny",
    intro: "Please say why. The requester and the audit log will see your reason.",
    label: "Reason for denying",
    refusedTitle: "Not recorded",
    startAgain: "Please click Deny on the message again.",
  },
  refuseExtension: {
    callbackId: VIEWS.refuseExtensionReason,
    title: "Refuse more time",
    submit: "Refuse",
    intro: "Please say why. The requester and the audit log will see your reason.",
    label: "Reason for refusing",
    refusedTitle: "Not recorded",
    startAgain: "Please click Refuse on the message again.",
  },
  revokeAccess: {
    callbackId: VIEWS.revokeReason,
    title: "Revoke access",
    submit: "Revoke",
    intro: "The requester's link stops working at once and they are told their access has ended. The audit log will keep your reason.",
    label: "Reason for revoking",
    refusedTitle: "Not revoked",
    startAgain: "Please click Revoke access on the message again.",
  },
  askMoreTime: {
    callbackId: VIEWS.moreTimeReason,
    title: "Ask for more time",
    submit: "Ask",
    intro: "Your request goes back to the people who authorised it. They and the audit log will see your reason.",
    label: "Why do you need more time?",
    refusedTitle: "Not sent",
    startAgain: "Please click Ask for more time on the message again.",
  },
  approveWithNote: {
    callbackId: VIEWS.approveNote,
    title: "Approve the request",
    submit: "Approve",
    intro: "This purpose needs a note with every approval.",
    label: "Note with your approval",
    refusedTitle: "Not approved",
    startAgain: "Please click Approve on the message again.",
    field: "note",
  },
} as const satisfies Record<string, ReasonForm>;

/** The block id of a form's one input: the core's field, so its errors land beside it. */
export function reasonFieldOf(form: ReasonForm): string {
  return form.field ?? REASON_BLOCK;
}

/** What a reason form is about: a request id, or an extension id. */
export interface ReasonFormMetadata {
  subjectId: string;
}

/**
 * @param shown what this one opening says, where it depends on the subject:
 *   the policy's prompt as the label, who will see the text, how long it must be.
 */
export function reasonFormView(form: ReasonForm, metadata: ReasonFormMetadata, shown: { label?: string; intro?: string; hint?: string } = {}): types.ModalView {
  return {
    type: "modal",
    callback_id: form.callbackId,
    private_metadata: JSON.stringify(metadata),
    title: plain(form.title, LIMITS.modalTitle),
    submit: plain(form.submit, LIMITS.modalTitle),
    close: plain("Cancel", LIMITS.modalTitle),
    blocks: [
      section(shown.intro ? escapeMrkdwn(shown.intro) : form.intro),
      {
        type: "input",
        block_id: reasonFieldOf(form),
        label: plain(shown.label ?? form.label, 2000),
        element: { type: "plain_text_input", action_id: VALUE_ACTION, multiline: true, max_length: REASON_MAX },
        ...(shown.hint ? { hint: plain(shown.hint, 2000) } : {}),
      },
    ],
  };
}

/** The modal after the core has acted: what happens next. */
export function reasonDoneView(title: string, text: string): types.ModalView {
  return { type: "modal", title: plain(title, LIMITS.modalTitle), close: plain("Done", LIMITS.modalTitle), blocks: [section(escapeMrkdwn(text))] };
}
