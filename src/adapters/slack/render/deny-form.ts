/**
 * The small modal Deny opens: the reason, which the requester and the audit
 * log will see. The request and the clicked message travel in
 * private_metadata as JSON.
 */
import type { types } from "@slack/bolt";
import { VIEWS } from "../ids.ts";
import { plain, section } from "./blocks.ts";
import { VALUE_ACTION } from "./request-form.ts";

export const DENY_REASON_BLOCK = "reason";

export interface DenyFormMetadata {
  requestId: string;
}

export function denyFormView(metadata: DenyFormMetadata): types.ModalView {
  return {
    type: "modal",
    callback_id: VIEWS.denyReason,
    private_metadata: JSON.stringify(metadata),
    title: plain("Deny the request", 24),
    submit: plain("Deny", 24),
    close: plain("Cancel", 24),
    blocks: [
      section("Please say why. The requester and the audit log will see your reason."),
      {
        type: "input",
        block_id: DENY_REASON_BLOCK,
        label: plain("Reason for denying", 2000),
        element: { type: "plain_text_input", action_id: VALUE_ACTION, multiline: true, max_length: 2000 },
      },
    ],
  };
}
