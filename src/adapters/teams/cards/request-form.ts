/**
 * The request form, sent when someone types `request recording`. Input ids
 * are the core's field names, so an AppError naming a field is drawn beside
 * that field when the form comes back. Submitting is an Action.Execute: the
 * invoke response is either this form again, with the person's values and
 * the errors, or the "request sent" card.
 *
 * Teams cannot redraw a form when a choice changes, so the reason's prompt
 * is the chosen purpose's (the first, until the form has been submitted),
 * and the member-of-staff field is there whenever a purpose needs consent.
 * Likewise the field for the member of staff a request concerns is there
 * whenever a purpose offered names one, required once the purpose chosen
 * requires it.
 */
import type { CardElement, IChoiceSetInput, IDateInput, ITextInput, ITimeInput } from "@microsoft/teams.cards";
import type { FormCallTime, FormPurpose } from "../../shared/presentation.ts";
import { CONCERNS_LABEL } from "../../../core/notify/request-wording.ts";
import { VERBS } from "../ids.ts";
import { attention, card, choice, execute, heading, plain, subtle, text, type Card, type Element } from "./elements.ts";


/** The form's fields as strings, exactly as Teams sends them back. */
export interface RequestFormValues {
  purposeId?: string;
  date?: string;
  /** The last day of a range, where the policy allows one. */
  dateTo?: string;
  time?: string;
  windowMinutes?: string;
  direction?: string;
  number?: string;
  extension?: string;
  parties?: string;
  siteId?: string;
  type?: string;
  employeeEmail?: string;
  /** The member of staff the request concerns (purpose.concernsStaffMember). */
  concernsEmail?: string;
  reason?: string;
}

export interface RequestFormOptions {
  purposes: readonly FormPurpose[];
  sites: ReadonlyArray<{ id: string; name: string }>;
  /** People who may be the member of staff on the call (for consent). */
  staff: ReadonlyArray<{ email: string; name: string }>;
  values: RequestFormValues;
  /** Time "if known" and a range of days, where the policy allows them (default: time required, no range). */
  callTime?: FormCallTime;
  /** Errors by input id; "form" is shown at the top. */
  errors?: Partial<Record<keyof RequestFormValues | "form", string>>;
}

export const FORM_FIELDS = ["purposeId", "date", "dateTo", "time", "windowMinutes", "direction", "number", "extension", "parties", "siteId", "type", "employeeEmail", "concernsEmail", "reason"] as const;

export const WINDOW_CHOICES = ["15", "30", "60"] as const;
const DIRECTIONS = [
  ["inbound", "Inbound (they called us)"],
  ["outbound", "Outbound (we called them)"],
  ["internal", "Internal"],
] as const;
const TYPES: Record<string, string> = { recording: "The recording", "call-log": "The call log entry only" };

/** UK numbers as people type them: digits, spaces, brackets, dashes, an optional leading +. */
export const NUMBER_PATTERN = "^\\+?[0-9 ()\\-]{6,25}$";
export const EXTENSION_PATTERN = "^[0-9*#]{1,10}$";

export function requestFormCard(options: RequestFormOptions): Card {
  const { purposes, sites, staff, values, errors = {} } = options;
  const { timeOptional, maxRangeDays, numberIfKnown = false } = options.callTime ?? { timeOptional: false, maxRangeDays: 0 };
  const purpose = purposes.find((p) => p.id === values.purposeId) ?? purposes[0]!;
  const err = (field: keyof RequestFormValues): Element[] => (errors[field] ? [attention(errors[field]!, `${field}Error`)] : []);
  const body: Element[] = [
    heading("Request a call recording"),
    text("Tell us which call you need and why. Your request goes to the people the organisation's policy names to authorise it."),
    ...(errors.form ? [attention(errors.form, "formError")] : []),
    choiceSet("purposeId", "Purpose", purposes.map((p) => [p.id, p.label] as const), purpose.id, { required: true, error: "Choose the purpose." }),
    ...err("purposeId"),
    { type: "Input.Date", id: "date", label: "Date of the call", isRequired: true, errorMessage: "Choose the date of the call.", ...(values.date ? { value: values.date } : {}) } as IDateInput,
    ...err("date"),
    ...(maxRangeDays > 0
      ? [
          { type: "Input.Date", id: "dateTo", label: `Not sure of the day? The last day it could have been (at most ${maxRangeDays} day${maxRangeDays === 1 ? "" : "s"}; leave the time empty)`, ...(values.dateTo ? { value: values.dateTo } : {}) } as IDateInput,
          ...err("dateTo"),
        ]
      : []),
    timeOptional
      ? ({ type: "Input.Time", id: "time", label: "About what time? (if known; leave it empty to search the whole day)", ...(values.time ? { value: values.time } : {}) } as ITimeInput)
      : ({ type: "Input.Time", id: "time", label: "About what time? (24-hour clock, UK time)", isRequired: true, errorMessage: "Give the time, for example 14:30.", ...(values.time ? { value: values.time } : {}) } as ITimeInput),
    ...err("time"),
    choiceSet("windowMinutes", "Search either side of that time", WINDOW_CHOICES.map((m) => [m, `± ${m} minutes`] as const), values.windowMinutes ?? "30", { required: true }),
    ...err("windowMinutes"),
    choiceSet("direction", "Direction", DIRECTIONS, values.direction, { placeholder: "Either" }),
    textInput("number", numberIfKnown ? "External number, if known (give this, the extension or who was on the call)" : "External number (give this or the extension)", values.number, { max: 40, placeholder: "For example 01427 700700", regex: NUMBER_PATTERN, error: "Give the number as you would dial it, for example 01427 700700." }),
    ...err("number"),
    textInput("extension", "Extension", values.extension, { max: 20, placeholder: "For example 201", regex: EXTENSION_PATTERN, error: "An extension is digits only, for example 201." }),
    ...err("extension"),
    textInput("parties", "Who was on the call", values.parties, { max: 500, placeholder: numberIfKnown ? "The names of everyone on the call, where possible" : "Names, if you know them" }),
  ];
  if (sites.length > 1) {
    body.push(choiceSet("siteId", "Site the call was made to or from", sites.map((s) => [s.id, s.name] as const), values.siteId, { placeholder: "Choose the site" }), ...err("siteId"));
  }
  const types = [...new Set(purposes.flatMap((p) => p.requestTypes))].filter((t) => TYPES[t]);
  body.push(choiceSet("type", "What do you need?", types.map((t) => [t, TYPES[t]!] as const), values.type && types.includes(values.type) ? values.type : types[0], { required: true }), ...err("type"));
  const consenting = purposes.filter((p) => p.needsConsent);
  if (consenting.length) {
    body.push(
      choiceSet("employeeEmail", `Member of staff on the call (for ${consenting.map((p) => p.label).join(", ")}: they will be asked to consent)`, staff.map((s) => [s.email, s.name] as const), values.employeeEmail, { placeholder: "Choose a person" }),
      ...err("employeeEmail"),
    );
  }
  const concerning = purposes.filter((p) => p.concernsStaffMember === "optional" || p.concernsStaffMember === "required");
  if (concerning.length) {
    // Required only once the purpose chosen requires it: a card cannot change that when the choice changes.
    const required = purpose.concernsStaffMember === "required" && (values.purposeId !== undefined || purposes.length === 1);
    const which = concerning.map((p) => `${p.label}${p.concernsStaffMember === "required" ? ": required" : ": if there is one"}`).join("; ");
    body.push(
      choiceSet("concernsEmail", `${CONCERNS_LABEL} (${which}). They, and anyone on the call, can never authorise it`, staff.map((s) => [s.email, s.name] as const), values.concernsEmail, {
        placeholder: "Choose a person",
        ...(required ? { required: true, error: "Choose the member of staff the request concerns." } : {}),
      }),
      ...err("concernsEmail"),
    );
  }
  body.push(
    // A card cannot change a label when a choice changes, so the prompt is the
    // chosen purpose's once chosen (a form sent back), and every purpose's before.
    textInput("reason", values.purposeId ? `Reason. ${purpose.reasonPrompt}` : "Reason", values.reason, { max: 2000, placeholder: "Explain why you need it", multiline: true, required: true, error: "Please give the reason." }),
    ...(values.purposeId || purposes.length < 2 ? [] : [subtle(purposes.map((p) => `**${p.label}**: ${p.reasonPrompt}`).join("\n\n"))]),
    ...err("reason"),
    subtle(`Lawful basis and approvals follow the organisation's policy for the purpose you choose. Every request is audited.`),
  );
  return card(body, { actions: [execute("Send request", VERBS.submitRequest, {})], fallbackText: "Request a call recording" });
}

/**
 * What the form becomes once the request is in: the form, closed. The
 * "Request … sent" card with the details is the request-submitted notice that
 * follows, so the chat holds one of those per request, not two.
 */
export function requestSentCard(reference: string, asked: readonly string[], selfAuthorised: string | null = null): Card {
  const what = selfAuthorised ? `Sent as **${reference}**. The details follow in the next message.` : `Sent as **${reference}**: it has been sent for authorisation to ${asked.join(", ") || "the authorisers"}. The details follow in the next message.`;
  return card([heading("Your request is in"), text(what), ...(selfAuthorised ? [plain(selfAuthorised)] : [])], {
    fallbackText: `Sent as ${reference}`,
  });
}

function choiceSet(id: string, label: string, choices: ReadonlyArray<readonly [string, string]>, value: string | undefined, o: { required?: boolean; placeholder?: string; error?: string } = {}): CardElement {
  const chosen = choices.find(([v]) => v === value);
  return {
    type: "Input.ChoiceSet",
    id,
    label,
    style: "compact",
    choices: choices.map(([v, t]) => choice(t, v)),
    ...(chosen ? { value: chosen[0] } : {}),
    ...(o.required ? { isRequired: true, errorMessage: o.error ?? `Choose ${label.toLowerCase()}.` } : {}),
    ...(o.placeholder ? { placeholder: o.placeholder } : {}),
  } as IChoiceSetInput;
}

function textInput(id: string, label: string, value: string | undefined, o: { max: number; placeholder: string; regex?: string; error?: string; multiline?: boolean; required?: boolean }): CardElement {
  return {
    type: "Input.Text",
    id,
    label,
    maxLength: o.max,
    placeholder: o.placeholder,
    ...(value ? { value: value.slice(0, o.max) } : {}),
    ...(o.regex ? { regex: o.regex } : {}),
    ...(o.error ? { errorMessage: o.error } : {}),
    ...(o.multiline ? { isMultiline: true } : {}),
    ...(o.required ? { isRequired: true } : {}),
  } as ITextInput;
}
