/**
 * Two ways to migrate a PostgreSQL database: `npm run db:migrate` (the real
 * Prisma CLI, `prisma migrate deploy`) in production, and the app's own runner
 * (the embedded database at start, and the tests' template). They must build
 * the same schema and record the same migrations, or the tests would prove
 * nothing about production.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { localMigrations } from "../../src/infra/db/migrations.ts";
import { withDatabase } from "../support/global-setup.ts";

const run = promisify(execFile);

/** Tables, columns, indexes, constraints and sequences, as text that can be compared. */
async function schemaOf(url: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = async (sql: string) => (await client.query<{ line: string }>(sql)).rows.map((r) => r.line);
    return {
      columns: await rows(`SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS line
        FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1`),
      indexes: await rows(`SELECT indexdef AS line FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`),
      constraints: await rows(`SELECT conrelid::regclass || ' ' || pg_get_constraintdef(oid) AS line FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1`),
      sequences: await rows(`SELECT sequence_name AS line FROM information_schema.sequences WHERE sequence_schema = 'public' ORDER BY 1`),
      migrations: await rows(`SELECT migration_name || ' ' || checksum AS line FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY 1`),
    };
  } finally {
    await client.end();
  }
}

describe("migrating PostgreSQL", () => {
  const adminUrl = inject("pgAdminUrl");
  const name = `${inject("pgTemplate")}_cli_${randomBytes(3).toString("hex")}`;
  const url = withDatabase(adminUrl, name);
  const admin = () => new pg.Client({ connectionString: adminUrl });

  beforeAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
  });
  afterAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });

  it("builds with `prisma migrate deploy` the same schema the app's own migration runner builds", async () => {
    await run("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url } });
    const { stdout } = await run("npx", ["prisma", "migrate", "status"], { env: { ...process.env, DATABASE_URL: url } });
    expect(stdout).toContain("Database schema is up to date");

    const byCli = await schemaOf(url);
    const byApp = await schemaOf(withDatabase(adminUrl, inject("pgTemplate")));
    expect(byCli.migrations).toHaveLength((await localMigrations()).length);
    expect(byCli).toEqual(byApp);
  }, 120_000);
});
