/**
 * Callgate's configuration: read from environment variables only, parsed and
 * validated once at start-up (STYLE.md habit 7), and handed to the
 * composition root as one typed, frozen object. Nothing else in the app reads
 * `process.env`.
 *
 * A bad value stops start-up with CONFIG_INVALID naming every bad variable and
 * why, so an operator fixes them all in one go. Values of secret variables are
 * never echoed, not even in that message.
 */
import { isIP } from "node:net";
import { resolve } from "node:path";
import { z } from "zod";
import { AppError } from "../core/errors.ts";
import { parseSigningKey, parseVerifyKey } from "./audit-signing-key.ts";
import { isLoopbackAddress } from "./loopback.ts";

/** pino's level names, quietest last. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where the database lives: embedded under the data directory, or a PostgreSQL server. */
export type DatabaseConfig =
  | { readonly kind: "pglite"; /** The data directory; the opener picks its own subdirectory. */ readonly dataDir: string }
  | { readonly kind: "postgresql"; readonly url: string; readonly poolSize: number };

/**
 * Where recordings live: Azurite started by the app (nothing configured), an
 * account reached with a connection string (account key or SAS), or an account
 * URL reached with DefaultAzureCredential (managed identity; user-delegation SAS).
 */
export type StorageConfig =
  | { readonly kind: "azurite"; /** The data directory; the starter picks its own subdirectory. */ readonly dataDir: string; readonly container: string }
  | {
      readonly kind: "connection-string";
      readonly connectionString: string;
      /** From the connection string, for logs; absent if it names none. */
      readonly accountName?: string;
      readonly container: string;
    }
  | { readonly kind: "account-url"; readonly url: string; readonly container: string };

/** Slack is on only when both secrets are set. */
export type SlackConfig =
  | { readonly enabled: true; readonly signingSecret: string; readonly botToken: string; readonly apiUrl: string }
  | { readonly enabled: false; readonly apiUrl: string };

/**
 * How Teams runs. "authenticated": the bot's Entra app registration is fully
 * configured and every inbound token is validated. "local": unauthenticated,
 * for the Agents Playground on this machine only; asked for with
 * TEAMS_LOCAL_MODE=true (the trial's default), never because credentials are
 * missing, and refused unless HOST is loopback. "off": no Teams endpoint at all.
 */
export type TeamsConfig =
  | { readonly mode: "authenticated"; readonly clientId: string; readonly clientSecret: string; readonly tenantId: string }
  | { readonly mode: "local" }
  | { readonly mode: "off" };

export interface Config {
  readonly port: number;
  /** Interface to bind. */
  readonly host: string;
  /** Base URL people and chat platforms reach the app on, without a trailing slash. */
  readonly publicUrl: string;
  /** Absolute path of the data directory (embedded database, Azurite blobs). */
  readonly dataDir: string;
  /** Absolute path of the organisation's policy file. */
  readonly policyPath: string;
  /** Seed demo data (synthetic recordings) at start. */
  readonly demo: boolean;
  readonly logLevel: LogLevel;
  readonly database: DatabaseConfig;
  readonly storage: StorageConfig;
  readonly slack: SlackConfig;
  readonly teams: TeamsConfig;
  /**
   * Express's "trust proxy": which proxies may say who the client is (for
   * playback audit entries and rate limits). False unless configured.
   */
  readonly trustProxy: TrustProxy;
  /** How playback links are tied to their requester (see PlaybackSignInConfig). */
  readonly playbackSignIn: PlaybackSignInConfig;
  /** Signed anchors of the audit chain outside the database (see AuditAnchoringConfig). */
  readonly auditAnchoring: AuditAnchoringConfig;
}

/**
 * The audit chain's anchors: the append-only container they go to, the
 * Ed25519 signing key (a setting, never the database; absent on the trial,
 * which generates one under the data directory), and extra public keys that
 * only verify (a verifying machine, or keys rotated out).
 */
export interface AuditAnchoringConfig {
  readonly container: string;
  /** PEM or base64 PKCS#8. Secret. */
  readonly signingKey?: string;
  /** PEM or base64 SPKI public keys. */
  readonly verifyKeys: readonly string[];
}

/**
 * Without an identity provider a playback link is bound to the first browser
 * that opens it; with OpenID Connect (Microsoft Entra ID, Sign in with Slack,
 * ...) the person signs in and it plays only for the requester's e-mail.
 */
export type PlaybackSignInConfig =
  | { readonly kind: "first-browser" }
  | { readonly kind: "oidc"; readonly issuer: string; readonly clientId: string; readonly clientSecret: string };

/** false; true (trust every hop: only behind a proxy that overwrites X-Forwarded-For); a hop count; or a comma-separated list of addresses, subnets and Express's names. */
export type TrustProxy = boolean | number | string;

const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** One entry of a trusted-proxy list: an IP address, a CIDR subnet or one of Express's names. */
function isProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Never echoed in error messages or logs. */
const SECRET_VARIABLES = new Set([
  "DATABASE_URL",
  "AZURE_STORAGE_CONNECTION_STRING",
  "SLACK_SIGNING_SECRET",
  "SLACK_BOT_TOKEN",
  "CLIENT_SECRET",
  "OIDC_CLIENT_SECRET",
  "CALLGATE_AUDIT_SIGNING_KEY",
]);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
/** Azure's rule for container names: 3–63 lower-case letters, digits and single hyphens, starting and ending alphanumeric. */
const CONTAINER = /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** An unset variable and an empty one (`FOO=` in a .env file) mean the same: use the default. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

const text = (what: string) => z.string({ error: `must be ${what}` }).trim();

const url = (protocols: readonly string[], what: string) =>
  text(what).refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, { message: `must be ${what}`, abort: true });

const wholeNumber = (min: number, max: number) =>
  text(`a whole number between ${min} and ${max}`)
    .regex(/^\d{1,9}$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number between ${min} and ${max}`);

const trueOrFalse = () =>
  text('"true" or "false"')
    .toLowerCase()
    .pipe(z.enum(["true", "false"], { error: 'must be "true" or "false"' }))
    .transform((v) => v === "true");

/** A HOST other machines cannot reach: a loopback IP literal, or localhost (resolved again when the Teams adapter starts). */
export function isLoopbackHost(host: string): boolean {
  return isLoopbackAddress(host) || host.toLowerCase() === "localhost";
}

const EnvSchema = z.object({
  PORT: optional(wholeNumber(1, 65535)),
  HOST: optional(text("a host name or IP address").regex(/^[\w.:\-[\]]+$/, "must be a host name or IP address such as 127.0.0.1 or 0.0.0.0")),
  PUBLIC_URL: optional(
    url(["http:", "https:"], "an http or https URL such as https://callgate.example.org").refine((v) => {
      const u = new URL(v);
      return !u.username && !u.password && !u.search && !u.hash;
    }, "must be a plain base URL with no user name, password, query or fragment"),
  ),
  CALLGATE_DATA_DIR: optional(text("a directory path")),
  CALLGATE_POLICY: optional(text("a path to a policy file")),
  DATABASE_URL: optional(url(["postgres:", "postgresql:"], "a postgresql:// URL such as postgresql://user@host:5432/callgate")),
  DATABASE_POOL_SIZE: optional(wholeNumber(1, 1000)),
  AZURE_STORAGE_CONNECTION_STRING: optional(
    text("an Azure Storage connection string").refine(
      (v) => /(?:^|;)\s*(?:AccountName|BlobEndpoint|UseDevelopmentStorage)\s*=/i.test(v),
      "must be an Azure Storage connection string (with AccountName, BlobEndpoint or UseDevelopmentStorage)",
    ),
  ),
  AZURE_STORAGE_ACCOUNT_URL: optional(url(["https:"], "an https URL such as https://myaccount.blob.core.windows.net")),
  CALLGATE_CONTAINER: optional(
    text("a container name").regex(CONTAINER, "must be a valid container name: 3 to 63 lower-case letters, digits and single hyphens"),
  ),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` })),
  CALLGATE_DEMO: optional(trueOrFalse()),
  TEAMS_LOCAL_MODE: optional(trueOrFalse()),
  SLACK_SIGNING_SECRET: optional(text("the app's signing secret").regex(/^\S+$/, "must be the signing secret from the Slack app's Basic Information page")),
  SLACK_BOT_TOKEN: optional(text("a bot token").refine((v) => /^xoxb-\S+$/.test(v), 'must be a bot token starting "xoxb-"')),
  SLACK_API_URL: optional(url(["http:", "https:"], "an http or https URL such as https://slack.com/api/")),
  CLIENT_ID: optional(text("a GUID").regex(GUID, "must be the bot's application (client) ID, a GUID")),
  CLIENT_SECRET: optional(text("a client secret")),
  CALLGATE_TRUST_PROXY: optional(
    text('"true", "false", a number of proxies, or a list of proxy addresses')
      .toLowerCase()
      .refine(
        (v) => v === "true" || v === "false" || /^\d{1,2}$/.test(v) || v.split(",").every((e) => isProxyEntry(e.trim())),
        'must be "false", "true", a number of proxy hops such as 1, or a comma-separated list of proxy addresses or subnets such as 10.0.0.0/8, loopback',
      )
      .transform((v): TrustProxy => (v === "true" ? true : v === "false" ? false : /^\d+$/.test(v) ? Number(v) : v.split(",").map((e) => e.trim()).join(", "))),
  ),
  TENANT_ID: optional(
    text("a GUID").refine((v) => GUID.test(v) || DOMAIN.test(v), "must be the directory (tenant) ID, a GUID, or the tenant's domain name"),
  ),
  OIDC_ISSUER: optional(
    url(["http:", "https:"], "the identity provider's issuer URL such as https://login.microsoftonline.com/<tenant>/v2.0").refine((v) => {
      const u = new URL(v);
      // Plain http only for a provider on this machine (local testing).
      return u.protocol === "https:" || ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);
    }, "must be an https URL (plain http only for a provider on this machine)"),
  ),
  OIDC_CLIENT_ID: optional(text("the client ID Callgate is registered with at the identity provider").regex(/^\S{1,200}$/, "must be the client ID Callgate is registered with at the identity provider")),
  OIDC_CLIENT_SECRET: optional(text("a client secret")),
  CALLGATE_ANCHOR_CONTAINER: optional(
    text("a container name").regex(CONTAINER, "must be a valid container name: 3 to 63 lower-case letters, digits and single hyphens"),
  ),
  CALLGATE_AUDIT_SIGNING_KEY: optional(
    text("an Ed25519 private key").refine((v) => {
      try {
        parseSigningKey(v);
        return true;
      } catch {
        return false;
      }
    }, "must be an Ed25519 private key, PEM (-----BEGIN PRIVATE KEY-----) or base64 PKCS#8, e.g. from `openssl genpkey -algorithm ed25519`"),
  ),
  CALLGATE_AUDIT_VERIFY_KEY: optional(
    text("Ed25519 public keys").refine((v) => {
      try {
        splitKeys(v).forEach((k) => parseVerifyKey(k));
        return splitKeys(v).length > 0;
      } catch {
        return false;
      }
    }, "must be one or more Ed25519 public keys, PEM or base64 SPKI, separated by commas"),
  ),
});

/** Comma-separated keys (neither PEM nor base64 contains a comma). */
function splitKeys(v: string): string[] {
  return v.split(",").map((k) => k.trim()).filter(Boolean);
}

type Env = z.output<typeof EnvSchema>;

/**
 * Parses and validates the environment. Throws AppError("CONFIG_INVALID")
 * naming every bad variable; the message never contains a secret's value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? "environment");
      // One reason per variable is enough to fix it.
      if (seen.has(name)) continue;
      seen.add(name);
      problems.push(`${name}: ${issue.message}${shownValue(name, env[name])}`);
    }
  }
  // Checked on presence alone, so they are reported alongside any bad values.
  problems.push(...crossChecks((name) => (env[name] ?? "").trim() !== ""));
  if (parsed.success) problems.push(...teamsLocalModeChecks(parsed.data));
  if (problems.length > 0 || !parsed.success) {
    throw new AppError(
      "CONFIG_INVALID",
      `Callgate cannot start: ${problems.length === 1 ? "one setting is" : `${problems.length} settings are`} wrong.\n` +
        problems.map((p) => `  - ${p}`).join("\n") +
        "\nSee .env.example for every setting and its meaning.",
    );
  }
  return build(parsed.data);
}

/** Rules that involve more than one variable. */
function crossChecks(has: (name: string) => boolean): string[] {
  const problems: string[] = [];
  if (has("AZURE_STORAGE_CONNECTION_STRING") && has("AZURE_STORAGE_ACCOUNT_URL")) {
    problems.push("AZURE_STORAGE_CONNECTION_STRING and AZURE_STORAGE_ACCOUNT_URL: set one or the other, not both");
  }
  if (has("SLACK_SIGNING_SECRET") !== has("SLACK_BOT_TOKEN")) {
    const missing = has("SLACK_SIGNING_SECRET") ? "SLACK_BOT_TOKEN" : "SLACK_SIGNING_SECRET";
    problems.push(`${missing}: must be set too, because Slack needs both SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (or neither, to turn Slack off)`);
  }
  const oidc = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"];
  const oidcMissing = oidc.filter((name) => !has(name));
  if (oidcMissing.length > 0 && oidcMissing.length < oidc.length) {
    problems.push(
      `${oidcMissing.join(" and ")}: must be set too, because signing in to playback needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together (or none, to bind links to the first browser)`,
    );
  }
  const teams = ["CLIENT_ID", "CLIENT_SECRET", "TENANT_ID"];
  const missing = teams.filter((name) => !has(name));
  if (missing.length > 0 && missing.length < teams.length) {
    problems.push(
      `${missing.join(" and ")}: must be set too, because Teams needs CLIENT_ID, CLIENT_SECRET and TENANT_ID together (or none, to turn Teams off)`,
    );
  }
  return problems;
}

/** Unauthenticated local mode: explicit, on this machine only, never beside credentials. */
function teamsLocalModeChecks(e: Env): string[] {
  if (e.TEAMS_LOCAL_MODE !== true) return [];
  const problems: string[] = [];
  if (e.CLIENT_ID || e.CLIENT_SECRET || e.TENANT_ID) {
    problems.push("TEAMS_LOCAL_MODE: must not be true when CLIENT_ID, CLIENT_SECRET and TENANT_ID are set: with credentials every Teams request is authenticated");
  }
  const host = e.HOST ?? "127.0.0.1";
  if (!isLoopbackHost(host)) {
    problems.push(`TEAMS_LOCAL_MODE: must not be true when HOST is ${host}: local mode accepts Teams activities without checking who sent them, so it runs only on a loopback HOST such as 127.0.0.1`);
  }
  return problems;
}

/**
 * The trial is `npm start` with nothing configured: no chat credentials, the
 * embedded database and storage, a loopback HOST. Only then is Teams' local
 * mode (for the Agents Playground) on without being asked for; a deployment
 * that forgot its Teams credentials gets no Teams endpoint, not an open one.
 */
function isTrial(e: Env): boolean {
  return (
    !e.SLACK_SIGNING_SECRET && !e.SLACK_BOT_TOKEN && !e.CLIENT_ID && !e.CLIENT_SECRET && !e.TENANT_ID &&
    !e.DATABASE_URL && !e.AZURE_STORAGE_CONNECTION_STRING && !e.AZURE_STORAGE_ACCOUNT_URL &&
    isLoopbackHost(e.HOST ?? "127.0.0.1")
  );
}

function build(e: Env): Config {
  const port = e.PORT ?? 3978;
  const dataDir = resolve(e.CALLGATE_DATA_DIR ?? "./.callgate");
  const container = e.CALLGATE_CONTAINER ?? "recordings";

  const database: DatabaseConfig = e.DATABASE_URL
    ? { kind: "postgresql", url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE ?? 10 }
    : { kind: "pglite", dataDir };

  let storage: StorageConfig;
  if (e.AZURE_STORAGE_CONNECTION_STRING) {
    const accountName = connectionStringAccount(e.AZURE_STORAGE_CONNECTION_STRING);
    storage = {
      kind: "connection-string",
      connectionString: e.AZURE_STORAGE_CONNECTION_STRING,
      ...(accountName ? { accountName } : {}),
      container,
    };
  } else if (e.AZURE_STORAGE_ACCOUNT_URL) {
    storage = { kind: "account-url", url: e.AZURE_STORAGE_ACCOUNT_URL.replace(/\/+$/, ""), container };
  } else {
    storage = { kind: "azurite", dataDir, container };
  }

  // Slack's WebClient joins method names onto this URL, so it must end in "/".
  const slackApiUrl = withTrailingSlash(e.SLACK_API_URL ?? "https://slack.com/api/");
  const slack: SlackConfig =
    e.SLACK_SIGNING_SECRET && e.SLACK_BOT_TOKEN
      ? { enabled: true, signingSecret: e.SLACK_SIGNING_SECRET, botToken: e.SLACK_BOT_TOKEN, apiUrl: slackApiUrl }
      : { enabled: false, apiUrl: slackApiUrl };

  const teams: TeamsConfig =
    e.CLIENT_ID && e.CLIENT_SECRET && e.TENANT_ID
      ? { mode: "authenticated", clientId: e.CLIENT_ID, clientSecret: e.CLIENT_SECRET, tenantId: e.TENANT_ID }
      : (e.TEAMS_LOCAL_MODE ?? isTrial(e))
        ? { mode: "local" }
        : { mode: "off" };

  // Demo data is for a fresh clone: on by default only while nothing
  // production-like (a real database or a real storage account) is configured.
  const demo = e.CALLGATE_DEMO ?? (database.kind === "pglite" && storage.kind === "azurite");

  return deepFreeze({
    port,
    // Loopback by default so a developer's `npm start` is not reachable from
    // the network; containers and servers set HOST=0.0.0.0 on purpose.
    host: e.HOST ?? "127.0.0.1",
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ""),
    dataDir,
    policyPath: resolve(e.CALLGATE_POLICY ?? "policies/demo.yml"),
    demo,
    logLevel: e.LOG_LEVEL ?? "info",
    database,
    storage,
    slack,
    teams,
    trustProxy: e.CALLGATE_TRUST_PROXY ?? false,
    playbackSignIn:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
        ? { kind: "oidc", issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET }
        : { kind: "first-browser" },
    auditAnchoring: {
      container: e.CALLGATE_ANCHOR_CONTAINER ?? "callgate-audit-anchors",
      ...(e.CALLGATE_AUDIT_SIGNING_KEY ? { signingKey: e.CALLGATE_AUDIT_SIGNING_KEY } : {}),
      verifyKeys: e.CALLGATE_AUDIT_VERIFY_KEY ? splitKeys(e.CALLGATE_AUDIT_VERIFY_KEY) : [],
    },
  });
}

/**
 * A summary of the configuration that is safe to log: no secrets, passwords
 * stripped from URLs, and only which integrations are on.
 */
export function describeConfig(config: Config): Record<string, unknown> {
  const database =
    config.database.kind === "pglite"
      ? { kind: "pglite", dataDir: config.database.dataDir }
      : { kind: "postgresql", url: stripPassword(config.database.url), poolSize: config.database.poolSize };
  const storage =
    config.storage.kind === "azurite"
      ? { kind: "azurite", dataDir: config.storage.dataDir, container: config.storage.container }
      : config.storage.kind === "connection-string"
        ? { kind: "connection-string", accountName: config.storage.accountName ?? "(not named)", container: config.storage.container }
        : { kind: "account-url", url: stripPassword(config.storage.url), container: config.storage.container };
  return {
    port: config.port,
    host: config.host,
    publicUrl: config.publicUrl,
    dataDir: config.dataDir,
    policyPath: config.policyPath,
    demo: config.demo,
    logLevel: config.logLevel,
    database,
    storage,
    slack: { enabled: config.slack.enabled, apiUrl: stripPassword(config.slack.apiUrl) },
    teams: config.teams.mode === "authenticated" ? { mode: "authenticated", clientId: config.teams.clientId, tenantId: config.teams.tenantId } : { mode: config.teams.mode },
    trustProxy: config.trustProxy,
    playbackSignIn: config.playbackSignIn.kind === "oidc" ? { kind: "oidc", issuer: config.playbackSignIn.issuer, clientId: config.playbackSignIn.clientId } : { kind: "first-browser" },
    auditAnchoring: { container: config.auditAnchoring.container, signingKey: config.auditAnchoring.signingKey ? "configured" : "not configured", verifyKeys: config.auditAnchoring.verifyKeys.length },
  };
}

/** Shows what was given, for non-secret variables only, so a typo is easy to spot. */
function shownValue(name: string, value: string | undefined): string {
  if (value === undefined || SECRET_VARIABLES.has(name)) return "";
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return ` (got ${JSON.stringify(shown)})`;
}

function stripPassword(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = "";
    // Query strings can carry SAS tokens or passwords (?password=, ?sig=).
    u.search = "";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

function connectionStringAccount(connectionString: string): string | undefined {
  const parts = new Map(
    connectionString
      .split(";")
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        const at = p.indexOf("=");
        return [p.slice(0, at).toLowerCase(), p.slice(at + 1)] as const;
      }),
  );
  if (parts.get("usedevelopmentstorage")?.toLowerCase() === "true") return "devstoreaccount1";
  return parts.get("accountname") || undefined;
}

function withTrailingSlash(u: string): string {
  return u.endsWith("/") ? u : `${u}/`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
