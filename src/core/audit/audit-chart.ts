/**
 * The summary's chart, requests per week by outcome, drawn on the server with
 * no browser: a Vega-Lite spec compiled to Vega, rendered headless to SVG
 * (renderer "none", so no canvas package is needed), then rasterised to PNG
 * by resvg. Text uses whichever of the listed sans-serif fonts the machine
 * has; without any, the bars are still drawn.
 */
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { OUTCOME_LABELS, OUTCOME_ORDER, type AuditSummary, type RequestStatus } from "./summarise-audit.ts";

const COLOURS: Record<RequestStatus, string> = {
  FULFILLED: "#2e7d32",
  DENIED: "#c62828",
  CONSENT_REFUSED: "#ef6c00",
  NOT_FOUND: "#8d6e63",
  WITHDRAWN: "#9e9e9e",
  EXPIRED: "#616161",
  PENDING_APPROVAL: "#1565c0",
  AWAITING_CONSENT: "#42a5f5",
  AWAITING_FULFILMENT: "#90caf9",
};

const FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";
/** Pixels per CSS pixel in the PNG, so the chart stays sharp in chat clients. */
const SCALE = 2;

/** The Vega-Lite spec for the chart (exported for tests and for anyone wanting the SVG). */
export function requestsChartSpec(summary: AuditSummary): TopLevelSpec {
  const values = summary.requests.perWeek.flatMap((week) =>
    OUTCOME_ORDER.filter((s) => (week.counts[s] ?? 0) > 0).map((status) => ({
      week: `${week.weekStart.slice(8, 10)}/${week.weekStart.slice(5, 7)}/${week.weekStart.slice(0, 4)}`,
      outcome: OUTCOME_LABELS[status],
      order: OUTCOME_ORDER.indexOf(status),
      requests: week.counts[status]!,
    })),
  );
  const weeks = summary.requests.perWeek.map((w) => `${w.weekStart.slice(8, 10)}/${w.weekStart.slice(5, 7)}/${w.weekStart.slice(0, 4)}`);
  const present = OUTCOME_ORDER.filter((s) => summary.requests.byOutcome.some((o) => o.status === s));
  const shown = present.length ? present : (["FULFILLED"] as RequestStatus[]);
  const filters = summary.query.filterDescription ? `, ${summary.query.filterDescription}` : "";
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Requests per week by outcome", subtitle: `${summary.organisation}: ${summary.query.period.description}${filters}` },
    width: Math.min(1100, Math.max(420, weeks.length * 34)),
    height: 260,
    background: "white",
    padding: 12,
    config: { font: FONT, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 280 }, title: { fontSize: 15, subtitleFontSize: 11 } },
    data: { values },
    mark: { type: "bar" },
    encoding: {
      x: { field: "week", type: "ordinal", title: "Week beginning", sort: weeks, scale: { domain: weeks }, axis: { labelAngle: -45, labelOverlap: true } },
      y: { field: "requests", type: "quantitative", aggregate: "sum", title: "Requests", axis: { tickMinStep: 1, format: "d" } },
      color: {
        field: "outcome",
        type: "nominal",
        title: "Outcome",
        scale: { domain: shown.map((s) => OUTCOME_LABELS[s]), range: shown.map((s) => COLOURS[s]) },
      },
      order: { field: "order", type: "quantitative" },
    },
  } as TopLevelSpec;
}

/** The chart as SVG text. */
export async function renderRequestsChartSvg(summary: AuditSummary): Promise<string> {
  const compiled = compile(requestsChartSpec(summary)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The chart as PNG bytes. */
export async function renderRequestsChart(summary: AuditSummary): Promise<Buffer> {
  const svg = await renderRequestsChartSvg(summary);
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: SCALE },
    background: "white",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
  });
  return Buffer.from(resvg.render().asPng());
}
