import fs from "node:fs";
import path from "node:path";
import { type Database, openDatabase } from "@/db/client";
import { env } from "./env";

// Next.js may load this module in several bundles of one process (instrumentation, route handlers);
// the embedded database can only be opened once per process, so the handle lives on globalThis.
const globalKey = Symbol.for("tunedesk.database");
type GlobalWithDb = typeof globalThis & { [globalKey]?: Promise<Database> };

/** The process's database, opened and migrated on first use. */
export function getDatabase(): Promise<Database> {
  const g = globalThis as GlobalWithDb;
  g[globalKey] ??= openAndMigrate().catch((err) => {
    delete g[globalKey];
    throw err;
  });
  return g[globalKey];
}

async function openAndMigrate(): Promise<Database> {
  const { DATABASE_URL, TUNEDESK_DATA_DIR } = env();
  let database: Database;
  if (DATABASE_URL) {
    database = await openDatabase({ kind: "postgres", url: DATABASE_URL });
  } else {
    const dataDir = path.resolve(TUNEDESK_DATA_DIR, "db");
    fs.mkdirSync(dataDir, { recursive: true });
    database = await openDatabase({ kind: "pglite", dataDir });
  }
  await database.migrate();
  return database;
}
