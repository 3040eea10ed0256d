/**
 * The request form is submitted (Action.Execute): one submitRequest. Errors
 * come back in the form, beside the field the core named, with the person's
 * values kept; success replaces the form with what happens next. The form's
 * activity id is the submission key, so a retried click returns the same
 * request instead of a second one.
 */
import { z } from "zod";
import { isAppError } from "../../../core/errors.ts";
import { selfAuthorisedForRequester } from "../../../core/notify/request-wording.ts";
import { submitRequest } from "../../../core/requests/submit-request.ts";
import { parseActionData } from "../activities.ts";
import { FORM_FIELDS, requestSentCard, type RequestFormValues } from "../cards/request-form.ts";
import type { VerbHandler } from "../deps.ts";
import { friendlyMessage, isUserFacing } from "../friendly-errors.ts";
import { VERBS } from "../ids.ts";
import { requestForm } from "./request-recording-command.ts";

const field = (max: number) => z.string().max(max).optional().transform((v) => v?.trim() || undefined);

/** The inputs as Teams sends them: every value a string, empty when left blank. */
const formData = z.object({
  purposeId: field(100),
  date: field(20),
  dateTo: field(20),
  time: field(10),
  windowMinutes: field(6),
  direction: field(20),
  number: field(40),
  extension: field(20),
  parties: field(500),
  siteId: field(100),
  type: field(20),
  employeeEmail: field(320),
  concernsEmail: field(320),
  reason: z.string().max(2000, "Keep the reason under 2,000 characters.").optional(),
});

/** Core field names that differ from the form's input ids. */
const FIELD_ALIASES: Record<string, keyof RequestFormValues> = { purpose: "purposeId", requesterEmail: "purposeId" };

export const submitRequestClicked: VerbHandler = {
  kind: "verb",
  verb: VERBS.submitRequest,
  async handle(turn, deps) {
    const values = parseActionData(formData, turn.data);
    const shown: RequestFormValues = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as RequestFormValues;
    try {
      const direction = values.direction === "inbound" || values.direction === "outbound" || values.direction === "internal" ? values.direction : undefined;
      const window = values.windowMinutes && /^\d{1,4}$/.test(values.windowMinutes) ? Number(values.windowMinutes) : undefined;
      const request = await submitRequest(deps.ctx, {
        requesterEmail: turn.person.email,
        purposeId: values.purposeId ?? "",
        type: values.type === "call-log" ? "call-log" : "recording",
        siteId: values.siteId,
        date: values.date ?? "",
        dateTo: values.dateTo,
        time: values.time ?? "",
        windowMinutes: window,
        direction,
        number: values.number,
        extension: values.extension,
        parties: values.parties,
        reason: values.reason ?? "",
        employeeEmail: values.employeeEmail,
        concernsEmail: values.concernsEmail,
        submissionKey: `teams:form:${turn.activity.conversation.id}:${turn.activity.replyToId ?? turn.activity.id ?? "none"}`.slice(0, 200),
      });
      return requestSentCard(request.reference, request.authoriserEmails.map((e) => deps.render.nameOf(e)), selfAuthorisedForRequester(request));
    } catch (error) {
      if (!isUserFacing(error) || !isAppError(error)) throw error;
      const named = error.field ? (FIELD_ALIASES[error.field] ?? error.field) : undefined;
      const at = named && (FORM_FIELDS as readonly string[]).includes(named) ? (named as keyof RequestFormValues) : "form";
      return requestForm(deps.ctx, turn.person, shown, { [at]: friendlyMessage(error, ""), ...(at !== "form" ? { form: "Please check the form: one answer needs changing." } : {}) });
    }
  },
};
