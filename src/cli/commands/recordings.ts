/**
 * `callgate recordings ...`: fill the catalogue from the recordings container
 * or a call-log CSV, and search it. Numbers are shown masked and times in the
 * organisation's time zone, as everywhere else outside a request.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { userInfo } from "node:os";
import { TZDate } from "@date-fns/tz";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { AppError } from "../../core/errors.ts";
import { formatDateTime } from "../../core/format.ts";
import { maskPhoneNumber } from "../../core/phone.ts";
import { importBlobListing } from "../../core/recordings/import-blob-listing.ts";
import { importCallLogCsv } from "../../core/recordings/import-call-log-csv.ts";
import { searchRecordings, type RecordingSummary } from "../../core/recordings/search-recordings.ts";
import { withCliContext } from "../open-context.ts";
import type { RegisterCommand } from "./index.ts";

/** Registers the `recordings` command group. */
export const registerRecordingsCommands: RegisterCommand = (program: Command) => {
  const recordings = program.command("recordings").description("Catalogue recordings and call logs, and search the catalogue");

  recordings
    .command("import-blobs")
    .description("Catalogue the recordings container (resumes an interrupted import; safe to repeat)")
    .option("--page-size <n>", "blobs per listing page, 1 to 5000", "1000")
    .action(async (opts: { pageSize: string }) => {
      const pageSize = wholeNumber(opts.pageSize, "--page-size");
      await withCliContext(async ({ ctx }) => {
        const bar = new cliProgress.SingleBar(
          { format: "Cataloguing recordings | {value} listed | {added} added | {skipped} already catalogued | {invalid} invalid", stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(0, 0, { added: 0, skipped: 0, invalid: 0 });
        let result;
        try {
          result = await importBlobListing(ctx, ctx.recordings, {
            source: `blob-listing:${ctx.recordings.containerName}`,
            pageSize,
            actor: cliActor(),
            onProgress: (p) => {
              bar.setTotal(p.listed);
              bar.update(p.listed, { added: p.added + p.linked, skipped: p.skipped, invalid: p.invalid });
            },
          });
        } finally {
          bar.stop();
        }
        if (result.resumed) console.log("Carried on from where the last import stopped.");
        console.log(
          `Listed ${count(result.listed, "blob")}: ${result.added} added, ${result.linked} call logs given their audio, ${result.skipped} already catalogued, ${result.invalid} invalid.`,
        );
        printInvalid(result.invalidItems.map((i) => `${i.blobName}: ${i.reason}`), result.invalid);
      });
    });

  recordings
    .command("import-csv")
    .description("Catalogue calls from a call-log CSV (calls without audio); safe to repeat")
    .argument("<file>", "the call-log CSV file (format: docs/recording-convention.md)")
    .action(async (file: string) => {
      let size: number;
      try {
        const info = await stat(file);
        if (!info.isFile()) throw new Error("not a file");
        size = info.size;
      } catch (error) {
        throw new AppError("INVALID_INPUT", `${file} cannot be read.`, "file", { cause: error });
      }
      await withCliContext(async ({ ctx }) => {
        const stream = createReadStream(file);
        let bytes = 0;
        stream.on("data", (chunk) => (bytes += chunk.length));
        const bar = new cliProgress.SingleBar(
          { format: "Importing call log | {bar} | {percentage}% | {rows} rows | {added} added | {invalid} invalid", stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(size, 1), 0, { rows: 0, added: 0, invalid: 0 });
        let result;
        try {
          result = await importCallLogCsv(ctx, stream, {
            sourceName: `call-log:${basename(file)}`,
            actor: cliActor(),
            onProgress: (p) => bar.update(Math.min(bytes, size), { rows: p.rows, added: p.added, invalid: p.invalid }),
          });
          bar.update(Math.max(size, 1), { rows: result.rows, added: result.added, invalid: result.invalid });
        } finally {
          bar.stop();
        }
        console.log(`Read ${count(result.rows, "row")}: ${result.added} added, ${result.skipped} already catalogued, ${result.invalid} invalid.`);
        printInvalid(result.invalidRows.map((r) => `line ${r.line}: ${r.reason}`), result.invalid);
      });
    });

  recordings
    .command("search")
    .description("Search the catalogue by number and time window (and direction, extension, site)")
    .requiredOption("--from <time>", "start of the window: ISO 8601, e.g. 2026-11-20T09:00 (organisation time) or 2026-11-20T09:00:00Z")
    .requiredOption("--to <time>", "end of the window, as --from")
    .option("--number <number>", "external number as dialled, e.g. 020 7946 0123")
    .option("--direction <direction>", "inbound, outbound or internal")
    .option("--extension <extension>", "internal extension, e.g. 102")
    .option("--site <site>", "site id from the policy")
    .option("--audio-only", "leave out calls known only from the call log")
    .option("--limit <n>", "at most this many results, up to 500", "50")
    .action(
      async (opts: { from: string; to: string; number?: string; direction?: string; extension?: string; site?: string; audioOnly?: boolean; limit: string }) => {
        await withCliContext(async ({ ctx }) => {
          const timeZone = ctx.policy.organisation.timeZone;
          const result = await searchRecordings(ctx, {
            from: instantFromCli(opts.from, timeZone, "--from"),
            to: instantFromCli(opts.to, timeZone, "--to"),
            ...(opts.number !== undefined ? { number: opts.number } : {}),
            ...(opts.direction !== undefined ? { direction: opts.direction } : {}),
            ...(opts.extension !== undefined ? { extension: opts.extension } : {}),
            ...(opts.site !== undefined ? { siteId: opts.site } : {}),
            withAudioOnly: opts.audioOnly ?? false,
            limit: wholeNumber(opts.limit, "--limit"),
          });
          if (result.items.length === 0) {
            console.log("No calls match.");
            return;
          }
          printTable(result.items, timeZone);
          if (result.truncated) console.log(`Showing the first ${result.items.length}; narrow the search or raise --limit to see more.`);
        });
      },
    );
};

/** Accepts ISO 8601 with a zone, or a local date and time read in the organisation's zone. */
function instantFromCli(text: string, timeZone: string, option: string): string {
  const local = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!local) return text.trim();
  const [, y, m, d, hh, mm, ss] = local.map(Number) as [number, number, number, number, number, number, number];
  const at = new TZDate(y, m - 1, d, hh, mm, Number.isNaN(ss) ? 0 : ss, timeZone);
  if (Number.isNaN(at.getTime()) || at.getDate() !== d) throw new AppError("INVALID_INPUT", `${option}: that date and time do not exist.`, option);
  return new Date(at.getTime()).toISOString();
}

function printTable(items: RecordingSummary[], timeZone: string): void {
  const rows = items.map((r) => [
    formatDateTime(r.startedAt, timeZone),
    formatDuration(r.durationSeconds),
    r.direction.toLowerCase(),
    r.direction === "INTERNAL" && !r.externalNumber ? "(internal)" : maskPhoneNumber(r.externalNumber),
    r.extension ?? "",
    r.siteId ?? "",
    r.hasAudio ? "audio" : "log only",
    r.callId,
  ]);
  const header = ["Started", "Length", "Direction", "Number", "Ext", "Site", "Kind", "Call id"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

function printInvalid(lines: string[], total: number): void {
  if (lines.length === 0) return;
  console.log("Not catalogued (see docs/recording-convention.md):");
  for (const line of lines) console.log(`  ${line}`);
  if (total > lines.length) console.log(`  ...and ${total - lines.length} more.`);
}

function wholeNumber(text: string, option: string): number {
  if (!/^\d{1,6}$/.test(text.trim())) throw new AppError("INVALID_INPUT", `${option} must be a whole number.`, option);
  return Number(text);
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString("en-GB")} ${n === 1 ? noun : `${noun}s`}`;
}

/** The audit log's actor for an admin at a terminal. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return "cli";
  }
}
