/**
 * Whether an organisation asking for a recording is one the policy permits,
 * and as which recipient. Two forms of entry:
 *
 * - A recipient with a category (`{ id, label, category, aliases, matches,
 *   lawfulBasis, anyOrganisation }`): the organisation is it when its name
 *   holds the label, an alias or a `matches` phrase as whole words, ignoring
 *   case, accents and punctuation ("&" reads as "and"), so "North Wales
 *   Police" is a recipient that matches "police", and "H.M. Revenue &
 *   Customs" one whose alias is "HM Revenue and Customs". An
 *   `anyOrganisation` entry (a third party named on an authorised form; a
 *   legal obligation) admits any organisation, but only when chosen by id.
 * - The older plain sentence, as a DPO writes it ("Police (§8)", "HM Revenue
 *   & Customs, in the investigation of offences"), still read: split at
 *   commas, "and", "or", "&" and brackets into alternatives; one matches when
 *   every significant word of it appears in the organisation's name.
 */
import type { PermittedRecipient, RecipientCategory } from "../policy/schema.ts";

/** How a recipient is shown and audited: the policy's entry, its category and its basis. */
export interface RecipientMatch {
  id: string;
  label: string;
  /** `unspecified` for an entry in the older plain form. */
  category: RecipientCategory | "unspecified";
  lawfulBasis: string | null;
  /** Whether the person recording chose the entry (an `anyOrganisation` ground) rather than the name matching it. */
  chosen: boolean;
}

/** Words for the categories, as forms and explain output print them. */
export const RECIPIENT_CATEGORY_LABELS: Record<RecipientCategory | "unspecified", string> = {
  "law-enforcement": "law enforcement",
  "tax-authority": "tax authority",
  regulator: "regulator",
  "local-authority": "local authority",
  "service-provider": "service provider or investigator",
  "legal-obligation": "a body the organisation is legally obliged to share with",
  "data-subject": "the data subject",
  "named-on-form": "a third party named on an authorised form",
  other: "other",
  unspecified: "as the policy words it",
};

export type PolicyRecipientEntry = string | PermittedRecipient;

/** The category words for a reader, e.g. "law enforcement"; null without a category. */
export function recipientCategoryText(category: string | null): string | null {
  if (!category || category === "unspecified") return null;
  return RECIPIENT_CATEGORY_LABELS[category as keyof typeof RECIPIENT_CATEGORY_LABELS] ?? category;
}

/**
 * The recipient `organisation` is, from the policy's list: `chosenId` names
 * an entry outright (it must admit the organisation); otherwise the first
 * entry whose names match. `null` when none does. An empty list permits
 * anyone (the policy names no recipients), as `{ id: "", ... }`.
 */
export function matchRecipient(list: readonly PolicyRecipientEntry[], organisation: string, chosenId?: string): RecipientMatch | null {
  if (list.length === 0) return { id: "", label: "", category: "unspecified", lawfulBasis: null, chosen: false };
  const entries = list.map(entryOf);
  if (chosenId) {
    const chosen = entries.find((e) => e.id === chosenId);
    if (!chosen || !(chosen.anyOrganisation || chosen.admits(organisation))) return null;
    return { id: chosen.id, label: chosen.label, category: chosen.category, lawfulBasis: chosen.lawfulBasis, chosen: chosen.anyOrganisation && !chosen.admits(organisation) };
  }
  const found = entries.find((e) => e.admits(organisation));
  return found ? { id: found.id, label: found.label, category: found.category, lawfulBasis: found.lawfulBasis, chosen: false } : null;
}

/** The list as people read it: "Police forces (law enforcement; id police)". */
export function describeRecipients(list: readonly PolicyRecipientEntry[]): string {
  return list
    .map(entryOf)
    .map((e) => (e.category === "unspecified" ? e.label : `${e.label} (${RECIPIENT_CATEGORY_LABELS[e.category]}${e.anyOrganisation ? `; choose "${e.id}" for it` : ""})`))
    .join("; ");
}

/**
 * One entry as `policy explain` should print it: "Police forces (law
 * enforcement; also HMRC; any name holding police or constabulary); lawful
 * basis: DPA 2018 Schedule 2 paragraph 2". A plain sentence prints as written.
 */
export function explainRecipient(entry: PolicyRecipientEntry): string {
  if (typeof entry === "string") return entry;
  const parts = [RECIPIENT_CATEGORY_LABELS[entry.category]];
  if (entry.aliases.length) parts.push(`also ${entry.aliases.join(", ")}`);
  if (entry.matches.length) parts.push(`any name holding ${entry.matches.join(" or ")}`);
  if (entry.anyOrganisation) parts.push(`any organisation, when the person recording chooses "${entry.id}"`);
  return `${entry.label} (${parts.join("; ")})${entry.lawfulBasis ? `; lawful basis: ${entry.lawfulBasis}` : ""}`;
}

/** Ids of the entries that admit any organisation once chosen. */
export function groundIds(list: readonly PolicyRecipientEntry[]): string[] {
  return list.map(entryOf).filter((e) => e.anyOrganisation).map((e) => e.id);
}

/** An entry's id: its own, or `entry-3` for the third entry when it is a plain sentence. */
export function recipientEntryId(entry: PolicyRecipientEntry, index: number): string {
  return typeof entry === "string" ? `entry-${index + 1}` : entry.id;
}

/** The entry with this id, as label and the policy's lawful basis; undefined if the policy no longer has it. */
export function findRecipientEntry(list: readonly PolicyRecipientEntry[], id: string): { label: string; lawfulBasis: string | null } | undefined {
  const index = list.findIndex((r, i) => recipientEntryId(r, i) === id);
  if (index < 0) return undefined;
  const entry = entryOf(list[index]!, index);
  return { label: entry.label, lawfulBasis: entry.lawfulBasis };
}

interface Entry {
  id: string;
  label: string;
  category: RecipientCategory | "unspecified";
  lawfulBasis: string | null;
  anyOrganisation: boolean;
  admits(organisation: string): boolean;
}

function entryOf(entry: PolicyRecipientEntry, index: number): Entry {
  if (typeof entry === "string") {
    return { id: recipientEntryId(entry, index), label: entry, category: "unspecified", lawfulBasis: null, anyOrganisation: false, admits: (org) => legacyAdmits(entry, org) };
  }
  const phrases = [entry.label, ...entry.aliases, ...entry.matches].map(phraseWords).filter((p) => p.length > 0);
  return {
    id: entry.id,
    label: entry.label,
    category: entry.category,
    lawfulBasis: entry.lawfulBasis ?? null,
    anyOrganisation: entry.anyOrganisation,
    admits: (org) => {
      const name = phraseWords(org);
      return phrases.some((p) => containsRun(name, p));
    },
  };
}

/** Lower-case words of a name, accents and punctuation gone, "&" as "and", a dotted "H.M." as "hm". */
function phraseWords(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/(?<=\b\p{L})\.(?=\p{L}\b)/gu, "")
    .replace(/['’]s\b/g, "s")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0 && w !== "the");
}

function containsRun(words: readonly string[], run: readonly string[]): boolean {
  for (let i = 0; i + run.length <= words.length; i++) {
    if (run.every((w, j) => words[i + j] === w)) return true;
  }
  return false;
}

/** Whether an older plain-sentence entry admits the organisation (the rule the first policies were written for). */
function legacyAdmits(entry: string, organisation: string): boolean {
  const orgWords = new Set(words(organisation));
  return normalise(entry) === normalise(organisation) || alternatives(entry).some((alt) => alt.length > 0 && alt.every((w) => orgWords.has(w)));
}

/** Words that say nothing about who the recipient is. */
const FILLER = new Set([
  "a", "an", "the", "of", "to", "for", "in", "on", "by", "with", "at", "from", "as", "such", "any", "other", "others",
  "who", "which", "that", "where", "when", "their", "its", "our", "all", "body", "bodies", "organisation", "organisations",
  "organization", "organizations", "e", "g", "eg", "ie", "etc", "including", "example",
]);

/**
 * Which entry of the policy's list admits `organisation`: `{ permitted: true,
 * entry }` (the entry's label, or the sentence), with `entry` null when the
 * list is empty (the policy names no recipients, so none is refused);
 * otherwise `{ permitted: false }`. See `matchRecipient` for the category and basis.
 */
export function checkPermittedRecipient(permitted: readonly PolicyRecipientEntry[], organisation: string): { permitted: true; entry: string | null } | { permitted: false } {
  if (permitted.length === 0) return { permitted: true, entry: null };
  const match = matchRecipient(permitted, organisation);
  return match === null ? { permitted: false } : { permitted: true, entry: match.label };
}

function normalise(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/** Significant words, lower-cased, with a plural "s" taken off so "Regulators" matches "Regulator". */
function words(text: string): string[] {
  return normalise(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0 && !FILLER.has(w))
    .map((w) => (w.length > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w));
}

function alternatives(entry: string): string[][] {
  // Bracketed text is an alternative name ("(LADO)") unless it is a section reference ("(§8)").
  const bracketed = [...entry.matchAll(/\(([^)]*)\)/g)].map((m) => m[1]!).filter((inner) => !/^\s*(§|section|appendix|para)/i.test(inner));
  const outside = entry.replace(/\([^)]*\)/g, " ");
  return [...outside.split(/,|;|\/|&|\band\b|\bor\b/i), ...bracketed].map(words);
}
