// Prisma CLI configuration: the JavaScript engine with a driver adapter, so
// `prisma generate` and `prisma migrate deploy` work without downloading engines.
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

const url = process.env.DATABASE_URL;
// The CLI insists on a datasource URL before it looks at the adapter, and
// without one it tries to download a query engine. `generate` never connects,
// so a well-formed placeholder is enough; migrations still demand the real one.
process.env.DATABASE_URL ??= "postgresql://not-configured@127.0.0.1:1/none";

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    if (!url) throw new Error("Set DATABASE_URL to the PostgreSQL database to migrate (the embedded database migrates itself at start).");
    // A short idle timeout: the CLI exits as soon as it is done, not ten seconds later when the pool lets go.
    return new PrismaPg({ connectionString: url, idleTimeoutMillis: 100 });
  },
});
