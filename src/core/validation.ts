/**
 * Small shared rules for text that people type into chat forms.
 */
import type { z } from "zod";

// C0/C1 controls except tab and newline, and the Unicode bidi overrides that
// can make a reason read differently from what it says.
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** NFC-normalised, without control or bidi characters, trimmed. */
export function cleanText(text: string): string {
  return text.normalize("NFC").replace(UNSAFE, "").replace(/[ \t]+/g, " ").trim();
}

/** A zod issue as a sentence for the person who typed the value. */
export function formatZodIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.join(".");
  if (issue.code === "invalid_type" && issue.input === undefined) return `Please fill in ${field || "the form"}.`;
  if (issue.code === "too_big" && issue.origin === "string") return `${field ? `${field}: ` : ""}that is too long (at most ${issue.maximum} characters).`;
  return issue.message.endsWith(".") ? issue.message : `${issue.message}.`;
}
