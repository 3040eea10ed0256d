/**
 * Zip archives for bundles handed to the DPO (subject access, portability,
 * disclosure), built with yazl. Audio is already compressed, so it is stored
 * as is; text and PDFs are deflated.
 */
import yazl from "yazl";

export interface ZipEntry {
  /** Path inside the archive, with forward slashes. */
  name: string;
  body: Buffer;
  /** Modification time shown in the archive; defaults to the Unix epoch so output is reproducible. */
  mtime?: Date;
}

const STORED = /\.(wav|mp3|m4a|ogg|opus|zip|png|jpg)$/i;

export async function buildZip(entries: readonly ZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) throw new Error(`two files in one archive are both called ${entry.name}`);
    seen.add(entry.name);
    zip.addBuffer(entry.body, entry.name, { mtime: entry.mtime ?? new Date(0), compress: !STORED.test(entry.name) });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
