/**
 * The two halves of every step that needs a reason (deny a request, refuse
 * more time, revoke access, ask for more time): a button that opens the
 * reason form, and the form's submission, which calls one core command.
 *
 * Opening the form needs no check, because nothing is decided until it is
 * submitted. On submission, a missing or short reason goes back beside the
 * field; a refusal (already decided, not entitled, already asked) replaces
 * the form with why nothing changed; anything unexpected is logged with a
 * reference, which the person sees beside the field (a form must be answered
 * with its outcome, or Slack shows a time-out).
 */
import type { types } from "@slack/bolt";
import { z } from "zod";
import { AppError, isAppError } from "../../../core/errors.ts";
import { acknowledge, type ListenerRegistration, type SlackDeps } from "../deps.ts";
import { friendlyMessage, isUserFacing } from "../friendly-errors.ts";
import { errorReference } from "../middleware.ts";
import { blockAction, firstAction, parsePayload, viewSubmission } from "../payloads.ts";
import { reasonFieldOf, reasonFormView, type ReasonForm } from "../render/reason-form.ts";
import { refusalView, VALUE_ACTION } from "../render/request-form.ts";

const metadata = z.object({ subjectId: z.string().min(1).max(100) });

/** A button whose value is what the reason is about; clicking it opens `form`. */
export function opensReasonForm(actionId: string, form: ReasonForm): ListenerRegistration {
  return {
    kind: "action",
    id: actionId,
    register(app, deps) {
      app.action(actionId, async ({ ack, body }) => {
        await acknowledge(ack);
        const payload = parsePayload(blockAction, body);
        await openReasonForm(deps, payload, form);
      });
    },
  };
}

/**
 * Opens `form` about the clicked button's value (a request or extension id).
 * @param shown the label, intro and hint for this opening, where they depend on the subject.
 */
export async function openReasonForm(deps: SlackDeps, payload: z.output<typeof blockAction>, form: ReasonForm, shown?: Parameters<typeof reasonFormView>[2]): Promise<void> {
  const subjectId = firstAction(payload).value;
  if (!payload.trigger_id || !subjectId) throw new AppError("INVALID_INPUT", "Slack did not say what this button is about. Please try again.");
  await deps.client.views.open({ trigger_id: payload.trigger_id, view: reasonFormView(form, { subjectId }, shown) });
}

/** What a submitted reason form hands to its core command. */
export interface ReasonSubmission {
  /** The request or extension the form is about. */
  subjectId: string;
  /** The policy person who submitted it. */
  email: string;
  /** What they typed in the form's one field (a reason, or an approval's note). */
  reason: string;
}

/**
 * The submission of `form`: one core command with the reason. `act` returns
 * the modal to show afterwards, or nothing to close the form.
 */
export function submitsReasonForm(
  form: ReasonForm,
  handler: {
    /** For the log, when something unexpected fails: "a denial could not be recorded". */
    failure: string;
    act(deps: SlackDeps, submission: ReasonSubmission): Promise<types.ModalView | undefined>;
  },
): ListenerRegistration {
  return {
    kind: "view",
    id: form.callbackId,
    register(app, deps) {
      const field = reasonFieldOf(form);
      app.view(form.callbackId, async ({ ack, body }) => {
        const submission = parsePayload(viewSubmission, body);
        try {
          const { subjectId } = parseMetadata(submission.view.private_metadata, form);
          const person = await deps.directory.personFor(submission.user.id);
          const reason = submission.view.state.values[field]?.[VALUE_ACTION]?.value ?? "";
          const next = await handler.act(deps, { subjectId, email: person.email, reason });
          await ack(next ? { response_action: "update", view: next } : undefined);
        } catch (error) {
          if (isAppError(error) && error.field === field) {
            await ack({ response_action: "errors", errors: { [field]: error.message } });
          } else if (isUserFacing(error)) {
            await ack({ response_action: "update", view: refusalView(form.refusedTitle, friendlyMessage(error, "")) });
          } else {
            const reference = errorReference();
            deps.logger.error({ err: error, reference }, handler.failure);
            await ack({ response_action: "errors", errors: { [field]: friendlyMessage(error, reference) } });
          }
        }
      });
    },
  };
}

function parseMetadata(raw: string | undefined, form: ReasonForm): z.output<typeof metadata> {
  try {
    return metadata.parse(JSON.parse(raw ?? ""));
  } catch (error) {
    throw new AppError("INVALID_INPUT", `This form has lost track of what it is about. ${form.startAgain}`, undefined, { cause: error });
  }
}
