/**
 * Opens Callgate's database: embedded PGlite under the data directory when no
 * DATABASE_URL is configured (migrated at start), otherwise the PostgreSQL
 * server it names (which must already be migrated).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../../generated/prisma/client.ts";
import { AppError } from "../../core/errors.ts";
import { applyMigrations, pendingMigrations, type SqlRunner } from "./migrations.ts";

export type Db = PrismaClient;

export interface Database {
  prisma: PrismaClient;
  kind: "pglite" | "postgresql";
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { kind: "pglite"; dataDir: string | "memory" }
  | { kind: "postgresql"; url: string; poolSize?: number };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.kind === "pglite" ? openPglite(options.dataDir) : openPostgres(options.url, options.poolSize);
}

async function openPglite(dataDir: string): Promise<Database> {
  let location = "memory://";
  if (dataDir !== "memory") {
    location = join(dataDir, "pglite");
    mkdirSync(location, { recursive: true });
  }
  const lite = await PGlite.create(location);
  await applyMigrations(pgliteRunner(lite));
  // pglite-prisma-adapter 0.6 is typed against an older copy of Prisma's
  // driver-adapter interface; at run time the two are the same.
  const adapter = new PrismaPGlite(lite) as unknown as NonNullable<ConstructorParameters<typeof PrismaClient>[0]>["adapter"];
  const prisma = new PrismaClient({ adapter });
  return {
    prisma,
    kind: "pglite",
    async close() {
      await prisma.$disconnect();
      await lite.close();
    },
  };
}

async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const pending = await pendingMigrations(pgRunner(client));
    if (pending.length > 0) {
      throw new AppError(
        "DATABASE_BEHIND",
        `The database is behind by ${pending.length} migration(s) (${pending.map((m) => m.name).join(", ")}). Run "npm run db:migrate" first.`,
      );
    }
  } finally {
    await client.end();
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: poolSize }) });
  return { prisma, kind: "postgresql", close: () => prisma.$disconnect() };
}

export function pgliteRunner(lite: PGlite): SqlRunner {
  return {
    exec: async (sql) => {
      await lite.exec(sql);
    },
    query: async <T>(sql: string, params?: unknown[]) => (await lite.query<T>(sql, params)).rows,
  };
}

export function pgRunner(client: pg.Client | pg.Pool): SqlRunner {
  return {
    exec: async (sql) => {
      await client.query(sql);
    },
    query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
  };
}
