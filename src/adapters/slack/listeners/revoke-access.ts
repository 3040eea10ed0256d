/**
 * "Revoke access" on an authoriser's message about a delivered recording:
 * the reason form, then one revokeGrant for the request's live links. The
 * core decides who may (the DPO and the request's authorisers).
 */
import { revokeGrant } from "../../../core/playback/revoke-grant.ts";
import { ACTIONS } from "../ids.ts";
import { REASON_FORMS, reasonDoneView } from "../render/reason-form.ts";
import { revokedText } from "../render/overview.ts";
import { opensReasonForm, submitsReasonForm } from "./reason-form.ts";

export const revokeClicked = opensReasonForm(ACTIONS.revokeAccess, REASON_FORMS.revokeAccess);

export const revokeReasonSubmitted = submitsReasonForm(REASON_FORMS.revokeAccess, {
  failure: "access could not be revoked",
  async act(deps, { subjectId, email, reason }) {
    const { revoked } = await revokeGrant(deps.ctx, { grantOrRequestId: subjectId, actorEmail: email, reason });
    return reasonDoneView("Access revoked", revokedText(revoked));
  },
});
