import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { type Database, type DatabaseKind, openDatabase } from "@/db/client";

/** The PostgreSQL server the integration tests create throw-away databases on. */
export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A migrated, empty database of the given kind; drop it with the returned function. */
export async function createTestDatabase(
  kind: DatabaseKind,
): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (kind === "pglite") {
    const database = await openDatabase({ kind: "pglite" });
    await database.migrate();
    return { database, drop: () => database.close() };
  }
  const { url, drop } = await createEmptyPostgresDatabase();
  const database = await openDatabase({ kind: "postgres", url, maxConnections: 5 });
  await database.migrate();
  return {
    database,
    async drop() {
      await database.close();
      await drop();
    },
  };
}

/** A new, empty PostgreSQL database on the test server (not migrated). */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tunedesk_test_${crypto.randomBytes(6).toString("hex")}`;
  await withAdminClient((c) => c.query(`create database ${name}`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdminClient((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  };
}

async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Runs the same suite against the embedded database (PGlite) and real PostgreSQL.
 * `use()` returns the suite's database, fresh per suite.
 */
export function describeEachDatabase(title: string, suite: (use: () => Database) => void) {
  for (const kind of ["pglite", "postgres"] as const) {
    describe(`${title} [${kind}]`, () => {
      let current: { database: Database; drop: () => Promise<void> } | undefined;
      beforeAll(async () => {
        current = await createTestDatabase(kind);
      }, 60_000);
      afterAll(async () => {
        await current?.drop();
      });
      suite(() => {
        if (!current) throw new Error("test database not ready");
        return current.database;
      });
    });
  }
}
