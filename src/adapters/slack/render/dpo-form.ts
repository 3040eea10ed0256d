/**
 * A DPO command's form (src/commands/form.ts) as a Slack modal, drawn from
 * the command's field declaration: block ids are the field keys, so an error
 * for a field (the fields' validation or the core's AppError.field) is shown
 * beside it with `response_action: errors`, and Slack keeps what was typed.
 * private_metadata carries the command's console words ("sar open").
 */
import type { types } from "@slack/bolt";
import type { FieldSpec, FormSpec, RawValues } from "../../../commands/form.ts";
import type { InputState } from "../payloads.ts";
import { VIEWS } from "../ids.ts";
import { LIMITS, option, plain, section, escapeMrkdwn, type Block } from "./blocks.ts";

/** Said when a submission names no form Callgate knows (an old modal, or a forged one). */
export const FORM_OUT_OF_DATE = "This form is out of date. Type the command again to open a new one.";

/** What replaces a modal whose form is not known: nothing was run. */
export function dpoFormOutOfDateView(): types.ModalView {
  return { type: "modal", title: plain("Nothing was changed", LIMITS.modalTitle), close: plain("Close", LIMITS.modalTitle), blocks: [section(escapeMrkdwn(FORM_OUT_OF_DATE))] };
}

/** Every input's action id (the block id says which field it is). */
export const FIELD_ACTION = "value";

export function dpoFormView(form: FormSpec): types.ModalView {
  return {
    type: "modal",
    callback_id: VIEWS.dpoForm,
    private_metadata: form.command,
    title: plain(form.shortTitle ?? form.title, LIMITS.modalTitle),
    submit: plain(form.submit, LIMITS.modalTitle),
    close: plain("Cancel", LIMITS.modalTitle),
    blocks: [section(escapeMrkdwn(form.intro)), ...form.fields.map(fieldBlock)],
  };
}

function fieldBlock(field: FieldSpec): Block {
  return {
    type: "input",
    block_id: field.key,
    label: plain(field.label, 2000),
    element: element(field),
    hint: plain(`${field.help.charAt(0).toUpperCase()}${field.help.slice(1)}${field.kind === "list" ? " (one a line)" : ""}.`, 2000),
    ...(field.required ? {} : { optional: true }),
  };
}

function element(field: FieldSpec): types.InputBlockElement {
  const placeholder = field.placeholder ? { placeholder: plain(field.placeholder, 150) } : {};
  switch (field.kind) {
    case "date":
      return { type: "datepicker", action_id: FIELD_ACTION, ...placeholder };
    case "time":
      return { type: "timepicker", action_id: FIELD_ACTION, ...placeholder };
    case "choice":
      return { type: "static_select", action_id: FIELD_ACTION, placeholder: plain("Choose", 150), options: (field.choices ?? []).map(([value, label]) => option(label, value)) };
    case "flag":
      return { type: "checkboxes", action_id: FIELD_ACTION, options: [option("Yes", "true")] };
    default:
      return { type: "plain_text_input", action_id: FIELD_ACTION, ...(field.kind === "longtext" || field.kind === "list" ? { multiline: true } : {}), ...(field.max ? { max_length: Math.min(field.max * (field.kind === "list" ? 20 : 1), 3000) } : {}), ...placeholder };
  }
}

/** The modal's state as the form's raw values, by field key. */
export function dpoFormValues(form: FormSpec, state: Record<string, Record<string, InputState>>): RawValues {
  const raw: RawValues = {};
  for (const field of form.fields) {
    const input = state[field.key]?.[FIELD_ACTION];
    if (!input) continue;
    raw[field.key] =
      field.kind === "flag" ? (input.selected_options ?? []).some((o) => o.value === "true") : (input.selected_date ?? input.selected_time ?? input.selected_option?.value ?? input.value ?? undefined);
  }
  return raw;
}

/** Errors by block id; an error about the whole form is shown beside its first field. */
export function dpoFormErrors(form: FormSpec, errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors)) {
    const block = form.fields.some((f) => f.key === key) ? key : form.fields[0]!.key;
    out[block] = out[block] ? `${out[block]} ${message}` : message;
  }
  return out;
}
