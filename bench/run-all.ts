/**
 * `npm run bench`: every benchmark, one after another on the same machine,
 * printing its figures. Pass names to run a subset, e.g.
 * `npm run bench -- catalogue-search concurrent-approvals`.
 * The figures are only meaningful on an otherwise idle machine.
 */
import { cpus, loadavg } from "node:os";

type Printable = string[] | { text: string };

const BENCHMARKS: Record<string, () => Promise<Printable>> = {
  "catalogue-search": async () => (await import("./catalogue-search.ts")).run(),
  "sar-search": async () => (await import("./sar-search.ts")).run(),
  "audit-summary": async () => (await import("./audit-summary.ts")).run(),
  "blob-import": async () => (await import("./blob-import.ts")).run(),
  "retention-sweep": async () => (await import("./retention-sweep.ts")).run(),
  "concurrent-approvals": async () => (await import("./concurrent-approvals.ts")).run(),
  "playback-page": async () => (await import("./playback-page.ts")).run(),
  "slack-ack": async () => (await import("./slack-ack.ts")).run(),
  "teams-latency": async () => (await import("./teams-latency.ts")).run(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = wanted.filter((w) => !(w in BENCHMARKS));
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(", ")}. Choose from: ${Object.keys(BENCHMARKS).join(", ")}.`);
  process.exit(2);
}

console.log(`Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
for (const [name, run] of Object.entries(BENCHMARKS)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`\n== ${name}`);
  const started = Date.now();
  const result = await run();
  console.log(Array.isArray(result) ? result.join("\n") : result.text);
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
