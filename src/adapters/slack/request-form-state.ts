/**
 * Reads the request form's state (view.state.values) back into form values,
 * and places a core error next to the field it names.
 */
import { ACTIONS } from "./ids.ts";
import type { InputState } from "./payloads.ts";
import { FORM_BLOCKS, VALUE_ACTION, type RequestFormValues } from "./render/request-form.ts";

type StateValues = Record<string, Record<string, InputState>>;

export function formValues(values: StateValues): RequestFormValues {
  const at = (block: string, action: string = VALUE_ACTION): InputState | undefined => values[block]?.[action];
  const text = (block: string) => at(block)?.value?.trim() || undefined;
  const choice = (block: string, action?: string) => at(block, action)?.selected_option?.value || undefined;
  const window = Number(choice(FORM_BLOCKS.windowMinutes));
  return {
    date: at(FORM_BLOCKS.date)?.selected_date || undefined,
    dateTo: at(FORM_BLOCKS.dateTo)?.selected_date || undefined,
    time: at(FORM_BLOCKS.time)?.selected_time || undefined,
    windowMinutes: Number.isFinite(window) && window > 0 ? window : undefined,
    direction: choice(FORM_BLOCKS.direction),
    number: text(FORM_BLOCKS.number),
    extension: text(FORM_BLOCKS.extension),
    parties: text(FORM_BLOCKS.parties),
    siteId: choice(FORM_BLOCKS.siteId),
    type: choice(FORM_BLOCKS.type),
    purposeId: choice(FORM_BLOCKS.purpose, ACTIONS.choosePurpose),
    employeeUserId: at(FORM_BLOCKS.employee)?.selected_user || undefined,
    concernsUserId: at(FORM_BLOCKS.concerns)?.selected_user || undefined,
    reason: at(FORM_BLOCKS.reason)?.value ?? undefined,
  };
}

/** Core field names (AppError.field, zod paths) that differ from the form's block ids. */
const FIELD_ALIASES: Record<string, string> = { purposeId: FORM_BLOCKS.purpose, requesterEmail: FORM_BLOCKS.purpose };

/**
 * The input block to show an error beside: the one the core named if the
 * form has it, otherwise the purpose field at the top, which always exists.
 */
export function blockForField(field: string | undefined, values: StateValues): string {
  const block = field ? (FIELD_ALIASES[field] ?? field) : undefined;
  return block && block in values ? block : FORM_BLOCKS.purpose;
}
