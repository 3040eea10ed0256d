/**
 * `audit [period and filters]` (or `audit summary ...`, the CLI's words) and
 * `audit export csv|pdf [period and filters]`:
 * the DPO's audit summary in chat (Slack `/recording-audit last 30 days`
 * arrives here as `audit last 30 days`; Teams `audit ...`). The core checks
 * the role, refuses and logs anyone else, and audits every summary and export.
 * The reply carries the chart as an image and buttons for the two exports,
 * which are delivered by direct message (a download link), never in the channel.
 */
import type { Command } from "commander";
import { renderRequestsChart } from "../core/audit/audit-chart.ts";
import { chainText, describeSarState, formatMinutes, sendAuditExport } from "../core/audit/export-audit.ts";
import { summariseAudit, type AuditSummary } from "../core/audit/summarise-audit.ts";
import { formatDateTime } from "../core/format.ts";
import { AppError } from "../core/errors.ts";
import type { ConsoleModule } from "./run-console.ts";
import { fields, list, note, text, warning, type ConsoleReply, type ReplyBlock } from "./reply.ts";

/** Items shown per list in chat; the exports have everything. */
const SHOWN = 8;

export const auditConsole: ConsoleModule = {
  register(program: Command, session, answer) {
    const summarise = async (terms: string[]) => {
      const summary = await summariseAudit(session.ctx, { actorEmail: session.actorEmail, query: terms });
      const png = await renderRequestsChart(summary);
      answer(auditSummaryReply(summary, png));
    };
    const audit = program
      .command("audit")
      .description("Audit summary for a period (default the last 30 days), e.g. `audit last month purpose safeguarding`")
      .argument("[terms...]", "a period (last 30 days, this month, last month, this year, 2026-01-01..2026-03-31) and filters (person, purpose, site, ref)")
      .helpCommand(true)
      .action(summarise);
    // `audit summary last month` as the CLI words it (`callgate audit summary`), and the same as `audit last month`.
    audit.command("summary").description("The same summary: `audit summary this month` is `audit this month`").argument("[terms...]", "the same period and filters").action(summarise);
    audit
      .command("export")
      .description("Send the audit log (csv) or a report to file (pdf) for a period to you by direct message")
      .argument("<format>", "csv or pdf")
      .argument("[terms...]", "the same period and filters as the summary")
      .action(async (format: string, terms: string[]) => {
        const wanted = format.toLowerCase();
        if (wanted !== "csv" && wanted !== "pdf") throw new AppError("INVALID_INPUT", `Choose csv or pdf, for example \`audit export pdf last month\` (not "${format.slice(0, 20)}").`);
        const { export: made, file } = await sendAuditExport(session.ctx, { actorEmail: session.actorEmail, query: terms, format: wanted });
        const tz = session.ctx.policy.organisation.timeZone;
        answer({
          title: wanted === "csv" ? "Audit log export on its way" : "Audit report on its way",
          blocks: [
            text(`${made.fileName} (${wanted === "csv" ? `${made.rows.toLocaleString("en-GB")} audit entries` : `report covering ${made.rows.toLocaleString("en-GB")} requests`}) has been sent to you as a direct message.`),
            note(`The download link works until ${formatDateTime(file.expiresAt, tz)}. Period: ${made.query.period.description}${made.query.filterDescription ? `; ${made.query.filterDescription}` : ""}.`),
          ],
        });
      });
  },
};

/** The summary as a console reply: warnings first, then the figures, the chart and the export buttons. */
export function auditSummaryReply(s: AuditSummary, png?: Buffer): ConsoleReply {
  const blocks: ReplyBlock[] = [];
  const a = s.anomalies;

  if (!s.chain.ok) blocks.push(warning(`The audit chain is broken at entry ${s.chain.firstBad?.seq}: ${s.chain.firstBad?.problem}. Investigate before relying on the log.`));
  const overdue = s.subjectAccess.open.filter((r) => r.overdue);
  if (overdue.length) blocks.push(warning(`${overdue.length} subject access request${overdue.length === 1 ? " is" : "s are"} overdue: ${overdue.map((r) => `${r.reference} (due ${r.dueOnText})`).join(", ")}.`));
  const reviews = s.covert.active.filter((c) => c.reviewOverdue);
  if (reviews.length) blocks.push(warning(`Covert monitoring review overdue: ${reviews.map((c) => `${c.reference} (review was due ${c.reviewOnText})`).join(", ")}.`));
  const lateBreaches = s.breaches.open.filter((b) => b.overdue);
  if (lateBreaches.length) blocks.push(warning(`ICO deadline passed with no decision recorded: ${lateBreaches.map((b) => `${b.reference} (was due ${b.deadlineAtText})`).join(", ")}.`));
  if (s.capacity && s.capacity.crossed.length) blocks.push(warning(`Recording capacity at ${s.capacity.percent}%: ${s.capacity.count.toLocaleString("en-GB")} of ${s.capacity.maxRecordings.toLocaleString("en-GB")} recordings in ${s.capacity.perText}.`));
  const findings = a.heavyRequesters.items.length + (a.outsideHours.total ? 1 : 0) + a.repeatedNumbers.items.length + a.approverPairs.items.length;
  const repeatedRefusals = s.refused.repeated.items.length;
  if (repeatedRefusals) blocks.push(warning(`${repeatedRefusals} ${repeatedRefusals === 1 ? "person was" : "people were"} refused again and again: see "Refused attempts" below.`));
  if (findings) blocks.push(warning(`${findings} pattern${findings === 1 ? "" : "s"} worth a look: see "Anomalies" below.`));

  blocks.push(
    fields([
      ["Period", s.query.period.description],
      ...(s.query.filterDescription ? [["Filters", s.query.filterDescription] as const] : []),
      ["Requests made", String(s.requests.total)],
      ["Median time to decision", s.decisionTime.medianMinutes === null ? "No decisions yet" : `${formatMinutes(s.decisionTime.medianMinutes)} (${s.decisionTime.decided} decided)`],
      ["Slowest decision", s.decisionTime.slowest ? `${formatMinutes(s.decisionTime.slowest.minutes)} (${s.decisionTime.slowest.reference})` : "None"],
      ["Audit chain", chainText(s)],
    ]),
  );

  if (s.requests.total) {
    blocks.push(text("By outcome"), list(s.requests.byOutcome.map((o) => `${o.label}: ${o.count}`)));
    blocks.push(text("By purpose"), list(s.requests.byPurpose.map((o) => `${o.label}: ${o.count}`)));
    blocks.push(text("By site"), list(s.requests.bySite.map((o) => `${o.label}: ${o.count}`)));
  }

  blocks.push(
    text("Playback links"),
    fields([
      ["Issued", String(s.links.issued)],
      ["Opened", `${s.links.opened} link${s.links.opened === 1 ? "" : "s"} (${s.links.opens} open${s.links.opens === 1 ? "" : "s"})`],
      ["Expired", String(s.links.expired)],
      ["Revoked", String(s.links.revoked)],
    ]),
  );

  if (s.denials.total) {
    blocks.push(text(`Denials (${s.denials.total})`), list(limited(s.denials.items.map((d) => `${d.reference}, ${d.decider.name}, ${d.atText}: ${d.reason}`), s.denials.total)));
  }
  if (s.approvalNotes.total) {
    blocks.push(text(`Approvals with a note (${s.approvalNotes.total})`), list(limited(s.approvalNotes.items.map((d) => `${d.reference} (${d.purpose}), ${d.decider.name}, ${d.atText}: ${d.note}`), s.approvalNotes.total)));
  }

  blocks.push(text(`Open subject access requests (${s.subjectAccess.open.length})`));
  if (s.subjectAccess.open.length) blocks.push(list(limited(s.subjectAccess.open.map((r) => `${r.reference}: due ${r.dueOnText}, ${describeSarState(r)}; ${r.owner.name}`), s.subjectAccess.open.length)));

  blocks.push(text(`Open personal data breaches (${s.breaches.open.length})`));
  if (s.breaches.open.length) {
    blocks.push(list(limited(s.breaches.open.map((b) => `${b.reference}: discovered ${b.discoveredAtText}, reported by ${b.reportedBy.name}; ${b.icoDecision ? b.icoText : b.overdue ? `ICO deadline passed ${b.deadlineAtText}` : `tell the ICO by ${b.deadlineAtText} if reportable`}`), s.breaches.open.length)));
  }
  if (s.capacity) blocks.push(fields([["Recording capacity", `${s.capacity.count.toLocaleString("en-GB")} of ${s.capacity.maxRecordings.toLocaleString("en-GB")} in ${s.capacity.perText} (${s.capacity.percent}%)`]]));

  blocks.push(fields([["Recordings deleted under retention", String(s.retention.deleted)]]));

  blocks.push(text(`Active covert monitoring (${s.covert.active.length})`));
  if (s.covert.active.length) {
    blocks.push(
      list(
        limited(
          s.covert.active.map((c) => `${c.reference}: authorised by ${c.authorisedBy.name} (${c.authoriserRole}), covers ${[...c.extensions.map((e) => `ext. ${e}`), ...c.staff.map((p) => p.name)].join(", ") || "nobody named"}; review ${c.reviewOnText}${c.reviewOverdue ? " (overdue)" : ""}`),
          s.covert.active.length,
        ),
      ),
    );
  }

  const anomalyLines = [
    ...a.heavyRequesters.items.map((p) => `Requesting far more than peers: ${p.name}, ${p.requests} requests (${p.timesMedian} times the median)`),
    ...(a.outsideHours.total ? [`Outside working hours: ${a.outsideHours.total} request${a.outsideHours.total === 1 ? "" : "s"}, e.g. ${a.outsideHours.items.slice(0, 3).map((o) => `${o.reference} (${o.requester.name}, ${o.atText}, ${o.why})`).join("; ")}`] : []),
    ...a.repeatedNumbers.items.map((r) => `Same number again: ${r.requester.name} asked about ${r.maskedNumber} ${r.requests} times (${r.references.join(", ")})`),
    ...a.approverPairs.items.map((p) => `Same approvers: ${p.approvers[0].name} and ${p.approvers[1].name} approved ${p.requests} requests together (${p.references.join(", ")})`),
  ];
  blocks.push(text(`Anomalies (${anomalyLines.length})`));
  if (anomalyLines.length) blocks.push(list(limited(anomalyLines, anomalyLines.length)));
  blocks.push(note(`Rules: ${[a.heavyRequesters.rule, a.outsideHours.rule, a.repeatedNumbers.rule, a.approverPairs.rule].join(" ")}`));
  blocks.push(text(`Refused attempts (${s.refused.total})`));
  if (s.refused.total) blocks.push(list(limited(s.refused.byAction.map((r) => `${r.action}, ${r.code}: ${r.count}`), s.refused.byAction.length)));
  if (repeatedRefusals) blocks.push(list(limited(s.refused.repeated.items.map((p) => `Refused ${p.refusals} times: ${p.name} (${p.codes.join(", ")}; ${p.actions.join(", ")})`), repeatedRefusals)));
  blocks.push(note(`Rule: ${s.refused.repeated.rule}`));
  blocks.push(note(`Generated ${s.generatedAtText} for ${s.generatedBy.name}. Phone numbers are masked. Subject access, retention, covert monitoring and refused attempts are organisation-wide; filters narrow the request figures.`));

  const terms = s.query.terms;
  return {
    title: `Audit summary: ${s.query.period.description}`,
    blocks,
    actions: [
      { label: "Export CSV", command: `audit export csv ${terms}` },
      { label: "PDF report", command: `audit export pdf ${terms}`, style: "primary" },
    ],
    ...(png ? { image: { png, altText: `Requests per week by outcome, ${s.query.period.description}: ${s.requests.total} requests`, fileName: `audit-${s.query.period.firstDay}-to-${s.query.period.lastDay}.png` } } : {}),
  };
}

function limited(items: string[], total: number): string[] {
  return total > SHOWN || items.length > SHOWN ? [...items.slice(0, SHOWN), `and ${total - Math.min(SHOWN, items.length)} more (see the exports)`] : items;
}
