/**
 * Runs in every test file that may touch a database: closes the databases the
 * file made (see test/support/databases.ts) when it ends.
 */
import { afterAll } from "vitest";
import { closeTestDatabases } from "./databases.ts";

afterAll(closeTestDatabases);
