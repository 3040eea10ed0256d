/** Reading the policy report (explainPolicy, reviewPolicy) in unit tests. */

/** The report's text for one purpose, from its numbered heading to the next. */
export function purposeSection(report: string, label: string): string {
  const start = report.search(new RegExp(`^ {2}\\d+\\. ${label}$`, "m"));
  if (start < 0) throw new Error(`no section for ${label}`);
  const rest = report.slice(start + 1);
  const end = rest.search(/^ {2}\d+\. |^\S/m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Prose is wrapped at 90 columns; compare without the line breaks. */
export const flat = (text: string) => text.replace(/\s+/g, " ");
