/** Deny opens the reason form (the core requires a reason to deny). */
import { ACTIONS } from "../ids.ts";
import { REASON_FORMS } from "../render/reason-form.ts";
import { opensReasonForm } from "./reason-form.ts";

export const denyClicked = opensReasonForm(ACTIONS.deny, REASON_FORMS.denyRequest);
