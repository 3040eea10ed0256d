/**
 * Where each rule of a policy file comes from. Any mapping in the file (the
 * organisation, a purpose, an approval slot, retention, a section another
 * part of Callgate adds later) may carry two optional keys beside its rules:
 *
 *   section: "§3.1"                      the seed document's section
 *   assumed: "the document is silent …"  the whole part is an assumption
 *
 * or, for single fields, a mapping from the field to its note:
 *
 *   section: { accessWindow: "§3.1" }
 *   assumed: { accessWindow: "the document is silent on how long access lasts" }
 *
 * They are lifted out before the schema sees the part (so no part's schema
 * needs to know about them) and kept, by path, in `policy.provenance`, with
 * every path the file itself wrote: what the schema then fills in is a
 * Callgate default, and `policy explain` says so.
 */
import { z } from "zod";
import { formatDuration, type PolicyDuration } from "./duration.ts";
import { calendarText } from "../calendar.ts";

/** One part's or one field's note. `where` names it for people ("purposes.safeguarding.approvals.1"). */
export interface ProvenanceNote {
  where: string;
  section?: string;
  assumed?: string;
}

/** A value the file left out, so the schema's default applies. */
export interface DefaultedField {
  path: string;
  where: string;
  value: string;
}

export interface Provenance {
  /** By path with list indices ("purposes.0.approvals.1"). */
  notes: Record<string, ProvenanceNote>;
  /** Every path the file itself wrote. */
  given: string[];
  /** Filled in after validation: what the file left to Callgate's defaults. */
  defaulted: DefaultedField[];
}

/** Mappings whose keys are the policy's own ids (a class may be called "section"), never notes. */
const ID_KEYED = new Set(["retention.sites", "retention.classes"]);
const NOTE_KEYS = ["section", "assumed"] as const;
const MAX_NOTE = 500;

/** Lifts `section` and `assumed` out of every mapping; for z.preprocess in the schema. */
export function liftProvenance(raw: unknown, ctx: z.RefinementCtx): unknown {
  if (!isMapping(raw)) return raw;
  if ("provenance" in raw) {
    ctx.addIssue({ code: "custom", path: ["provenance"], message: 'write "section:" and "assumed:" beside the rule they describe, not under a "provenance" key' });
    return raw;
  }
  const provenance: Provenance = { notes: {}, given: [], defaulted: [] };
  const walk = (value: unknown, path: (string | number)[], where: string[]): unknown => {
    const dotted = path.join(".");
    if (path.length > 0) provenance.given.push(dotted);
    if (Array.isArray(value)) {
      return value.map((item, i) => walk(item, [...path, i], [...where, nameOf(item, i)]));
    }
    if (!isMapping(value) || ID_KEYED.has(dotted)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if ((NOTE_KEYS as readonly string[]).includes(key)) continue;
      // defineProperty: a hostile "__proto__" key stays a plain (and refused) key, never a prototype.
      Object.defineProperty(out, key, { value: walk(child, [...path, key], [...where, key]), enumerable: true, writable: true, configurable: true });
    }
    for (const kind of NOTE_KEYS) {
      if (!(kind in value)) continue;
      const note = value[kind];
      const at = [...path, kind];
      const add = (notePath: string, noteWhere: string, text: string) => {
        const entry = (provenance.notes[notePath] ??= { where: noteWhere || "the whole policy" });
        entry[kind] = text;
      };
      if (typeof note === "string" && note.trim().length > 0 && note.length <= MAX_NOTE) {
        add(dotted, where.join("."), note.trim());
      } else if (isMapping(note)) {
        for (const [field, text] of Object.entries(note)) {
          if (!(field in out)) {
            ctx.addIssue({ code: "custom", path: [...at, field], message: `"${field.slice(0, 60)}" is not a setting written in this part of the policy, so it cannot be marked; write the setting, or put the note on the whole part` });
          } else if (typeof text !== "string" || text.trim().length === 0 || text.length > MAX_NOTE) {
            ctx.addIssue({ code: "custom", path: [...at, field], message: `write the ${kind === "section" ? "section (for example \"§3.1\")" : "reason it is assumed"} as text of at most ${MAX_NOTE} characters` });
          } else {
            add([...path, field].join("."), [...where, field].join("."), text.trim());
          }
        }
      } else {
        ctx.addIssue({
          code: "custom",
          path: at,
          message:
            kind === "section"
              ? `write the section as text (for example "§3.1"), or as a mapping from a setting to its section; at most ${MAX_NOTE} characters`
              : `write why this is assumed as text (for example "the document is silent; Callgate's default kept"), or as a mapping from a setting to its reason; at most ${MAX_NOTE} characters`,
        });
      }
    }
    return out;
  };
  const lifted = walk(raw, [], []) as Record<string, unknown>;
  return { ...lifted, provenance };
}

/**
 * The fields the schema filled in because the file left them out: every key
 * of the validated policy (outside `skip`) the file never wrote.
 */
export function findDefaulted(policy: Record<string, unknown>, given: readonly string[], skip: readonly string[]): DefaultedField[] {
  const written = new Set(given);
  const found: DefaultedField[] = [];
  const leaves = (value: unknown, path: string[], where: string[]) => {
    if (isMapping(value) && !isDuration(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) leaves(v, [...path, k], [...where, k]);
    } else if (value !== undefined && !isEmpty(value)) {
      // An empty list or mapping by default is "nothing of this kind", not a rule chosen.
      found.push({ path: path.join("."), where: where.join("."), value: describeValue(value) });
    }
  };
  const walk = (value: unknown, path: string[], where: string[]) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, String(i)], [...where, nameOf(item, i)]));
      return;
    }
    if (!isMapping(value) || isDuration(value) || ID_KEYED.has(path.join("."))) return;
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, key];
      if (path.length === 0 && skip.includes(key)) continue;
      if (child === undefined) continue;
      if (!written.has(childPath.join("."))) leaves(child, childPath, [...where, key]);
      else walk(child, childPath, [...where, key]);
    }
  };
  walk(policy, [], []);
  return found;
}

/** A value as the DPO would have written it: "7 days", "recording, call-log", "none", "yes". */
export function describeValue(value: unknown): string {
  if (isDuration(value)) return formatDuration(value);
  if (value instanceof Date) return calendarText(value);
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.map(describeValue).join(", ");
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (isMapping(value)) return Object.keys(value).length === 0 ? "none" : Object.entries(value).map(([k, v]) => `${k}: ${describeValue(v)}`).join("; ");
  return String(value);
}

/** A list item by its id or e-mail when it has one, else its place (from 1). */
function nameOf(item: unknown, index: number): string {
  if (isMapping(item) && typeof item.id === "string") return item.id;
  if (isMapping(item) && typeof item.email === "string") return item.email;
  return String(index + 1);
}

function isEmpty(value: unknown): boolean {
  return (Array.isArray(value) && value.length === 0) || (isMapping(value) && Object.keys(value).length === 0);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function isDuration(value: unknown): value is PolicyDuration {
  return isMapping(value) && typeof value.amount === "number" && typeof value.unit === "string" && Object.keys(value).length === 2;
}
