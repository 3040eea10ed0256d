/** Reading the PDFs Callgate makes (letters, logs, summaries) in tests. */
import { extractText, getDocumentProxy } from "unpdf";

/** A PDF's text as extracted, every page in one string, line breaks kept. */
export async function rawPdfText(body: Buffer | Uint8Array): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(body)), { mergePages: true });
  return text;
}

/** A PDF's text with white space folded to single spaces, so wrapped lines compare as prose. */
export async function pdfText(body: Buffer | Uint8Array): Promise<string> {
  return (await rawPdfText(body)).replace(/\s+/g, " ");
}
