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
 * on, so their notices show in their own tab.
 */
import type { RequestHandler } from "express";
import { AppError } from "../../../core/errors.ts";
import type { Policy } from "../../../core/policy/schema.ts";
import type { HttpServer } from "../../../infra/http/server.ts";
import type { Logger } from "../../../infra/logger.ts";
import { startAgentsPlayground, type AgentsPlayground } from "./start-playground.ts";
import { playgroundUsersFromPolicy } from "./users.ts";

export const TRIAL_PATH = "/trial";

export interface TrialPlaygroundsOptions {
  policy: Policy;
  logger: Logger;
  /** The default Playground's port; each person's is basePort + 1 + their place in the policy. */
  basePort: number;
  /** Who the default Playground speaks as (an e-mail); the policy's first plain requester if unset. */
  currentUserEmail?: string;
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
      res.type("html").send(this.page());
    };
    http.mount(TRIAL_PATH, handler);
  }

  private page(): string {
    const { policy } = this.options;
    const rows = policy.people
      .map((p, i) => {
        const roles = p.roles.length ? p.roles.join(", ") : "member of staff";
        const note = p.email === this.defaultEmail ? " (the Playground on port " + this.options.basePort + ")" : "";
        return `<li><a href="${TRIAL_PATH}/as/${i}">${escapeHtml(p.name)}</a> <small>${escapeHtml(roles)}${escapeHtml(note)}</small></li>`;
      })
      .join("\n");
    return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Callgate trial: choose who you are</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;line-height:1.5}li{margin:.4rem 0}small{color:#555;margin-left:.5rem}</style></head>
<body><h1>Callgate trial: ${escapeHtml(policy.organisation.name)}</h1>
<p>Open each person in their own tab: each is their own Teams chat with Callgate (an Agents Playground on its own port). Their notices arrive in their tab once they have opened it.</p>
<ul>
${rows}
</ul></body></html>`;
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

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
