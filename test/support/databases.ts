/**
 * Core tests run against both databases Callgate supports, so the dialect
 * cannot drift: embedded PGlite and a real PostgreSQL database cloned from the
 * run's migrated template.
 *
 * Making a database is the slow part of a test (booting and migrating PGlite
 * takes about a second), so each test file keeps the databases it has made and
 * hands them out again, emptied, to the next test that asks. Emptying is one
 * TRUNCATE of every table, sequences back to their start and the rows the
 * migrations seed put back: about 20 ms. The databases are closed when the file
 * ends (test/support/file-setup.ts).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";
import { openDatabase, type Database } from "../../src/infra/db/open-database.ts";
import { withDatabase } from "./global-setup.ts";

export type DatabaseKind = "pglite" | "postgresql";
export const DATABASE_KINDS: DatabaseKind[] = ["pglite", "postgresql"];

interface Pooled {
  key: string;
  database: Database;
  reset: () => Promise<void>;
  inUse: boolean;
}

const pool: Pooled[] = [];

/**
 * An empty, migrated database of the given kind, as a new one would be. Its
 * `close()` gives it back for the next test in this file; the file's end
 * closes it for real.
 */
export async function freshDatabase(kind: DatabaseKind, options: { poolSize?: number } = {}): Promise<Database> {
  const key = kind === "pglite" ? kind : `${kind}:${options.poolSize ?? 10}`;
  let entry = pool.find((p) => p.key === key && !p.inUse);
  if (entry) {
    entry.inUse = true;
    try {
      await entry.reset();
    } catch (error) {
      // A database a test broke is not handed out again.
      pool.splice(pool.indexOf(entry), 1);
      await entry.database.close().catch(() => undefined);
      throw error;
    }
  } else {
    const database = await createDatabase(kind, options.poolSize ?? 10);
    entry = { key, database, reset: await resetter(database.prisma), inUse: true };
    pool.push(entry);
  }
  const taken = entry;
  return {
    prisma: taken.database.prisma,
    kind: taken.database.kind,
    async close() {
      taken.inUse = false;
    },
  };
}

/** Closes every database this file made. */
export async function closeTestDatabases(): Promise<void> {
  const all = pool.splice(0);
  await Promise.all(all.map((p) => p.database.close()));
}

async function createDatabase(kind: DatabaseKind, poolSize: number): Promise<Database> {
  if (kind === "pglite") return openDatabase({ kind: "pglite", dataDir: "memory" });
  const adminUrl = inject("pgAdminUrl");
  const template = inject("pgTemplate");
  const name = `${template}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const db = await openDatabase({ kind: "postgresql", url: withDatabase(adminUrl, name), poolSize });
  return {
    ...db,
    async close() {
      await db.close();
      const drop = new pg.Client({ connectionString: adminUrl });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    },
  };
}

/**
 * Reads a newly migrated database once (its tables, and the rows the
 * migrations put in them) and returns what empties it back to that state.
 */
async function resetter(prisma: PrismaClient): Promise<() => Promise<void>> {
  const tables = (
    await prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`)
  ).map((t) => t.name);
  const seeded: { table: string; rows: string }[] = [];
  for (const table of tables) {
    const [row] = await prisma.$queryRawUnsafe<{ rows: unknown[] | null }[]>(`SELECT json_agg(t) AS rows FROM ${quote(table)} t`);
    if (row?.rows) seeded.push({ table, rows: JSON.stringify(row.rows) });
  }
  const truncate = `TRUNCATE ${tables.map(quote).join(", ")} RESTART IDENTITY CASCADE`;
  const restartSequences = `DO $$ DECLARE s record; BEGIN
    FOR s IN SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public' LOOP
      EXECUTE format('ALTER SEQUENCE %I RESTART', s.sequence_name);
    END LOOP; END $$`;
  return async () => {
    await prisma.$executeRawUnsafe(truncate);
    await prisma.$executeRawUnsafe(restartSequences);
    for (const { table, rows } of seeded) {
      await prisma.$executeRawUnsafe(`INSERT INTO ${quote(table)} SELECT * FROM json_populate_recordset(NULL::${quote(table)}, $1::json)`, rows);
    }
  };
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
