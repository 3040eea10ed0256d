/**
 * Starts Callgate from a validated configuration: policy, database, recording
 * storage, the HTTP server and the scheduled jobs. Used by src/main.ts and by
 * tests that boot the whole app.
 */
import { startSlackAdapter } from "./adapters/slack/index.ts";
import { findTrialPerson, MESSAGING_PATH, startTeamsAdapter, TRIAL_PATH, TrialPlaygrounds } from "./adapters/teams/index.ts";
import type { CoreContext } from "./core/context.ts";
import { runFileJobs } from "./core/files/run-file-jobs.ts";
import { anchorAuditChainIfDue } from "./core/jobs/anchor-audit-chain.ts";
import { chasePendingRequests } from "./core/jobs/chase-pending-requests.ts";
import { expireGrants } from "./core/jobs/expire-grants.ts";
import { remindBreaches } from "./core/jobs/remind-breaches.ts";
import { remindCovertReviews } from "./core/jobs/remind-covert-reviews.ts";
import { archiveRecordings } from "./core/jobs/archive-recordings.ts";
import { notifyGrantDeletion } from "./core/jobs/notify-grant-deletion.ts";
import { rehydrateRecordings } from "./core/jobs/rehydrate-recordings.ts";
import { remindPreservations } from "./core/jobs/remind-preservations.ts";
import { remindSubjectAccess } from "./core/jobs/remind-subject-access.ts";
import { warnCapacity } from "./core/jobs/warn-capacity.ts";
import { sweepRetentionIfDue } from "./core/jobs/sweep-retention.ts";
import { verifyAuditChainIfDue } from "./core/jobs/verify-audit-chain-daily.ts";
import { deliverNotifications } from "./core/notify/deliver-notifications.ts";
import { loadPolicyFile } from "./core/policy/load-policy.ts";
import type { ChatChannel } from "./core/ports/chat.ts";
import { systemClock, type Clock } from "./core/ports/clock.ts";
import { openRecordingStore } from "./infra/blob/open-recording-store.ts";
import { mountFiles } from "./infra/http/files/index.ts";
import { describeConfig, type Config } from "./infra/config.ts";
import { openDatabase } from "./infra/db/open-database.ts";
import { openAuditAnchoring } from "./infra/open-audit-anchoring.ts";
import { seedDemoRecordings } from "./infra/demo/seed-demo-recordings.ts";
import { trialCalls } from "./infra/demo/trial-calls.ts";
import { createHttpServer, type HttpServer } from "./infra/http/server.ts";
import type { Logger } from "./infra/logger.ts";
import { mountPlayback } from "./infra/http/playback/index.ts";
import { openIdSignIn } from "./infra/http/playback/sign-in.ts";
import { startScheduler } from "./infra/scheduler.ts";

export interface RunningCallgate {
  url: string;
  ctx: CoreContext;
  http: HttpServer;
  /** Chat platforms the outbox delivers to; adapters add themselves at start. */
  channels: ChatChannel[];
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** Start the Agents Playground when Teams is in local mode (default true). */
  playground?: boolean;
  /** Who the trial's first Playground speaks as (`npm start -- --as carys`): an e-mail, a name or a first name from the policy. */
  trialAs?: string;
}

export async function startCallgate(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningCallgate> {
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((err: unknown) => logger.error({ err }, "error while shutting down"));
  };
  try {
    logger.info(describeConfig(config), "starting Callgate");
    const policy = await loadPolicyFile(config.policyPath);
    const database = await openDatabase(
      config.database.kind === "pglite" ? { kind: "pglite", dataDir: config.database.dataDir } : { kind: "postgresql", url: config.database.url, poolSize: config.database.poolSize },
    );
    closers.push(() => database.close());
    const storage = await openRecordingStore(config.storage, config.auditAnchoring.container);
    closers.push(() => storage.close());
    const { anchoring, createdKeyPath } = openAuditAnchoring(config, storage.anchors, "server");
    if (createdKeyPath) logger.warn({ path: createdKeyPath }, "no CALLGATE_AUDIT_SIGNING_KEY: generated an audit signing key for this trial under the data directory");

    const ctx: CoreContext = { db: database.prisma, policy, clock: options.clock ?? systemClock, recordings: storage.store, files: storage.files, ...(anchoring ? { anchoring } : {}) };
    if (config.demo) {
      const seeded = await seedDemoRecordings(ctx, storage.store);
      logger.info({ uploaded: seeded.uploaded, catalogued: seeded.import.added }, "demo recordings ready");
    }

    const http = createHttpServer({
      logger,
      hsts: config.publicUrl.startsWith("https:"),
      trustProxy: config.trustProxy,
      readiness: [
        { name: "database", check: async () => void (await database.prisma.$queryRaw`SELECT 1`) },
        { name: "storage", check: () => storage.store.ping() },
      ],
    });
    const secureCookies = config.publicUrl.startsWith("https:");
    const signIn = config.playbackSignIn.kind === "oidc" ? openIdSignIn({ ...config.playbackSignIn, redirectUrl: `${config.publicUrl}/play/signed-in`, secureCookies }) : undefined;
    mountPlayback({ http, ctx, logger, secureCookies, signIn });
    mountFiles({ http, ctx, logger });
    const channels: ChatChannel[] = [];
    const slack = config.slack.enabled ? await startSlackAdapter({ ctx, config: config.slack, logger, http, publicUrl: config.publicUrl }) : undefined;
    if (slack) channels.push(slack.channel);
    // Teams is authenticated, in local mode only when asked for (loopback only, logged loudly, for the
    // Agents Playground), or off: then nothing is mounted and POST /api/messages is the server's 404.
    const teamsConfig = config.teams;
    const teams = teamsConfig.mode === "off" ? undefined : await startTeamsAdapter({ ctx, config: teamsConfig, logger, http, host: config.host, publicUrl: config.publicUrl });
    if (teams) channels.push(teams.channel);
    const scheduler = startScheduler(
      [
        { name: "deliver-notifications", everyMs: 2_000, run: () => (channels.length ? deliverNotifications(ctx, { channels, publicUrl: config.publicUrl }) : Promise.resolve()) },
        // Its own loop, so a slow upload never holds up chat notices.
        { name: "file-jobs", everyMs: 2_000, run: () => runFileJobs(ctx) },
        { name: "chase-pending-requests", everyMs: 60_000, run: () => chasePendingRequests(ctx) },
        { name: "expire-grants", everyMs: 30_000, run: () => expireGrants(ctx) },
        { name: "remind-subject-access", everyMs: 15 * 60_000, run: () => remindSubjectAccess(ctx) },
        { name: "remind-covert-reviews", everyMs: 15 * 60_000, run: () => remindCovertReviews(ctx) },
        // Retention's companions: links told before deletion, preservation reminders, the archive tier and retrieval from it.
        { name: "notify-grant-deletion", everyMs: 3_600_000, run: () => notifyGrantDeletion(ctx) },
        { name: "remind-preservations", everyMs: 3_600_000, run: () => remindPreservations(ctx) },
        { name: "archive-recordings", everyMs: 3_600_000, run: () => archiveRecordings(ctx) },
        { name: "rehydrate-recordings", everyMs: 5 * 60_000, run: () => rehydrateRecordings(ctx) },
        // Breach ICO deadlines are in hours: checked every 5 minutes (once across instances, JobLease).
        { name: "remind-breaches", everyMs: 5 * 60_000, run: () => remindBreaches(ctx) },
        { name: "warn-capacity", everyMs: 3_600_000, run: () => warnCapacity(ctx) },
        // Hourly checks; each runs once a day across all instances (JobLease).
        { name: "retention-sweep", everyMs: 3_600_000, run: () => sweepRetentionIfDue(ctx) },
        { name: "verify-audit-chain", everyMs: 3_600_000, run: () => verifyAuditChainIfDue(ctx) },
        // Anchors the head outside the database about hourly, when it moved (once across instances).
        { name: "anchor-audit-chain", everyMs: 5 * 60_000, run: () => anchorAuditChainIfDue(ctx) },
      ],
      logger,
    );
    closers.push(() => scheduler.stop());

    // The local trial: one Agents Playground per demo person, listed at /trial (trial-people.ts).
    const trialAs = options.trialAs ? findTrialPerson(policy, options.trialAs) : undefined;
    const trial = config.teams.mode === "local" && options.playground !== false ? new TrialPlaygrounds({ policy, logger, basePort: 56150, calls: () => trialCalls(ctx), ...(trialAs ? { currentUserEmail: trialAs } : {}) }) : undefined;
    trial?.mount(http);
    const server = await http.listen(config.port, config.host);
    closers.push(() => server.close());
    // Closers run in reverse: Slack drains its listeners before the server stops.
    if (slack) closers.push(() => slack.close());
    if (teams) closers.push(() => teams.close());
    if (trial) {
      closers.push(() => trial.close());
      const playground = await trial.start(`${server.url}${MESSAGING_PATH}`);
      logger.warn(
        { url: playground.url, people: `${server.url}${TRIAL_PATH}` },
        `Teams local trial: open ${playground.url} in a browser (you are ${playground.users[0]!.name}); to act as someone else, open ${server.url}${TRIAL_PATH} and choose them`,
      );
    }
    logger.info(
      { url: server.url, organisation: policy.organisation.name, database: database.kind, storage: config.storage.kind, slack: config.slack.enabled, teams: config.teams.mode },
      `Callgate is listening on ${server.url}`,
    );
    return { url: server.url, ctx, http, channels, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
