import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.ts";
import { describeConfig, loadConfig } from "../../src/infra/config.ts";

const GUID = "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b";

function configError(env: NodeJS.ProcessEnv): AppError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected loadConfig to throw");
}

describe("configuration", () => {
  it("starts on embedded defaults with nothing set", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3978,
      host: "127.0.0.1",
      publicUrl: "http://localhost:3978",
      dataDir: resolve(".callgate"),
      policyPath: resolve("policies/demo.yml"),
      demo: true,
      logLevel: "info",
      database: { kind: "pglite", dataDir: resolve(".callgate") },
      storage: { kind: "azurite", dataDir: resolve(".callgate"), container: "recordings" },
      slack: { enabled: false, apiUrl: "https://slack.com/api/" },
      teams: { mode: "local" },
    });
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: " ", SLACK_BOT_TOKEN: "" }).port).toBe(3978);
  });

  it("is frozen all the way down", () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.database)).toBe(true);
    expect(Object.isFrozen(config.slack)).toBe(true);
  });

  it("reads a production-like configuration", () => {
    const config = loadConfig({
      PORT: "8080",
      HOST: "0.0.0.0",
      PUBLIC_URL: "https://callgate.example.org/",
      DATABASE_URL: "postgresql://callgate:pw@db:5432/callgate",
      DATABASE_POOL_SIZE: "20",
      AZURE_STORAGE_ACCOUNT_URL: "https://acct.blob.core.windows.net/",
      CALLGATE_CONTAINER: "call-recordings",
      LOG_LEVEL: "debug",
      SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
      SLACK_BOT_TOKEN: "xoxb-1-2-abc",
      SLACK_API_URL: "http://127.0.0.1:4000/api",
      CLIENT_ID: GUID,
      CLIENT_SECRET: "s3cr3t~value",
      TENANT_ID: "contoso.onmicrosoft.com",
    });
    expect(config.port).toBe(8080);
    expect(config.host).toBe("0.0.0.0");
    expect(config.publicUrl).toBe("https://callgate.example.org");
    expect(config.database).toEqual({ kind: "postgresql", url: "postgresql://callgate:pw@db:5432/callgate", poolSize: 20 });
    expect(config.storage).toEqual({ kind: "account-url", url: "https://acct.blob.core.windows.net", container: "call-recordings" });
    expect(config.demo).toBe(false);
    expect(config.slack).toEqual({ enabled: true, signingSecret: "8f742231b10e8888abcd99yyyzzz85a5", botToken: "xoxb-1-2-abc", apiUrl: "http://127.0.0.1:4000/api/" });
    expect(config.teams).toEqual({ mode: "authenticated", clientId: GUID, clientSecret: "s3cr3t~value", tenantId: "contoso.onmicrosoft.com" });
  });

  it("turns demo data off once real storage is configured, unless asked for", () => {
    const storage = { AZURE_STORAGE_CONNECTION_STRING: "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net" };
    expect(loadConfig(storage).demo).toBe(false);
    expect(loadConfig({ ...storage, CALLGATE_DEMO: "TRUE" }).demo).toBe(true);
    expect(loadConfig({ CALLGATE_DEMO: "false" }).demo).toBe(false);
    expect(loadConfig(storage).storage).toMatchObject({ kind: "connection-string", accountName: "acct" });
    expect(loadConfig({ AZURE_STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true" }).storage).toMatchObject({ accountName: "devstoreaccount1" });
  });

  it("names every bad variable and why in one message", () => {
    const err = configError({ PORT: "abc", LOG_LEVEL: "loud", PUBLIC_URL: "callgate.example.org", CALLGATE_DEMO: "yes", DATABASE_POOL_SIZE: "0", CALLGATE_CONTAINER: "Recordings_2026" });
    expect(err.code).toBe("CONFIG_INVALID");
    expect(err.message).toContain('PORT: must be a whole number between 1 and 65535 (got "abc")');
    expect(err.message).toContain('LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")');
    expect(err.message).toContain("PUBLIC_URL: must be an http or https URL");
    expect(err.message).toContain('CALLGATE_DEMO: must be "true" or "false" (got "yes")');
    expect(err.message).toContain("DATABASE_POOL_SIZE: must be a whole number between 1 and 1000");
    expect(err.message).toContain("CALLGATE_CONTAINER: must be a valid container name");
    expect(err.message).toContain("6 settings are wrong");
  });

  it.each([
    [{ PORT: "70000" }, "PORT"],
    [{ PORT: "80.5" }, "PORT"],
    [{ DATABASE_URL: "mysql://root@db/callgate" }, "DATABASE_URL"],
    [{ AZURE_STORAGE_ACCOUNT_URL: "http://acct.blob.core.windows.net" }, "AZURE_STORAGE_ACCOUNT_URL"],
    [{ AZURE_STORAGE_CONNECTION_STRING: "not a connection string" }, "AZURE_STORAGE_CONNECTION_STRING"],
    [{ PUBLIC_URL: "https://user:pw@callgate.example.org" }, "PUBLIC_URL"],
    [{ SLACK_API_URL: "ftp://slack.example/api/" }, "SLACK_API_URL"],
    [{ CLIENT_ID: "not-a-guid", CLIENT_SECRET: "x", TENANT_ID: GUID }, "CLIENT_ID"],
    [{ CLIENT_ID: GUID, CLIENT_SECRET: "x", TENANT_ID: "not a tenant" }, "TENANT_ID"],
  ])("refuses %o", (env, variable) => {
    expect(configError(env).message).toContain(`${variable}: must`);
  });

  it("refuses a storage connection string and an account URL together", () => {
    const err = configError({ AZURE_STORAGE_CONNECTION_STRING: "AccountName=a;AccountKey=b", AZURE_STORAGE_ACCOUNT_URL: "https://a.blob.core.windows.net" });
    expect(err.message).toContain("AZURE_STORAGE_CONNECTION_STRING and AZURE_STORAGE_ACCOUNT_URL: set one or the other, not both");
  });

  it("refuses half a Slack or Teams configuration, naming what is missing", () => {
    expect(configError({ SLACK_BOT_TOKEN: "xoxb-1-2-3" }).message).toContain("SLACK_SIGNING_SECRET: must be set too");
    expect(configError({ SLACK_SIGNING_SECRET: "abc" }).message).toContain("SLACK_BOT_TOKEN: must be set too");
    expect(configError({ CLIENT_ID: GUID }).message).toContain("CLIENT_SECRET and TENANT_ID: must be set too");
  });

  it("gives a Slack-only deployment no Teams endpoint: missing Teams credentials never mean local mode", () => {
    const slack = { SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5", SLACK_BOT_TOKEN: "xoxb-1-2-abc" };
    expect(loadConfig(slack).teams).toEqual({ mode: "off" });
    expect(loadConfig({ DATABASE_URL: "postgresql://callgate@db:5432/callgate" }).teams).toEqual({ mode: "off" });
    expect(loadConfig({ AZURE_STORAGE_ACCOUNT_URL: "https://acct.blob.core.windows.net" }).teams).toEqual({ mode: "off" });
    expect(loadConfig({ HOST: "0.0.0.0" }).teams).toEqual({ mode: "off" });
    expect(loadConfig({ HOST: "127.attacker.test" }).teams).toEqual({ mode: "off" });
  });

  it("turns Teams local mode on only when asked, or for the trial with nothing configured", () => {
    expect(loadConfig({}).teams).toEqual({ mode: "local" });
    expect(loadConfig({ HOST: "::1" }).teams).toEqual({ mode: "local" });
    expect(loadConfig({ TEAMS_LOCAL_MODE: "false" }).teams).toEqual({ mode: "off" });
    const slack = { SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5", SLACK_BOT_TOKEN: "xoxb-1-2-abc" };
    expect(loadConfig({ ...slack, TEAMS_LOCAL_MODE: "TRUE", HOST: "127.0.0.1" }).teams).toEqual({ mode: "local" });
    expect(loadConfig({ TEAMS_LOCAL_MODE: "true", HOST: "localhost" }).teams).toEqual({ mode: "local" });
    expect(configError({ TEAMS_LOCAL_MODE: "yes" }).message).toContain('TEAMS_LOCAL_MODE: must be "true" or "false" (got "yes")');
  });

  it("refuses Teams local mode on a HOST other machines can reach, or beside Teams credentials", () => {
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "127.attacker.test", "callgate.example.org"]) {
      expect(configError({ TEAMS_LOCAL_MODE: "true", HOST: host }).message, host).toContain(`TEAMS_LOCAL_MODE: must not be true when HOST is ${host}`);
    }
    expect(configError({ TEAMS_LOCAL_MODE: "true", CLIENT_ID: GUID, CLIENT_SECRET: "x", TENANT_ID: GUID }).message).toContain("TEAMS_LOCAL_MODE: must not be true when CLIENT_ID");
  });

  it("reports bad values and missing partners together", () => {
    const err = configError({ PORT: "x", SLACK_BOT_TOKEN: "xoxb-1-2-3" });
    expect(err.message).toContain("PORT:");
    expect(err.message).toContain("SLACK_SIGNING_SECRET: must be set too");
  });

  it("never puts a secret's value in the message", () => {
    const secrets = {
      SLACK_BOT_TOKEN: "xoxp-user-token-not-bot",
      SLACK_SIGNING_SECRET: "has spaces so is invalid",
      DATABASE_URL: "mysql://root:topsecretpw@db/callgate",
      AZURE_STORAGE_CONNECTION_STRING: "AccountKey=onlyakeyvalue",
      CLIENT_SECRET: "client-secret-value",
      CLIENT_ID: "bad",
      TENANT_ID: GUID,
    };
    const err = configError(secrets);
    for (const value of ["xoxp-user-token-not-bot", "has spaces", "topsecretpw", "onlyakeyvalue", "client-secret-value"]) {
      expect(err.message).not.toContain(value);
    }
    expect(err.message).toContain('SLACK_BOT_TOKEN: must be a bot token starting "xoxb-"');
    expect(err.message).toContain('CLIENT_ID: must be the bot\'s application (client) ID, a GUID (got "bad")');
  });

  it("describes itself without secrets", () => {
    const config = loadConfig({
      DATABASE_URL: "postgresql://callgate:dbpassword@db:5432/callgate?sslmode=require",
      AZURE_STORAGE_CONNECTION_STRING: "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c3RvcmFnZWtleQ==;EndpointSuffix=core.windows.net",
      SLACK_SIGNING_SECRET: "signingsecretvalue",
      SLACK_BOT_TOKEN: "xoxb-bot-token-value",
      CLIENT_ID: GUID,
      CLIENT_SECRET: "teams-client-secret",
      TENANT_ID: GUID,
    });
    const described = JSON.stringify(describeConfig(config));
    for (const secret of ["dbpassword", "c3RvcmFnZWtleQ", "signingsecretvalue", "xoxb-bot-token-value", "teams-client-secret"]) {
      expect(described).not.toContain(secret);
    }
    expect(describeConfig(config)).toMatchObject({
      database: { kind: "postgresql", url: "postgresql://callgate@db:5432/callgate", poolSize: 10 },
      storage: { kind: "connection-string", accountName: "acct", container: "recordings" },
      slack: { enabled: true },
      teams: { mode: "authenticated", clientId: GUID, tenantId: GUID },
    });
  });
});
