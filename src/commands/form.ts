/**
 * A DPO command's fields, declared once: the typed command's options
 * (commander), the Slack modal and the Teams card are all drawn from the same
 * list, and the same zod validation reads what was typed or filled in. A
 * field's `key` is its form input id; `coreFields` are the names the core
 * gives it in AppError.field, so a core error lands beside the field in a form
 * and gets the field's flag in a typed command.
 *
 * Platform-neutral: adapters render `FormSpec` (Slack: render/dpo-form.ts,
 * Teams: cards/dpo-form.ts) and hand the raw values back to `runForm`.
 */
import type { Command } from "commander";
import { z } from "zod";
import { AppError, isAppError } from "../core/errors.ts";
import type { ConsoleReply } from "./reply.ts";
import type { ConsoleSession } from "./run-console.ts";

export type FieldKind =
  /** One line of text. */
  | "text"
  /** Several lines (a reason, a note). */
  | "longtext"
  /** A calendar date (the core reads 2026-11-20 and 20/11/2026). */
  | "date"
  /** A time of day, hh:mm. */
  | "time"
  /** One of `choices`. */
  | "choice"
  /** Yes or no: a flag when typed, a checkbox in a form. */
  | "flag"
  /** Several values: a repeated option when typed, one per line in a form. */
  | "list";

export interface FieldSpec {
  key: string;
  kind: FieldKind;
  /** The form's label, e.g. "Data subject's name". */
  label: string;
  /** What it is for: the typed option's help and the form's hint. */
  help: string;
  /** The typed option, e.g. "--name". */
  flag: string;
  required: boolean;
  choices?: ReadonlyArray<readonly [value: string, label: string]>;
  placeholder?: string;
  max?: number;
  /** Said when a required field is empty, e.g. "Give the data subject's name." */
  missing?: string;
  /** The core's names for this input (AppError.field), when they differ from key. */
  coreFields?: readonly string[];
}

/** A command that can be filled in as a form as well as typed. */
export interface FormSpec {
  /** The console words that open it, e.g. "sar open". */
  command: string;
  title: string;
  /** The title where room is short (a Slack modal's title takes 24 characters); `title` when it fits. */
  shortTitle?: string;
  /** The submit button, e.g. "Open request". */
  submit: string;
  intro: string;
  fields: readonly FieldSpec[];
  /** Runs the core command with the validated values, as the session's person. */
  run(session: ConsoleSession, values: FormValues): Promise<ConsoleReply>;
}

/** Validated values by field key: strings, booleans for flags, arrays for lists. */
export type FormValues = Record<string, string | boolean | string[] | undefined>;

/** What a form sends back before validation: strings (lists as one string, one value a line), booleans or arrays. */
export type RawValues = Record<string, unknown>;

/** The outcome of a form submission: the reply, or errors by field key ("form" for the whole form). */
export type FormOutcome = { ok: true; reply: ConsoleReply } | { ok: false; errors: Record<string, string> };

const MAX_TEXT = 500;
const MAX_LONG = 2_000;

/** Splits a list field filled in as text: one value per line (commas and semicolons separate too). */
export function splitList(value: string): string[] {
  return value
    .split(/[\n;,]+/)
    .map((v) => v.trim())
    .filter(Boolean);
}

function fieldSchema(field: FieldSpec): z.ZodType {
  const missing = field.missing ?? `Give ${field.label.charAt(0).toLowerCase()}${field.label.slice(1)}.`;
  switch (field.kind) {
    case "flag":
      return z.preprocess((v) => v === true || v === "true" || v === "on", z.boolean());
    case "list": {
      const list = z.preprocess((v) => (typeof v === "string" ? splitList(v) : v ?? []), z.array(z.string().trim().max(field.max ?? 100, `Each entry in ${field.label.toLowerCase()} must be under ${field.max ?? 100} characters.`)).max(20, `Give at most 20 entries in ${field.label.toLowerCase()}.`));
      return field.required ? list.refine((v) => (v as string[]).length > 0, missing) : list;
    }
    case "choice": {
      const values = (field.choices ?? []).map(([v]) => v) as [string, ...string[]];
      const choice = z.preprocess((v) => (typeof v === "string" ? v.trim().toLowerCase() || undefined : v), z.enum(values, { error: (issue) => (issue.input === undefined ? missing : `Choose ${field.label.toLowerCase()}: ${(field.choices ?? []).map(([v, l]) => `${v} (${l.toLowerCase()})`).join(", ")}.`) }));
      return field.required ? choice : choice.optional();
    }
    default: {
      const max = field.max ?? (field.kind === "longtext" ? MAX_LONG : MAX_TEXT);
      const text = z.preprocess((v) => (typeof v === "string" ? v.trim() || undefined : v), z.string({ error: missing }).max(max, `Keep ${field.label.toLowerCase()} under ${max.toLocaleString("en-GB")} characters.`));
      return field.required ? text : text.optional();
    }
  }
}

/**
 * Validates raw values against the fields. Every field's error is kept (a
 * form shows each beside its field); a typed command shows the first.
 */
export function validateFields(fields: readonly FieldSpec[], raw: RawValues): { ok: true; values: FormValues } | { ok: false; errors: Record<string, string> } {
  const values: FormValues = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const parsed = fieldSchema(field).safeParse(raw[field.key]);
    if (parsed.success) values[field.key] = parsed.data as FormValues[string];
    else errors[field.key] = parsed.error.issues[0]?.message ?? `Check ${field.label.toLowerCase()}.`;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, values };
}

/** The field a core error is about, if the form has it. */
export function fieldOfError(fields: readonly FieldSpec[], coreField: string | undefined): FieldSpec | undefined {
  if (!coreField) return undefined;
  return fields.find((f) => f.key === coreField || f.coreFields?.includes(coreField));
}

/**
 * Runs a form's command from a submission: validation errors and the core's
 * refusals come back by field (or "form"), faults on Callgate's side are thrown.
 */
export async function runForm(session: ConsoleSession, form: FormSpec, raw: RawValues): Promise<FormOutcome> {
  const checked = validateFields(form.fields, raw);
  if (!checked.ok) return checked;
  try {
    return { ok: true, reply: await form.run(session, checked.values) };
  } catch (error) {
    if (!isAppError(error) || ["POLICY_INVALID", "CONFIG_INVALID", "DATABASE_BEHIND", "STORAGE_ERROR"].includes(error.code)) throw error;
    const field = fieldOfError(form.fields, error.field);
    return { ok: false, errors: field ? { [field.key]: error.message } : { form: error.message } };
  }
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Adds the fields as options of a typed command (validation is the fields', not commander's). */
export function addFieldOptions(command: Command, fields: readonly FieldSpec[]): Command {
  for (const field of fields) {
    const value = field.kind === "choice" ? (field.choices ?? []).map(([v]) => v).join("|") : field.key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (field.kind === "flag") command.option(field.flag, field.help);
    else if (field.kind === "list") command.option(`${field.flag} <${value}>`, `${field.help} (repeat for more)`, collect, []);
    else command.option(`${field.flag} <${value}>`, field.help);
  }
  return command;
}

/**
 * Runs a form's command from typed options (commander's camel-case keys are
 * the field keys). The first problem is thrown as INVALID_INPUT with the
 * field's flag, as a typed command should say it.
 */
export async function runTyped(session: ConsoleSession, form: FormSpec, opts: Record<string, unknown>): Promise<ConsoleReply> {
  const checked = validateFields(form.fields, opts);
  if (!checked.ok) {
    const [key, message] = Object.entries(checked.errors)[0]!;
    const field = form.fields.find((f) => f.key === key)!;
    throw new AppError("INVALID_INPUT", `${message.replace(/\.$/, "")} (${field.flag}).`, key);
  }
  try {
    return await form.run(session, checked.values);
  } catch (error) {
    const field = isAppError(error) && error.code === "INVALID_INPUT" ? fieldOfError(form.fields, error.field) : undefined;
    if (!field || !isAppError(error)) throw error;
    throw new AppError(error.code, `${error.message.replace(/\.$/, "")} (${field.flag}).`, error.field, { cause: error });
  }
}
