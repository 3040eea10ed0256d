/**
 * Acting as each demo person in the local Teams trial. The Agents Playground
 * (0.2.28) speaks only as the current user its config names and cannot
 * switch, so each person gets their own Playground, with them as the current
 * user, on its own port (the default one on 56150, then 56151 + their place
 * in the policy), all pointed at the same Callgate. A person's Playground is
 * started the first time someone opens them from the page at /trial, which
 * lists the policy's people; the first message (or the page's own
 * conversationUpdate) links them and delivers whatever was waiting for them.
 * Each Playground's mock Bot Connector is that person's serviceUrl from then
 * on, so their notices show in their own tab. The page also lists the most
 * recent calls in the catalogue (the demo's synthetic ones), so a trial has a
 * real call to ask for.
 */
import { createHash } from "node:crypto";
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";
import type { RequestHandler } from "express";
import { formatTime } from "../../../core/format.ts";
import { AppError } from "../../../core/errors.ts";
import type { Policy } from "../../../core/policy/schema.ts";
import type { HttpServer } from "../../../infra/http/server.ts";
import type { Logger } from "../../../infra/logger.ts";
import { startAgentsPlayground, type AgentsPlayground } from "./start-playground.ts";
import { playgroundUsersFromPolicy } from "./users.ts";

export const TRIAL_PATH = "/trial";

const STYLE = "body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;line-height:1.5}li{margin:.4rem 0}small{color:#555;margin-left:.5rem}table{border-collapse:collapse}th,td{text-align:left;padding:.2rem 1rem .2rem 0;white-space:nowrap}";
const TRIAL_CSP = `default-src 'none'; style-src 'sha256-${createHash("sha256").update(STYLE, "utf8").digest("base64")}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export interface TrialPlaygroundsOptions {
  policy: Policy;
  logger: Logger;
  /** The default Playground's port; each person's is basePort + 1 + their place in the policy. */
  basePort: number;
  /** Who the default Playground speaks as (an e-mail); the policy's first plain requester if unset. */
  currentUserEmail?: string;
  /** The calls the page offers to ask for (the demo's recordings); none listed if unset. */
  calls?: () => Promise<readonly TrialCall[]>;
}

/** A call the trial page lists, as the request form asks for it. */
export interface TrialCall {
  startedAt: Date;
  direction: string;
  /** As people dial it, e.g. 020 7946 0123; absent when withheld or internal. */
  number?: string;
  extension?: string;
  siteId?: string;
}

export class TrialPlaygrounds {
  private readonly running = new Map<string, Promise<AgentsPlayground>>();
  private botEndpoint: string | undefined;
  private defaultEmail: string | undefined;

  constructor(private readonly options: TrialPlaygroundsOptions) {}

  /** Starts the default Playground, pointed at Callgate's messaging endpoint. */
  async start(botEndpoint: string): Promise<AgentsPlayground> {
    this.botEndpoint = botEndpoint;
    const users = playgroundUsersFromPolicy(this.options.policy, this.options.currentUserEmail ? { currentUserEmail: this.options.currentUserEmail } : {});
    this.defaultEmail = users[0]!.email;
    const started = startAgentsPlayground({ port: this.options.basePort, botEndpoint, users, logger: this.options.logger });
    this.running.set(this.defaultEmail, started);
    return started;
  }

  /** This person's Playground, started on first use. */
  async as(email: string): Promise<AgentsPlayground> {
    const known = this.running.get(email);
    if (known) return known;
    if (!this.botEndpoint) throw new Error("the trial's Playgrounds have not started yet");
    const index = this.options.policy.people.findIndex((p) => p.email === email);
    if (index < 0) throw new Error(`${email} is not in the policy`);
    const started = startAgentsPlayground({
      port: this.options.basePort + 1 + index,
      botEndpoint: this.botEndpoint,
      users: playgroundUsersFromPolicy(this.options.policy, { currentUserEmail: email }),
      logger: this.options.logger,
    });
    this.running.set(email, started);
    started.catch(() => this.running.delete(email));
    return started;
  }

  /** Ends every Playground started. */
  async close(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map((p) => p.then((pg) => pg.close(), () => undefined)));
  }

  /** GET /trial (the people) and GET /trial/as/<n> (opens person n's chat, starting it if need be). */
  mount(http: HttpServer): void {
    const people = this.options.policy.people;
    const handler: RequestHandler = (req, res, next) => {
      if (req.method !== "GET") return next();
      const as = /^\/as\/(\d{1,3})\/?$/.exec(req.path);
      if (as) {
        const person = people[Number(as[1])];
        if (!person) return next();
        this.as(person.email).then(
          (playground) => res.redirect(302, playground.url),
          (error: unknown) => {
            this.options.logger.error({ err: error }, "could not start a trial Playground");
            res.status(503).type("text/plain").send("That person's Agents Playground could not start. The server's log says why.");
          },
        );
        return;
      }
      if (req.path !== "/" && req.path !== "") return next();
      (this.options.calls ? this.options.calls() : Promise.resolve([])).then(
        // The server's default policy allows no styles at all: this page's own one, by its hash.
        (calls) => res.type("html").setHeader("Content-Security-Policy", TRIAL_CSP).send(this.page(calls)),
        (error: unknown) => next(error),
      );
    };
    http.mount(TRIAL_PATH, handler);
  }

  private page(calls: readonly TrialCall[]): string {
    const { policy } = this.options;
    const rows = policy.people
      .map((p, i) => {
        const roles = p.roles.length ? p.roles.join(", ") : "member of staff";
        const note = p.email === this.defaultEmail ? " (the Playground on port " + this.options.basePort + ")" : "";
        return `<li><a href="${TRIAL_PATH}/as/${i}" target="_blank">${escapeHtml(p.name)}</a> <small>${escapeHtml(roles)}${escapeHtml(note)}</small></li>`;
      })
      .join("\n");
    return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Callgate trial: choose who you are</title>
<style>${STYLE}</style></head>
<body><h1>Callgate trial: ${escapeHtml(policy.organisation.name)}</h1>
<p>Choose a person to open their own Teams chat with Callgate in a new tab (an Agents Playground on its own port). Keep each tab open: a person's notices arrive in their tab, and any that were due before they first opened it arrive as soon as they do.</p>
<ul>
${rows}
</ul>
${calls.length ? callsTable(policy, calls) : ""}</body></html>`;
  }
}

/** `--as carys`, `--as "Carys Evans"` or an e-mail: the policy person meant, or a clear error. */
export function findTrialPerson(policy: Policy, who: string): string {
  const w = who.trim().toLowerCase();
  const person =
    policy.people.find((p) => p.email.toLowerCase() === w || p.name.toLowerCase() === w) ??
    policy.people.find((p) => p.name.toLowerCase().split(/\s+/)[0] === w || p.email.toLowerCase().split("@")[0]!.split(/[._-]/)[0] === w);
  if (!person) throw new AppError("INVALID_INPUT", `--as ${who}: nobody of that name is in the policy. Try one of: ${policy.people.map((p) => p.name.split(" ")[0]!.toLowerCase()).join(", ")}.`, "as");
  return person.email;
}

/** The calls to ask for, newest first, in the words and formats the request form wants. */
function callsTable(policy: Policy, calls: readonly TrialCall[]): string {
  const tz = policy.organisation.timeZone;
  const site = (id?: string) => policy.sites.find((s) => s.id === id)?.name ?? id ?? "";
  const rows = calls
    .map((c) => `<tr><td>${escapeHtml(format(new TZDate(c.startedAt, tz), "EEE d MMM yyyy"))}</td><td>${formatTime(c.startedAt, tz)}</td><td>${escapeHtml(c.direction.charAt(0).toUpperCase() + c.direction.slice(1))}</td><td>${escapeHtml(c.number ?? "")}</td><td>${escapeHtml(c.extension ?? "")}</td><td>${escapeHtml(site(c.siteId))}</td></tr>`)
    .join("\n");
  return `<h2>Calls to ask for</h2>
<p>Recorded calls in the catalogue, newest first. In the request form give a call's date, about what time, its direction and its number (or extension), and its site.</p>
<table><thead><tr><th>Date</th><th>Time</th><th>Direction</th><th>Number</th><th>Extension</th><th>Site</th></tr></thead><tbody>
${rows}
</tbody></table>
`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
