/**
 * Core tests run against both databases Callgate supports, so the dialect
 * cannot drift: embedded PGlite and a real PostgreSQL database cloned from the
 * run's migrated template.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { openDatabase, type Database } from "../../src/infra/db/open-database.ts";
import { withDatabase } from "./global-setup.ts";

export type DatabaseKind = "pglite" | "postgresql";
export const DATABASE_KINDS: DatabaseKind[] = ["pglite", "postgresql"];

/** A fresh, migrated, empty database of the given kind. */
export async function freshDatabase(kind: DatabaseKind, options: { poolSize?: number } = {}): Promise<Database> {
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
  const db = await openDatabase({ kind: "postgresql", url: withDatabase(adminUrl, name), poolSize: options.poolSize ?? 10 });
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
