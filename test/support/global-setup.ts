/**
 * Once per test run: a throwaway PostgreSQL template database, which each test
 * file clones. It is migrated the way the embedded database migrates itself
 * (the same folders, Prisma's own `_prisma_migrations` table): in a second,
 * where the Prisma CLI takes over ten to exit. test/integration/migrations.test.ts
 * checks that `prisma migrate deploy` builds the very same schema.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../../src/infra/db/migrations.ts";
import { pgRunner } from "../../src/infra/db/open-database.ts";

const adminUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = `callgate_test_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const migrator = new pg.Client({ connectionString: withDatabase(adminUrl, template) });
  await migrator.connect();
  try {
    await applyMigrations(pgRunner(migrator));
  } finally {
    await migrator.end();
  }
  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", template);
  return async () => {
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    const { rows } = await cleanup.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${template}%`]);
    for (const { datname } of rows) await cleanup.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await cleanup.end();
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}
