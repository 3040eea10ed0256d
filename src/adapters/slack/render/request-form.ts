/**
 * The `/request-recording` modal. Block ids are the core's field names, so a
 * core error naming a field lands beside that field (`response_action:
 * errors`). Choosing a purpose redraws the form with that purpose's own
 * reason prompt and, where it needs consent, the recorded employee's field;
 * where it names the member of staff it concerns, that person's field.
 */
import type { types } from "@slack/bolt";
import type { FormCallTime, FormPurpose } from "../../shared/presentation.ts";
import { CONCERNS_LABEL } from "../../../core/notify/request-wording.ts";
import { ACTIONS, VIEWS } from "../ids.ts";
import { context, escapeMrkdwn, option, plain, section, type Block } from "./blocks.ts";


/** What the form shows in its fields: from the slash command's arguments, or as the person left them. */
export interface RequestFormValues {
  date?: string; // YYYY-MM-DD
  dateTo?: string; // YYYY-MM-DD, where the policy allows a range
  time?: string; // HH:MM
  windowMinutes?: number;
  direction?: string;
  number?: string;
  extension?: string;
  parties?: string;
  siteId?: string;
  type?: string;
  purposeId?: string;
  employeeUserId?: string;
  /** The member of staff the request concerns, where the purpose asks (purpose.concernsStaffMember). */
  concernsUserId?: string;
  reason?: string;
}

export interface RequestFormOptions {
  purposes: readonly FormPurpose[];
  /** The organisation's sites; the site field appears only when there are several. */
  sites: ReadonlyArray<{ id: string; name: string }>;
  values: RequestFormValues;
  /** Time "if known" and a range of days, where the policy allows them (default: time required, no range). */
  callTime?: FormCallTime;
}

/** Input block ids, named after the core's fields (AppError.field). */
export const FORM_BLOCKS = {
  date: "date",
  dateTo: "dateTo",
  time: "time",
  windowMinutes: "windowMinutes",
  direction: "direction",
  number: "number",
  extension: "extension",
  parties: "parties",
  siteId: "siteId",
  type: "type",
  purpose: "purpose",
  employee: "employeeEmail",
  concerns: "concernsEmail",
  reason: "reason",
} as const;

/** Every input's action id except the purpose select's, which has its own listener. */
export const VALUE_ACTION = "value";

export const WINDOW_CHOICES = [15, 30, 60] as const;
const DIRECTIONS = [
  ["inbound", "Inbound (they called us)"],
  ["outbound", "Outbound (we called them)"],
  ["internal", "Internal"],
] as const;
const TYPES: Record<string, string> = { recording: "The recording", "call-log": "The call log entry only" };

export function requestFormView(options: RequestFormOptions): types.ModalView {
  const { purposes, sites, values } = options;
  const { timeOptional, maxRangeDays, numberIfKnown = false } = options.callTime ?? { timeOptional: false, maxRangeDays: 0 };
  const purpose = purposes.find((p) => p.id === values.purposeId) ?? purposes[0]!;
  const blocks: Block[] = [
    section("Tell us which call you need and why. Your request goes to the people the organisation's policy names to authorise it."),
    input(FORM_BLOCKS.purpose, "Purpose", {
      type: "static_select",
      action_id: ACTIONS.choosePurpose,
      options: purposes.map((p) => option(p.label, p.id)),
      initial_option: option(purpose.label, purpose.id),
    }, { dispatch: true }),
    input(FORM_BLOCKS.date, "Date of the call", { type: "datepicker", action_id: VALUE_ACTION, ...(values.date ? { initial_date: values.date } : {}), placeholder: plain("Choose the date", 150) }),
    ...(maxRangeDays > 0
      ? [input(FORM_BLOCKS.dateTo, "Not sure of the day? The last day it could have been", { type: "datepicker", action_id: VALUE_ACTION, ...(values.dateTo ? { initial_date: values.dateTo } : {}), placeholder: plain("Choose the last day", 150) }, { optional: true, hint: `Every call from the first date to this one is searched (at most ${maxRangeDays} day${maxRangeDays === 1 ? "" : "s"}); leave the time empty.` })]
      : []),
    input(FORM_BLOCKS.time, timeOptional ? "About what time? (if known)" : "About what time?", { type: "timepicker", action_id: VALUE_ACTION, ...(values.time ? { initial_time: values.time } : {}), placeholder: plain("For example 14:30", 150) }, { hint: timeOptional ? "The 24-hour clock, UK time. Leave it empty to search the whole day." : "The 24-hour clock, UK time.", optional: timeOptional }),
    input(FORM_BLOCKS.windowMinutes, "Search either side of that time", selectOf(WINDOW_CHOICES.map((m) => [String(m), `± ${m} minutes`] as const), String(values.windowMinutes ?? 30))),
    input(FORM_BLOCKS.direction, "Direction", selectOf(DIRECTIONS, values.direction, "Either"), { optional: true }),
    input(FORM_BLOCKS.number, "External number", textInput(values.number, { max: 40, placeholder: "For example 01427 700700" }), { optional: true, hint: numberIfKnown ? "As you would dial it, if known. Give this, the extension or who was on the call." : "As you would dial it. Give this or the extension." }),
    input(FORM_BLOCKS.extension, "Extension", textInput(values.extension, { max: 20, placeholder: "For example 201" }), { optional: true }),
    input(FORM_BLOCKS.parties, "Who was on the call", textInput(values.parties, { max: 500, placeholder: numberIfKnown ? "The names of everyone on the call, where possible" : "Names, if you know them" }), { optional: true }),
  ];
  if (sites.length > 1) {
    blocks.push(input(FORM_BLOCKS.siteId, "Site", selectOf(sites.map((s) => [s.id, s.name] as const), values.siteId, "Choose the site"), { optional: true, hint: "The site the call was made to or from." }));
  }
  const types = purpose.requestTypes.filter((t) => TYPES[t]);
  blocks.push(input(FORM_BLOCKS.type, "What do you need?", selectOf(types.map((t) => [t, TYPES[t]!] as const), types.includes(values.type ?? "") ? values.type : types[0])));
  if (purpose.needsConsent) {
    blocks.push(
      input(FORM_BLOCKS.employee, "Member of staff on the call", { type: "users_select", action_id: VALUE_ACTION, ...(values.employeeUserId ? { initial_user: values.employeeUserId } : {}), placeholder: plain("Choose a person", 150) }, {
        hint: `“${purpose.label}” needs their consent before the recording is used.`,
      }),
    );
  }
  if (purpose.concernsStaffMember && purpose.concernsStaffMember !== "none") {
    blocks.push(
      input(FORM_BLOCKS.concerns, CONCERNS_LABEL, { type: "users_select", action_id: VALUE_ACTION, ...(values.concernsUserId ? { initial_user: values.concernsUserId } : {}), placeholder: plain("Choose a person", 150) }, {
        optional: purpose.concernsStaffMember === "optional",
        hint: `${purpose.concernsStaffMember === "required" ? `“${purpose.label}” requests name the member of staff they are about.` : "If the request is about a member of staff, name them."} They, and anyone on the call, can never authorise it.`,
      }),
    );
  }
  blocks.push(
    input(FORM_BLOCKS.reason, "Reason", { ...textInput(values.reason, { max: 2000, placeholder: "Explain why you need it" }), multiline: true }, { hint: purpose.reasonPrompt }),
    context(`Lawful basis and approvals follow the organisation's policy for “${escapeMrkdwn(purpose.label)}”. Every request is audited.`),
  );
  return {
    type: "modal",
    callback_id: VIEWS.requestForm,
    title: plain("Request a recording", 24),
    submit: plain("Send request", 24),
    close: plain("Cancel", 24),
    blocks,
  };
}

/**
 * The modal after a successful submission: what happens next.
 * @param selfAuthorised the requester's own decision authorised it (the core's words), so nobody was asked.
 */
export function requestSentView(reference: string, asked: readonly string[], selfAuthorised: string | null = null): types.ModalView {
  return {
    type: "modal",
    title: plain(selfAuthorised ? "Request authorised" : "Request sent", 24),
    close: plain("Done", 24),
    blocks: [
      section(
        selfAuthorised
          ? `*${escapeMrkdwn(reference)}*: ${escapeMrkdwn(selfAuthorised)} You will hear back by direct message.`
          : `*${escapeMrkdwn(reference)}* has been sent for authorisation to ${asked.map(escapeMrkdwn).join(", ") || "the authorisers"}. You will hear back by direct message.`,
      ),
    ],
  };
}

/** A modal saying why nothing was done (a refusal after the form was opened). */
export function refusalView(title: string, text: string): types.ModalView {
  return { type: "modal", title: plain(title, 24), close: plain("Close", 24), blocks: [section(escapeMrkdwn(text))] };
}

function input(blockId: string, label: string, element: types.InputBlockElement, extra: { optional?: boolean; hint?: string; dispatch?: boolean } = {}): Block {
  return {
    type: "input",
    block_id: blockId,
    label: plain(label, 2000),
    element,
    ...(extra.optional ? { optional: true } : {}),
    ...(extra.hint ? { hint: plain(extra.hint, 2000) } : {}),
    ...(extra.dispatch ? { dispatch_action: true } : {}),
  };
}

function textInput(initial: string | undefined, o: { max: number; placeholder: string }): types.PlainTextInput {
  return { type: "plain_text_input", action_id: VALUE_ACTION, max_length: o.max, placeholder: plain(o.placeholder, 150), ...(initial ? { initial_value: initial.slice(0, o.max) } : {}) };
}

function selectOf(choices: ReadonlyArray<readonly [string, string]>, initial: string | undefined, placeholder = "Choose"): types.StaticSelect {
  const chosen = choices.find(([value]) => value === initial);
  return {
    type: "static_select",
    action_id: VALUE_ACTION,
    placeholder: plain(placeholder, 150),
    options: choices.map(([value, text]) => option(text, value)),
    ...(chosen ? { initial_option: option(chosen[1], chosen[0]) } : {}),
  };
}
