/**
 * Shared by the benchmarks: throwaway databases and percentiles. Benchmarks
 * print figures; they never assert.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { applyMigrations } from "../src/infra/db/migrations.ts";
import { openDatabase, pgRunner, type Database } from "../src/infra/db/open-database.ts";

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** A new, migrated PostgreSQL database that is dropped on close. */
export async function throwawayPostgres(options: { poolSize?: number } = {}): Promise<Database & { url: string }> {
  const name = `callgate_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const migrator = new pg.Client({ connectionString: url.toString() });
  await migrator.connect();
  await applyMigrations(pgRunner(migrator));
  await migrator.end();
  const db = await openDatabase({ kind: "postgresql", url: url.toString(), poolSize: options.poolSize ?? 10 });
  return {
    ...db,
    url: url.toString(),
    async close() {
      await db.close();
      const drop = new pg.Client({ connectionString: ADMIN_URL });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    },
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const ms = (n: number) => `${n.toFixed(2)} ms`;
