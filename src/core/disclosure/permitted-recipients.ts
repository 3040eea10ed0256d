/**
 * Whether an organisation asking for a recording is one the policy permits.
 * Policies list recipients as a DPO writes them ("Police (§8)", "Police and
 * other external bodies detecting or preventing crime", "HM Revenue &
 * Customs, in the investigation of offences"), so each entry is read as a few
 * alternative names: split at commas, "and", "or", "&" and brackets; an
 * alternative matches when every significant word of it appears in the
 * organisation's name ("Police" matches "Thames Valley Police").
 */

/** Words that say nothing about who the recipient is. */
const FILLER = new Set([
  "a", "an", "the", "of", "to", "for", "in", "on", "by", "with", "at", "from", "as", "such", "any", "other", "others",
  "who", "which", "that", "where", "when", "their", "its", "our", "all", "body", "bodies", "organisation", "organisations",
  "organization", "organizations", "e", "g", "eg", "ie", "etc", "including", "example",
]);

/**
 * Which entry of the policy's list admits `organisation`: `{ permitted: true,
 * entry }`, with `entry` null when the list is empty (the policy names no
 * recipients, so none is refused); otherwise `{ permitted: false }`.
 */
export function checkPermittedRecipient(permitted: readonly string[], organisation: string): { permitted: true; entry: string | null } | { permitted: false } {
  if (permitted.length === 0) return { permitted: true, entry: null };
  const orgWords = new Set(words(organisation));
  const wanted = normalise(organisation);
  const entry = permitted.find((candidate) => normalise(candidate) === wanted || alternatives(candidate).some((alt) => alt.length > 0 && alt.every((w) => orgWords.has(w))));
  return entry === undefined ? { permitted: false } : { permitted: true, entry };
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
