import { checkDatabase } from "@/db/client";
import packageJson from "@/package.json";
import { getDatabase } from "@/server/db";

export const dynamic = "force-dynamic";

export async function GET() {
  let database: { kind: string; ok: boolean } = { kind: "unknown", ok: false };
  try {
    const { db, kind } = await getDatabase();
    database = { kind, ok: await checkDatabase(db) };
  } catch (err) {
    console.error("[health] database unavailable:", err instanceof Error ? err.message : err);
  }
  const status = database.ok ? "ok" : "degraded";
  return Response.json(
    { status, version: packageJson.version, database },
    { status: database.ok ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
