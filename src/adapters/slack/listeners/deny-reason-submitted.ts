/**
 * The deny form is submitted: one recordDecision with the reason. A missing
 * or short reason goes back beside the field; a refusal (already decided, not
 * entitled, the requester) replaces the form with the reason nothing changed.
 */
import { z } from "zod";
import { AppError, isAppError } from "../../../core/errors.ts";
import { recordDecision } from "../../../core/requests/record-decision.ts";
import type { ListenerRegistration } from "../deps.ts";
import { friendlyMessage, isUserFacing } from "../friendly-errors.ts";
import { VIEWS } from "../ids.ts";
import { errorReference } from "../middleware.ts";
import { parsePayload, viewSubmission } from "../payloads.ts";
import { DENY_REASON_BLOCK } from "../render/deny-form.ts";
import { refusalView, VALUE_ACTION } from "../render/request-form.ts";

const metadata = z.object({ requestId: z.string().min(1).max(100) });

export const denyReasonSubmitted: ListenerRegistration = {
  kind: "view",
  id: VIEWS.denyReason,
  register(app, deps) {
    app.view(VIEWS.denyReason, async ({ ack, body }) => {
      const submission = parsePayload(viewSubmission, body);
      try {
        const { requestId } = parseMetadata(submission.view.private_metadata);
        const person = await deps.directory.personFor(submission.user.id);
        const reason = submission.view.state.values[DENY_REASON_BLOCK]?.[VALUE_ACTION]?.value ?? "";
        await recordDecision(deps.ctx, { requestId, deciderEmail: person.email, outcome: "deny", reason });
        await ack();
      } catch (error) {
        if (isAppError(error) && error.field === "reason") {
          await ack({ response_action: "errors", errors: { [DENY_REASON_BLOCK]: error.message } });
        } else if (isUserFacing(error)) {
          await ack({ response_action: "update", view: refusalView("Not recorded", friendlyMessage(error, "")) });
        } else {
          const reference = errorReference();
          deps.logger.error({ err: error, reference }, "a denial could not be recorded");
          await ack({ response_action: "errors", errors: { [DENY_REASON_BLOCK]: friendlyMessage(error, reference) } });
        }
      }
    });
  },
};

function parseMetadata(raw: string | undefined): z.output<typeof metadata> {
  try {
    return metadata.parse(JSON.parse(raw ?? ""));
  } catch (error) {
    throw new AppError("INVALID_INPUT", "This form has lost track of its request. Please click Deny on the message again.", undefined, { cause: error });
  }
}
