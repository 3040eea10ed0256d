/**
 * A DPO command's form (src/commands/form.ts) as an Adaptive Card, drawn
 * from the same field declaration as the Slack modal and the typed command.
 * Input ids are the field keys; submitting is Action.Execute dpoFormSubmit
 * with data {command} (e.g. "sar open"), and the invoke response is this card
 * again, with every value kept and each error beside its field, or the
 * command's answer. An error left from an earlier submission is not drawn
 * once the field is corrected: errors are drawn only from this submission.
 * An error may repeat what was typed (an e-mail not in the policy), so it is
 * drawn literally, never as markdown.
 */
import type { CardElement, IChoiceSetInput, IDateInput, IRichTextBlock, ITextInput, ITimeInput, IToggleInput } from "@microsoft/teams.cards";
import type { FieldSpec, FormSpec, RawValues } from "../../../commands/form.ts";
import { VERBS } from "../ids.ts";
import { attention, card, choice, execute, heading, text, type Card, type Element } from "./elements.ts";

export function dpoFormCard(form: FormSpec, values: RawValues = {}, errors: Record<string, string> = {}): Card {
  const body: Element[] = [heading(form.title), text(form.intro)];
  if (errors.form) body.push(fieldError(errors.form, "formError"));
  else if (Object.keys(errors).length) body.push(attention("Please check the form: an answer needs changing.", "formError"));
  for (const field of form.fields) {
    body.push(input(field, values[field.key]));
    if (errors[field.key]) body.push(fieldError(errors[field.key]!, `${field.key}Error`));
  }
  return card(body, { actions: [execute(form.submit, VERBS.dpoFormSubmit, { command: form.command }, "positive")], fallbackText: form.title });
}

/** An error in attention colour, shown literally (a TextRun is never read as markdown). */
function fieldError(message: string, id: string): IRichTextBlock {
  return { type: "RichTextBlock", id, inlines: [{ type: "TextRun", text: message, color: "Attention", weight: "Bolder" }] } as IRichTextBlock;
}

function input(field: FieldSpec, raw: unknown): CardElement {
  const value = Array.isArray(raw) ? raw.join("\n") : typeof raw === "string" ? raw : undefined;
  const label = `${field.label}${field.kind === "list" ? " (one a line)" : ""}`;
  const common = { id: field.key, label, ...(field.required ? { isRequired: true, errorMessage: field.missing ?? `Give ${field.label.toLowerCase()}.` } : {}) };
  switch (field.kind) {
    case "date":
      return { type: "Input.Date", ...common, ...(value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? { value } : {}) } as IDateInput;
    case "time":
      return { type: "Input.Time", ...common, ...(value ? { value } : {}) } as ITimeInput;
    case "choice":
      return { type: "Input.ChoiceSet", ...common, style: "compact", placeholder: "Choose", choices: (field.choices ?? []).map(([v, l]) => choice(l, v)), ...(value ? { value } : {}) } as IChoiceSetInput;
    case "flag":
      return { type: "Input.Toggle", id: field.key, title: field.label, valueOn: "true", valueOff: "false", value: raw === true || raw === "true" ? "true" : "false" } as IToggleInput;
    default:
      return {
        type: "Input.Text",
        ...common,
        ...(field.placeholder ? { placeholder: field.placeholder } : {}),
        ...(field.kind === "longtext" || field.kind === "list" ? { isMultiline: true } : {}),
        ...(field.max ? { maxLength: field.max * (field.kind === "list" ? 20 : 1) } : {}),
        ...(value ? { value } : {}),
      } as ITextInput;
  }
}
