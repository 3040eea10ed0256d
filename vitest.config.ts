import { defineConfig } from "vitest/config";

// Two projects: pure unit tests, which need nothing running; and the tests
// that need PostgreSQL (a migrated template made once per run), Azurite, the
// fake Slack Web API, the Agents Playground or Chromium. Each file of the
// second kind keeps its databases and empties them between tests
// (test/support/databases.ts), closing them when it ends.
//
// Two workers, though the machines have two cores: much of a test's time is
// spent waiting on PostgreSQL, Azurite, the Playground or Chromium, which run
// in their own processes. Files share a worker's module cache (isolate: false),
// so each worker loads Prisma, the SDKs and the core once, not once per file;
// what a file opens it closes in its own afterAll.
export default defineConfig({
  test: {
    pool: "forks",
    maxWorkers: 2,
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default"],
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "services",
          include: ["test/{integration,scenarios,contract,e2e}/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
          setupFiles: ["test/support/file-setup.ts"],
        },
      },
    ],
  },
});
